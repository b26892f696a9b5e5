import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Every relative link of the repository's Markdown files leads to a file of the repository. */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SKIPPED_DIRS = new Set(['node_modules', 'dist', 'coverage', '.git', '.stryker-tmp']);

async function markdownFiles(dir: string): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) files.push(...(await markdownFiles(join(dir, entry.name))));
    } else if (entry.name.endsWith('.md')) {
      files.push(join(dir, entry.name));
    }
  }
  return files;
}

/** Targets of `[text](target)` links that are neither absolute URLs nor in-page anchors, outside code blocks. */
export function relativeLinks(markdown: string): string[] {
  const prose = markdown.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');
  return [...prose.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1]!)
    .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target) && !target.startsWith('#'))
    .map((target) => target.split('#')[0]!);
}

describe('Markdown links', () => {
  it('finds relative links and skips URLs, anchors and code', () => {
    const sample = '[a](docs/rules.md#j3) [b](https://example.com) [c](#top)\n`[d](x.md)`\n```\n[e](y.md)\n```\n[f](../core/README.md)';
    expect(relativeLinks(sample)).toEqual(['docs/rules.md', '../core/README.md']);
  });

  it('resolve to files inside the repository', async () => {
    const broken: string[] = [];
    const files = await markdownFiles(ROOT);
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      for (const target of relativeLinks(await readFile(file, 'utf8'))) {
        const path = resolve(dirname(file), target);
        if (relative(ROOT, path).startsWith('..') || !existsSync(path)) broken.push(`${relative(ROOT, file)} → ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });
});
