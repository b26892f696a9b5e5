import { Environment, type ASTNode } from '@marcbachmann/cel-js';

/** Longest CEL expression accepted in a trust file, characters (rules W2, W5). */
export const MAX_EXPRESSION_LENGTH = 1024;

/**
 * Structural limits of one expression (rules W2, W5), enforced by the CEL library at parse time: at most
 * 200 AST nodes, nesting depth 24, 64 list or map literal elements, 8 call arguments. CEL has no unbounded
 * loops; comprehensions run over input lists only, and the assertion's size is capped (rule R8).
 */
export const CEL_LIMITS = Object.freeze({ maxAstNodes: 200, maxDepth: 24, maxListElements: 64, maxMapEntries: 64, maxCallArguments: 8 });

/**
 * The one CEL environment of trust-file expressions: `claims` and `header` declared as
 * `map<string, dyn>`, every other identifier an error at type-check. Built once (building is costly).
 */
const ENVIRONMENT = new Environment({ unlistedVariablesAreDyn: false, limits: { ...CEL_LIMITS } })
  .registerVariable('claims', 'map<string, dyn>')
  .registerVariable('header', 'map<string, dyn>');

/** The variables an expression sees: the verified assertion's claims set and JOSE header. */
export interface CelInput {
  readonly claims: Readonly<Record<string, unknown>>;
  readonly header: Readonly<Record<string, unknown>>;
}

/** A parsed and type-checked expression. */
export interface CompiledExpression {
  /** The source, as written in the trust file. */
  readonly source: string;
  /** Evaluates; throws on an evaluation error (absent claim, wrong type). */
  readonly evaluate: (input: CelInput) => unknown;
  /**
   * The claims the expression pins to literals: those compared with `==` to a string or number literal, or
   * tested `in` a list of such literals, in the expression itself or in one of its top-level `&&` terms —
   * so the expression can only be true when the claim has one of those values (rule W6).
   */
  readonly claimsPinned: ReadonlySet<string>;
}

/** Why an expression was refused at start-up, with the library's 0-based character position when it has one. */
export class CelCompileError extends Error {}

type Node = { op: string; args: unknown };

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && typeof (value as { op?: unknown }).op === 'string';
}

/** Every node of an AST, depth first. */
function* nodes(value: unknown): Generator<Node> {
  if (Array.isArray(value)) {
    for (const item of value) yield* nodes(item);
  } else if (isNode(value)) {
    yield value;
    yield* nodes(value.args);
  }
}

/** The claim `claims.NAME` / `claims['NAME']` a node reads directly, if it is such an access. */
function claimAccessed(node: unknown): string | undefined {
  if (!isNode(node) || (node.op !== '.' && node.op !== '[]')) return undefined;
  const [target, key] = node.args as [unknown, unknown];
  if (!isNode(target) || target.op !== 'id' || target.args !== 'claims') return undefined;
  if (typeof key === 'string') return key;
  return isNode(key) && key.op === 'value' && typeof key.args === 'string' ? key.args : undefined;
}

/** Whether a node is a string or number literal (not `null`, not a boolean). */
function isLiteral(node: unknown): boolean {
  return isNode(node) && node.op === 'value' && ['string', 'number', 'bigint'].includes(typeof node.args);
}

/**
 * The claims pinned by the top-level `&&` terms of an expression: `claims.X == literal`, `literal ==
 * claims.X`, `claims.X in [literal, …]`. Top level only: there `claims` is always the declared variable
 * (a macro's own variable named `claims` lives inside its call) and each term must hold for a true result.
 */
function claimsPinned(ast: ASTNode): Set<string> {
  const pinned = new Set<string>();
  const terms: unknown[] = [ast];
  while (terms.length > 0) {
    const term = terms.pop();
    if (!isNode(term)) continue;
    const args = term.args as unknown[];
    if (term.op === '&&') {
      terms.push(...args);
    } else if (term.op === '==') {
      const [left, right] = args;
      const name = isLiteral(right) ? claimAccessed(left) : isLiteral(left) ? claimAccessed(right) : undefined;
      if (name !== undefined) pinned.add(name);
    } else if (term.op === 'in') {
      const [left, list] = args;
      const name = claimAccessed(left);
      const items = isNode(list) && list.op === 'list' && Array.isArray(list.args) ? (list.args as unknown[]) : [];
      if (name !== undefined && items.length > 0 && items.every(isLiteral)) pinned.add(name);
    }
  }
  return pinned;
}

/** Whether the AST calls `matches` (a regular expression the library runs with JavaScript's backtracking RegExp). */
function callsMatches(ast: ASTNode): boolean {
  for (const node of nodes(ast)) {
    if ((node.op === 'rcall' || node.op === 'call') && Array.isArray(node.args) && node.args[0] === 'matches') return true;
  }
  return false;
}

function position(err: unknown): string {
  const range = (err as { range?: { start?: unknown } }).range;
  return typeof range?.start === 'number' ? ` at character ${range.start + 1}` : '';
}

function summary(err: unknown): string {
  const e = err as { summary?: unknown; message?: unknown };
  const text = typeof e.summary === 'string' ? e.summary : typeof e.message === 'string' ? e.message.split('\n')[0] : String(err);
  return text ?? 'invalid';
}

/**
 * Parses and type-checks a CEL expression (rules W2, W5) whose result must be `want`: `bool` for a
 * condition, `string` for a subject mapping (`dyn` is accepted and checked at evaluation). Refuses
 * expressions longer than {@link MAX_EXPRESSION_LENGTH}, beyond {@link CEL_LIMITS}, and any use of
 * `matches()`: the library runs it with JavaScript's backtracking RegExp, and the string it matches comes
 * from the token, so one crafted claim could stall the server (ReDoS). Throws {@link CelCompileError}.
 */
export function compileCel(source: string, want: 'bool' | 'string'): CompiledExpression {
  if (source.length > MAX_EXPRESSION_LENGTH) throw new CelCompileError(`is longer than ${MAX_EXPRESSION_LENGTH} characters`);
  let fn: ReturnType<typeof ENVIRONMENT.parse>;
  try {
    fn = ENVIRONMENT.parse(source);
  } catch (err) {
    throw new CelCompileError(`is not valid CEL${position(err)}: ${summary(err)}`);
  }
  const checked = fn.check();
  if (!checked.valid) throw new CelCompileError(`does not type-check${position(checked.error)}: ${summary(checked.error)}`);
  if (checked.type !== want && checked.type !== 'dyn') throw new CelCompileError(`must return a ${want}, not ${checked.type}`);
  if (callsMatches(fn.ast)) {
    throw new CelCompileError('uses matches(), which is refused: the CEL library runs it with a backtracking regular expression that a crafted claim could stall (ReDoS); use startsWith, endsWith, contains or ==');
  }
  return Object.freeze({ source, evaluate: (input: CelInput) => fn(input), claimsPinned: claimsPinned(fn.ast) });
}
