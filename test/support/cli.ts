import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The built `rfc7523` CLI (npm test builds first), run the way a user runs it. */
export const CLI_MAIN = fileURLToPath(new URL('../../packages/client/dist/cli/main.js', import.meta.url));

/** How one run of the CLI ended. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built CLI with `args` in a child process: `input` is written to its stdin (none: stdin is
 * closed at once), `env` replaces the environment (default: this process's).
 */
export function runBuiltCli(args: readonly string[], options: { input?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_MAIN, ...args], { stdio: ['pipe', 'pipe', 'pipe'], ...(options.env === undefined ? {} : { env: options.env }) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}
