import type { CliIo } from '../../src/cli/io.js';

/** In-memory standard streams and files for running the CLI in-process. */
export interface FakeIo extends CliIo {
  stdout: string[];
  stderr: string[];
  files: Map<string, string>;
  readonly output: string;
  readonly errors: string;
}

/** `env` is what `--from` reads: empty by default, so no test sees the real environment. */
export function fakeIo(files: Record<string, string> = {}, stdin = '', env: Record<string, string> = {}): FakeIo {
  const io: FakeIo = {
    stdout: [],
    stderr: [],
    files: new Map(Object.entries(files)),
    get output() {
      return io.stdout.join('\n');
    },
    get errors() {
      return io.stderr.join('\n');
    },
    out: (text) => void io.stdout.push(text),
    err: (text) => void io.stderr.push(text),
    async readFile(path) {
      const text = io.files.get(path);
      if (text === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
      return text;
    },
    async writeSecretFile(path, text) {
      if (io.files.has(path)) throw Object.assign(new Error(`EEXIST: ${path}`), { code: 'EEXIST' });
      io.files.set(path, text);
    },
    readStdin: async () => stdin,
    env,
  };
  return io;
}
