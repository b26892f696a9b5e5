import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Nothing in the repository points outside it: the documentation a reader needs is in docs/, so no file
 * may send them to the product brief the project started from (a sibling `shared` folder and its
 * specification, interface and style documents), which a clone does not have.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SKIPPED_DIRS = new Set(['node_modules', 'dist', 'coverage', '.git', '.stryker-tmp']);
const TEXT = /\.(ts|mts|cts|js|mjs|cjs|json|md|yml|yaml|txt|sh)$|^(run|Dockerfile|LICENSE)$/;
/** Written in pieces so that this file does not match itself. */
const NAMES = ['SP' + 'EC', 'INTER' + 'FACE', 'ST' + 'YLE'].join('|');
const FORBIDDEN: readonly RegExp[] = [
  new RegExp(['\\.\\.', 'shared'].join('/')),
  new RegExp(['', 'work', 'shared'].join('/')),
  new RegExp(`\\b${'shared'}/(${NAMES})`),
  new RegExp(`\\b(${NAMES})\\.md\\b`),
  // The brief's name followed by a rule id: rule ids are cited as "rule J7" and defined in docs/rules.md.
  new RegExp(`\\b${'SP'}EC\\b`),
];

async function textFiles(dir: string): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) files.push(...(await textFiles(join(dir, entry.name))));
    } else if (TEXT.test(entry.name) && entry.name !== 'package-lock.json') {
      files.push(join(dir, entry.name));
    }
  }
  return files;
}

/** `file:line: text` for every line of `text` that points outside the repository. */
export function outsideReferences(text: string, file: string): string[] {
  return text
    .split('\n')
    .flatMap((line, i) => (FORBIDDEN.some((re) => re.test(line)) ? [`${file}:${i + 1}: ${line.trim()}`] : []));
}

describe('no file of the repository points outside it', () => {
  it('recognises the references it forbids, and not the docs that replace them', () => {
    const sample = ['see ../' + 'shared/' + 'SP' + 'EC.md', '(SP' + 'EC.md rule J3)', 'INTER' + 'FACE.md describes it', '(SP' + 'EC J7)', 'docs/rules.md#j3', 'specification.md', 'rule J7 (docs/rules.md)'].join('\n');
    expect(outsideReferences(sample, 'x').map((l) => l.split(':')[1])).toEqual(['1', '2', '3', '4']);
  });

  it('in any text file: sources, tests, docs, package files, CI scripts', async () => {
    const found: string[] = [];
    const files = await textFiles(ROOT);
    expect(files.length).toBeGreaterThan(100);
    for (const file of files) found.push(...outsideReferences(await readFile(file, 'utf8'), relative(ROOT, file)));
    expect(found).toEqual([]);
  });
});
