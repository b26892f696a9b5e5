// Summarises a V8 .cpuprofile: self time by function (top N), inclusive time of the functions in this
// repository's packages and apps, and time by area (per request when the request count is given).
//
//   node bench/tools/cpu-profile-summary.mjs <file.cpuprofile> [top] [--requests=N]
import { readFileSync } from 'node:fs';
import { areasOfProfile, summariseProfile } from '../lib/cpu-profile.mjs';
import { argValue } from '../lib/stats.mjs';

const [file, top] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const profile = JSON.parse(readFileSync(file, 'utf8'));
const requests = Number(argValue('requests', 1));
console.log(JSON.stringify({ ...summariseProfile(profile, { top: Number(top ?? 25) }), areas: areasOfProfile(profile, requests) }, null, 2));
