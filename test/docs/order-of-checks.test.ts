import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ASSERTION_RULES, type AssertionRule } from '@rfc7523/core';

/**
 * docs/architecture.md shows the order of checks as a table generated from ASSERTION_RULES, the list the
 * engine runs; this test fails when the two differ. `UPDATE_DOCS=1` rewrites the section instead.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ARCHITECTURE = join(ROOT, 'docs/architecture.md');
const START = '<!-- order-of-checks: generated from ASSERTION_RULES (@rfc7523/core); test/docs/order-of-checks.test.ts keeps it current -->';
const END = '<!-- /order-of-checks -->';

const cell = (text: string) => text.replace(/\|/g, '\\|');
const uses = (r: AssertionRule) => (r.uses.length === 2 ? 'both' : r.uses[0] === 'client_authentication' ? 'client' : 'grant');

/** GitHub's anchor of a heading: lower case, punctuation dropped, each space a hyphen. */
export function slug(heading: string): string {
  return heading.toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/ /g, '-');
}

/** The anchors of docs/rules.md by rule id (`J3` → `j3--aud-exactly-this-server`). */
async function ruleAnchors(): Promise<Map<string, string>> {
  const rules = await readFile(join(ROOT, 'docs/rules.md'), 'utf8');
  return new Map([...rules.matchAll(/^#{2,4} (([RJPWGAD]\d{1,2})\b.*)$/gm)].map((m) => [m[2]!, slug(m[1]!)]));
}

/** The section as the table says it should read; `anchors` maps rule ids to docs/rules.md anchors. */
export function renderOrderOfChecks(rules: readonly AssertionRule[], anchors: ReadonlyMap<string, string>): string {
  const rows = rules.map(
    (r, i) =>
      `| ${i + 1} | \`${r.id}\` | [${r.rule}](rules.md#${anchors.get(r.rule) ?? r.rule.toLowerCase()}) | ${uses(r)} | ${cell(r.check)} | ${r.reasons.map((x) => `\`${x}\``).join(' ')} | ${cell(r.source)} |`,
  );
  return [START, '| # | step | rule | use | passes when | reason codes | source |', '| --- | --- | --- | --- | --- | --- | --- |', ...rows, END].join('\n');
}

function currentSection(text: string): string | undefined {
  const from = text.indexOf(START);
  const to = text.indexOf(END);
  return from === -1 || to === -1 ? undefined : text.slice(from, to + END.length);
}

describe('docs/architecture.md, order of checks', () => {
  it('is the table the engine runs (ASSERTION_RULES), generated', async () => {
    const text = await readFile(ARCHITECTURE, 'utf8');
    const expected = renderOrderOfChecks(ASSERTION_RULES, await ruleAnchors());
    const current = currentSection(text);
    if (process.env.UPDATE_DOCS === '1' && current !== undefined && current !== expected) {
      await writeFile(ARCHITECTURE, text.replace(current, expected));
      return;
    }
    expect(current).toBe(expected);
  });

  it('every rule id of the table has a heading in docs/rules.md', async () => {
    const anchors = await ruleAnchors();
    expect(ASSERTION_RULES.map((r) => r.rule).filter((id) => !anchors.has(id))).toEqual([]);
  });

  it('renders one row per step, in order, linking each rule to its heading', () => {
    expect(slug('J3 — `aud`: exactly this server')).toBe('j3--aud-exactly-this-server');
    const lines = renderOrderOfChecks(ASSERTION_RULES, new Map([['R8', 'r8--size-limits']])).split('\n');
    expect(lines).toHaveLength(ASSERTION_RULES.length + 4);
    expect(lines[3]).toMatch(/^\| 1 \| `size` \| \[R8\]\(rules\.md#r8--size-limits\) \| both \|/);
    expect(lines.at(-2)).toMatch(/^\| \d+ \| `replay` \| \[J7\]/);
  });
});
