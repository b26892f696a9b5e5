import { readFile } from 'node:fs/promises';
import * as root from '@rfc7523/core';
import * as constants from '@rfc7523/core/constants';
import * as node from '@rfc7523/core/node';
import * as validation from '@rfc7523/core/validation';

/** The package's subpath entries (package.json `exports`), each written out here as the list users get. */
const ENTRIES = {
  constants: ['JWT_BEARER_GRANT_TYPE', 'JWT_BEARER_CLIENT_ASSERTION_TYPE', 'CLIENT_CREDENTIALS_GRANT_TYPE', 'ASSERTION_ALGORITHMS', 'PRIVATE_KEY_JWT'],
  node: ['plainRequestFromNode', 'formFields', 'writeNodeResponse', 'documentResponse', 'endpointPaths'],
  validation: ['Checker', 'ConfigurationError', 'isLoopback', 'isSecureUrl'],
};

describe('@rfc7523/core entry points', () => {
  it('package.json exports the root and the three subpaths, each with its types first', async () => {
    const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'));
    expect(Object.keys(pkg.exports)).toEqual(['.', './node', './constants', './validation', './package.json']);
    for (const name of ['node', 'constants', 'validation']) {
      expect(pkg.exports[`./${name}`]).toEqual({ types: `./dist/${name}.d.ts`, default: `./dist/${name}.js` });
    }
  });

  it.each([
    ['constants', constants],
    ['node', node],
    ['validation', validation],
  ] as const)('@rfc7523/core/%s exports its list, the same objects as the root entry', (name, entry) => {
    expect(Object.keys(entry).sort()).toEqual([...ENTRIES[name]].sort());
    const rootValues = root as unknown as Record<string, unknown>;
    for (const [key, value] of Object.entries(entry)) {
      // The root keeps every name it had; the kit's Checker and URL helpers are new and live in /validation only.
      if (key in rootValues) expect(rootValues[key]).toBe(value);
    }
  });

  it('the root entry still carries the node helpers and the constants for existing users', () => {
    for (const name of [...ENTRIES.node, ...ENTRIES.constants, 'ConfigurationError']) expect(root).toHaveProperty(name);
  });
});
