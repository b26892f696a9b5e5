import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../..', import.meta.url));

/** A demo app started as its own process (`node apps/<name>/dist/main.js`, what `npm start` runs). */
export interface DemoProcess {
  child: ChildProcess;
  stdout: string;
  stderr: string;
  exit: Promise<number | null>;
}

/** Starts `apps/<name>/dist/main.js` with only `env` (and PATH); needs `npm run build`. */
export function startDemoProcess(name: string, env: Record<string, string>): DemoProcess {
  const child = spawn(process.execPath, [join(root, 'apps', name, 'dist', 'main.js')], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const started: DemoProcess = { child, stdout: '', stderr: '', exit: new Promise((resolve) => child.once('exit', resolve)) };
  child.stdout!.on('data', (chunk) => (started.stdout += String(chunk)));
  child.stderr!.on('data', (chunk) => (started.stderr += String(chunk)));
  return started;
}

/** A child process (a Nest app above all) can take many seconds to start on a loaded CI machine. */
export const START_DEADLINE = 45_000;

/**
 * Resolves with the first match of `pattern` in the process's stdout, or rejects when the process exits
 * first or `deadline` milliseconds pass.
 */
export function waitForOutput(s: DemoProcess, pattern: RegExp, deadline = START_DEADLINE): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const match = pattern.exec(s.stdout);
      if (match === null) return false;
      done();
      resolve(match);
      return true;
    };
    const onExit = () => {
      done();
      reject(new Error(`exited before printing ${pattern}: ${s.stdout} ${s.stderr}`));
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`no ${pattern} within ${deadline} ms: ${s.stdout} ${s.stderr}`));
    }, deadline);
    const done = () => {
      clearTimeout(timer);
      s.child.stdout!.off('data', check);
      s.child.off('exit', onExit);
    };
    if (check()) return;
    if (s.child.exitCode !== null || s.child.signalCode !== null) return onExit();
    s.child.stdout!.on('data', check);
    s.child.once('exit', onExit);
  });
}

/** The URL of the `listening on <url>` line (docs/demo-interface.md). */
export async function listeningUrl(s: DemoProcess): Promise<string> {
  return (await waitForOutput(s, /listening on (http:\/\/[^\s"]+)/))[1]!;
}

/** Waits for the exit code; a process still running after 20 s is killed (and the test then fails). */
export async function exitCode(s: DemoProcess): Promise<number | null> {
  const timer = setTimeout(() => s.child.kill('SIGKILL'), 20_000);
  try {
    return await s.exit;
  } finally {
    clearTimeout(timer);
  }
}
