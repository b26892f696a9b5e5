import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
// @ts-expect-error: a plain script without type declarations
import { countMutants, score, scoreTable } from '../../scripts/mutation-scores.mjs';

/**
 * docs/testing.md's table of mutation scores is computed from the committed incremental report by
 * scripts/mutation-scores.mjs; this test fails when the page and the report differ
 * (`node scripts/mutation-scores.mjs --write` rewrites the table).
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('docs/testing.md mutation scores', () => {
  it('the table is the one the committed report gives', async () => {
    const report = JSON.parse(await readFile(join(ROOT, 'reports/stryker-incremental.json'), 'utf8'));
    const doc = await readFile(join(ROOT, 'docs/testing.md'), 'utf8');
    const table = doc.slice(doc.indexOf('<!-- mutation-table -->') + '<!-- mutation-table -->'.length, doc.indexOf('<!-- /mutation-table -->')).trim();
    expect(table).toBe(scoreTable(report));
  });

  it("counts as Stryker does: detected over killed, timed out, survived and uncovered; ignored and errors apart", () => {
    const mutants = [
      ...Array.from({ length: 6 }, () => ({ status: 'Killed' })),
      { status: 'Timeout' },
      { status: 'Survived' },
      { status: 'NoCoverage' },
      { status: 'Ignored', statusReason: 'Static mutant (and "ignoreStatic" was enabled)' },
      { status: 'Ignored', statusReason: 'a cache; the key is converted again next time' },
      { status: 'RuntimeError' },
    ];
    const c = countMutants(mutants);
    expect(c).toEqual({ killed: 6, timeout: 1, survived: 1, noCoverage: 1, equivalent: 1, static: 1, errors: 1 });
    expect(score(c)).toBeCloseTo(700 / 9, 10);
    expect(scoreTable({ files: { 'a.ts': { mutants } } }).split('\n')[2]).toBe('| `a.ts` | 77.77% | 6 | 1 | 1 | 1 | 1 | 1 |');
  });
});
