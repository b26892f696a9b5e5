import { readFile, writeFile } from 'node:fs/promises';

/** What the CLI reads and writes, so tests can run commands in-process. */
export interface CliIo {
  /** Writes one line (or block) to standard output. */
  out(text: string): void;
  /** Writes one line (or block) to standard error. */
  err(text: string): void;
  /** Reads a UTF-8 file. */
  readFile(path: string): Promise<string>;
  /** Creates a file readable by its owner only (mode 0600); fails when it exists. */
  writeSecretFile(path: string, text: string): Promise<void>;
  /** Reads all of standard input. */
  readStdin(): Promise<string>;
  /** The environment variables platform tokens are read from (`--from`). Default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
}

/** The process's own streams and files. */
export function processIo(): CliIo {
  return {
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
    readFile: (path) => readFile(path, 'utf8'),
    writeSecretFile: (path, text) => writeFile(path, text, { mode: 0o600, flag: 'wx' }),
    async readStdin() {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
    env: process.env,
  };
}
