import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/**
 * `import '@rfc7523/client'` must not load the engine: the library takes its constants and its option
 * checks from core's light entries (`@rfc7523/core/constants`, `/validation`). Read from the sources: every
 * module the client's index reaches at run time (type-only imports are erased), following core's
 * subpaths to core's sources.
 */
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const CORE_SRC = join(ROOT, 'packages/core/src');

/** What an import specifier in `from` names: a source file, or a package outside the workspace. */
function resolve(from: string, specifier: string): string | undefined {
  if (specifier.startsWith('.')) return join(dirname(from), specifier.replace(/\.js$/, '.ts'));
  const core = /^@rfc7523\/core(?:\/([a-z-]+))?$/.exec(specifier);
  if (core !== null) return join(CORE_SRC, `${core[1] ?? 'index'}.ts`);
  return undefined;
}

/** The specifiers a module imports or re-exports at run time. */
function runtimeImports(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && !node.importClause?.isTypeOnly && ts.isStringLiteral(node.moduleSpecifier)) found.push(node.moduleSpecifier.text);
    if (ts.isExportDeclaration(node) && !node.isTypeOnly && node.moduleSpecifier !== undefined && ts.isStringLiteral(node.moduleSpecifier)) found.push(node.moduleSpecifier.text);
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && ts.isStringLiteral(node.arguments[0]!)) found.push(node.arguments[0].text);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function reachable(entry: string): Set<string> {
  const seen = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    expect(existsSync(file)).toBe(true);
    seen.add(file);
    for (const specifier of runtimeImports(file)) {
      const next = resolve(file, specifier);
      if (next !== undefined) queue.push(next);
    }
  }
  return seen;
}

describe('the @rfc7523/client library entry', () => {
  it('reaches only core’s light entries (constants and the validation kit), never the engine', () => {
    const core = [...reachable(join(ROOT, 'packages/client/src/index.ts'))].filter((f) => f.startsWith(CORE_SRC)).map((f) => relative(CORE_SRC, f));
    expect(core.sort()).toEqual(['config/checks.ts', 'config/configuration-error.ts', 'constants.ts', 'validation.ts']);
  });

  it('the walk does see the engine when an entry loads it (the rfc7523 command does)', () => {
    const cli = [...reachable(join(ROOT, 'packages/client/src/cli/run.ts'))].map((f) => relative(CORE_SRC, f));
    expect(cli).toContain('server.ts');
  });
});
