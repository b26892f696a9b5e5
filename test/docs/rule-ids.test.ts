import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ASSERTION_RULES } from '@rfc7523/core';

/**
 * Every rule id the code cites — in comments, in test names, in what `rfc7523 explain` prints — must
 * resolve to a heading of docs/rules.md, and docs/rules.md must have one heading per rule.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SEARCHED = ['packages', 'apps', 'test', 'bench', 'scripts'];
const SKIPPED_DIRS = new Set(['node_modules', 'dist', 'coverage', '.git', '.stryker-tmp']);
const SOURCE = /\.(ts|mts|cts|js|mjs|cjs)$/;
/** A rule id as the code writes it: one family letter and a number, standing alone. */
const RULE_ID = /(?<![\w.%$-])([RJPWGAD])(\d{1,2})(?![\w.-])/g;

/** The rules of docs/rules.md: families and their numbers. */
const EXPECTED: Record<string, [number, number]> = { R: [0, 11], J: [1, 13], P: [1, 4], W: [1, 6], G: [1, 6], A: [1, 1], D: [1, 3] };

interface Citation {
  id: string;
  where: string;
}

async function rulesHeadings(): Promise<string[]> {
  const text = await readFile(join(ROOT, 'docs/rules.md'), 'utf8');
  return [...text.matchAll(/^#{2,4} ([RJPWGAD]\d{1,2})\b/gm)].map((m) => m[1]!);
}

async function sourceFiles(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const files: string[] = [];
  for (const entry of entries) {
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) files.push(...(await sourceFiles(join(dir, entry.name))));
    } else if (SOURCE.test(entry.name)) {
      files.push(join(dir, entry.name));
    }
  }
  return files;
}

/** 1-based line of an offset. */
function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/**
 * The prose of a source file where rule ids are cited: comments (`//` to the end of the line, and
 * block comments) and the names given to `describe`, `it` and `test`. String literals are skipped when
 * looking for comments, so a URL's `//` is not taken for one.
 */
export function citedText(text: string): { offset: number; text: string }[] {
  const parts: { offset: number; text: string }[] = [];
  const scanner = /\/\*[\s\S]*?\*\/|\/\/[^\n]*|'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*"|`(?:\\.|[^`\\])*`/g;
  for (const m of text.matchAll(scanner)) {
    if (m[0].startsWith('/')) parts.push({ offset: m.index, text: m[0] });
  }
  const names = /\b(?:describe|it|test)(?:\.(?:each|only|concurrent)(?:\((?:[^()]|\([^()]*\))*\))?)?\(\s*(['"`])((?:\\.|(?!\1)[^\\])*)\1/g;
  for (const m of text.matchAll(names)) parts.push({ offset: m.index, text: m[2]! });
  return parts;
}

function citationsIn(text: string, file: string): Citation[] {
  const found: Citation[] = [];
  for (const part of citedText(text)) {
    for (const m of part.text.matchAll(RULE_ID)) {
      found.push({ id: `${m[1]}${m[2]}`, where: `${file}:${lineOf(text, part.offset)}` });
    }
  }
  return found;
}

describe('docs/rules.md', () => {
  it('has exactly one heading per rule: R0–R11, J1–J13, P1–P4, W1–W6, G1–G6, A1, D1–D3', async () => {
    const expected = Object.entries(EXPECTED).flatMap(([family, [from, to]]) => Array.from({ length: to - from + 1 }, (_, i) => `${family}${from + i}`));
    const headings = await rulesHeadings();
    expect([...headings].sort()).toEqual([...expected].sort());
  });
});

describe('every rule id the code cites resolves to a heading of docs/rules.md', () => {
  let headings: Set<string>;
  let citations: Citation[];

  beforeAll(async () => {
    headings = new Set(await rulesHeadings());
    citations = [];
    for (const dir of SEARCHED) {
      for (const file of await sourceFiles(join(ROOT, dir))) {
        citations.push(...citationsIn(await readFile(file, 'utf8'), relative(ROOT, file)));
      }
    }
  });

  it('in comments and test names of packages/, apps/, test/, bench/ and scripts/', () => {
    expect(citations.length).toBeGreaterThan(100);
    expect(citations.filter((c) => !headings.has(c.id)).map((c) => `${c.id} at ${c.where}`)).toEqual([]);
  });

  it('in the rule table the engine runs and `rfc7523 explain` prints (ASSERTION_RULES)', () => {
    const rules = ASSERTION_RULES.map((s) => s.rule);
    expect(rules.length).toBeGreaterThan(20);
    expect(rules.filter((r) => !headings.has(r))).toEqual([]);
  });

  it('finds ids in comments and test names, and not in code or string data', () => {
    const sample = [
      "// replay is keyed on jti (J7) and R10 narrows scope",
      "/** see J14: unknown */",
      "it('J3 refuses the token endpoint URL', () => {",
      "describe.each(targets)('$name R0 order', () => {});",
      "const body = 'a=%A4&b=A9'; const url = 'http://host/P4';",
      "const curve = 'P-256'; const alg = 'RS256'; const v = J7;",
    ].join('\n');
    expect(citationsIn(sample, 'sample.ts').map((c) => `${c.id}@${c.where.split(':')[1]}`)).toEqual(['J7@1', 'R10@1', 'J14@2', 'J3@3', 'R0@4']);
  });
});
