/** Where a JSON text stops being valid: a 0-based offset, and the same as a 1-based line and column. */
export interface JsonErrorPosition {
  /** UTF-16 code units from the start of the text. */
  offset: number;
  /** 1-based line (lines end at `\n`). */
  line: number;
  /** 1-based column, in UTF-16 code units from the start of the line. */
  column: number;
}

class Stop {
  readonly offset: number;
  constructor(offset: number) {
    this.offset = offset;
  }
}

const WHITESPACE = ' \t\n\r';

/** The offset of the first syntax error in `text` (RFC 8259 grammar), or -1 when it is valid JSON. */
function firstErrorOffset(text: string): number {
  let i = 0;
  const fail = (): never => {
    throw new Stop(i);
  };
  const ws = () => {
    while (i < text.length && WHITESPACE.includes(text[i] as string)) i++;
  };
  const string = () => {
    i++; // the opening quote
    for (;;) {
      const ch = text[i];
      if (ch === undefined) fail();
      if (ch === '"') return void i++;
      if (ch === '\\') {
        i++;
        const escape = text[i];
        if (escape !== undefined && '"\\/bfnrt'.includes(escape)) i++;
        else if (escape === 'u') {
          i++;
          for (let k = 0; k < 4; k++, i++) if (!/[0-9a-fA-F]/.test(text[i] ?? '')) fail();
        } else fail();
      } else if ((ch as string).charCodeAt(0) < 0x20) fail();
      else i++;
    }
  };
  const isDigit = () => (text[i] ?? '') >= '0' && (text[i] ?? '') <= '9';
  const digits = () => {
    if (!isDigit()) fail();
    while (isDigit()) i++;
  };
  const number = () => {
    if (text[i] === '-') i++;
    if (text[i] === '0') i++;
    else digits();
    if (text[i] === '.') {
      i++;
      digits();
    }
    if (text[i] === 'e' || text[i] === 'E') {
      i++;
      if (text[i] === '+' || text[i] === '-') i++;
      digits();
    }
  };
  const value = (): void => {
    ws();
    const ch = text[i];
    if (ch === '{' || ch === '[') {
      const close = ch === '{' ? '}' : ']';
      i++;
      ws();
      if (text[i] === close) return void i++;
      for (;;) {
        if (ch === '{') {
          ws();
          if (text[i] !== '"') fail();
          string();
          ws();
          if (text[i] !== ':') fail();
          i++;
        }
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === close) return void i++;
        else fail();
      }
    }
    if (ch === '"') return string();
    if (ch === '-' || isDigit()) return number();
    for (const literal of ['true', 'false', 'null']) {
      if (ch !== literal[0]) continue;
      for (const expected of literal) {
        if (text[i] !== expected) fail();
        i++;
      }
      return;
    }
    fail();
  };
  try {
    value();
    ws();
    if (i < text.length) fail();
    return -1;
  } catch (err) {
    if (err instanceof Stop) return err.offset;
    return -1; // e.g. nesting deeper than the stack: no position to give
  }
}

/**
 * Locates the first syntax error of a JSON text that `JSON.parse` refused, so that a configuration error
 * can name its line and column (V8's messages give a position for some errors only). Undefined when no
 * position can be found.
 */
export function jsonErrorPosition(text: string): JsonErrorPosition | undefined {
  const offset = firstErrorOffset(text);
  if (offset < 0) return undefined;
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { offset, line: before.split('\n').length, column: offset - lineStart + 1 };
}
