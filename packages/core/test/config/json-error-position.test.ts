import { randomInt } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTrustConfig } from '@rfc7523/core';
import { jsonErrorPosition } from '../../src/config/json-error-position.js';

const VALID = JSON.stringify(
  {
    clients: [{ client_id: 'log-aggregator', jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'abc', y: 'def' }] }, scope: 'logs:read', max_assertion_lifetime: 600 }],
    trusted_issuers: [{ issuer: 'ci', jwks_uri: 'https://ci.example.com/jwks', subjects: ['a\u00e9\\"b', 'c'], require_jti: false, n: -1.5e3, z: null }],
  },
  null,
  2,
);
const SPICE = ['{', '}', '[', ']', ',', ':', '"', '\\', 't', 'n', '-', '0', '1', '.', 'e', ' ', '\n', 'x', '\u0001'];

/** `text` with one random character inserted, deleted or replaced. */
function mutate(text: string): string {
  const at = randomInt(text.length);
  const ch = SPICE[randomInt(SPICE.length)] as string;
  switch (randomInt(3)) {
    case 0:
      return text.slice(0, at) + ch + text.slice(at);
    case 1:
      return text.slice(0, at) + text.slice(at + 1);
    default:
      return text.slice(0, at) + ch + text.slice(at + 1);
  }
}

describe('jsonErrorPosition', () => {
  it('agrees with JSON.parse on validity, and with V8 on the line and column whenever V8 gives them', () => {
    let compared = 0;
    for (let n = 0; n < 3000; n++) {
      const text = mutate(mutate(VALID));
      let message: string | undefined;
      try {
        JSON.parse(text);
      } catch (err) {
        message = (err as Error).message;
      }
      const at = jsonErrorPosition(text);
      if (message === undefined) {
        expect(at).toBeUndefined();
        continue;
      }
      expect(at).toBeDefined();
      const v8 = / \(line (\d+) column (\d+)\)$/.exec(message);
      if (v8 !== null) {
        expect({ text, line: at?.line, column: at?.column }).toEqual({ text, line: Number(v8[1]), column: Number(v8[2]) });
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(500);
  });

  it('points at the end of a truncated text, and at the first wrong character of a literal', () => {
    expect(jsonErrorPosition('{\n  "a": ')).toEqual({ offset: 9, line: 2, column: 8 });
    expect(jsonErrorPosition('{"a": tru}')).toEqual({ offset: 9, line: 1, column: 10 });
    expect(jsonErrorPosition('')).toEqual({ offset: 0, line: 1, column: 1 });
    expect(jsonErrorPosition('{} x')).toEqual({ offset: 3, line: 1, column: 4 });
  });
});

describe('loadTrustConfig: bad JSON', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rfc7523-json-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('names the file, the line and the column', async () => {
    const path = join(dir, 'trust.json');
    await writeFile(path, '{\n  "clients": [],\n  "trusted_issuers": [\n    { "issuer": "ci" }\n    { "issuer": "cd" }\n  ]\n}\n');
    await expect(loadTrustConfig(path)).rejects.toMatchObject({
      source: path,
      field: '(file)',
      message: `${path}: "(file)" is not valid JSON at line 5, column 5: Expected ',' or ']' after array element`,
    });
  });

  it('gives a position also where V8 gives none, without quoting the file', async () => {
    const path = join(dir, 'literal.json');
    await writeFile(path, '{\n  "clients": tru\n}');
    const err = (await loadTrustConfig(path).catch((e: unknown) => e)) as Error;
    expect(err.message).toMatch(/is not valid JSON at line 2, column 17: Unexpected token/);
    expect(err.message).not.toContain('"clients"');
  });

  it('skips a byte order mark', async () => {
    const path = join(dir, 'bom.json');
    await writeFile(path, '\ufeff{"clients": []}');
    await expect(loadTrustConfig(path)).resolves.toMatchObject({ clients: [] });
  });
});
