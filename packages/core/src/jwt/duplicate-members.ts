/**
 * Finds a repeated member name in an already-valid JSON text (RFC 7519 §4 lets a JWT parser reject
 * them; rule J13 says we do). `JSON.parse` silently keeps the last value, which lets two parties read
 * one token differently. Returns the first repeated name, or undefined.
 *
 * Precondition: `text` has been accepted by `JSON.parse`, so only strings and brackets need care.
 */
export function findDuplicateMember(text: string): string | undefined {
  // One entry per open container: a Set of names for an object, null for an array.
  // Stryker disable next-line ArrayDeclaration: the text is a JSON object JSON.parse accepted, so the bottom entry is never read
  const stack: Array<Set<string> | null> = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x7b /* { */) {
      stack.push(new Set());
      expectKey = true;
    } else if (c === 0x5b /* [ */) {
      stack.push(null);
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop();
    } else if (c === 0x2c /* , */) {
      expectKey = stack[stack.length - 1] != null;
    } else if (c === 0x22 /* " */) {
      let j = i + 1;
      // Stryker disable next-line BooleanLiteral: an unescaped name read through JSON.parse is the same name
      let escaped = false;
      for (; j < text.length; j++) {
        const d = text.charCodeAt(j);
        if (d === 0x5c /* \ */) {
          escaped = true;
          j++;
        } else if (d === 0x22) break;
      }
      if (expectKey) {
        const raw = text.slice(i, j + 1);
        const name = escaped ? (JSON.parse(raw) as string) : raw.slice(1, -1);
        const names = stack[stack.length - 1] as Set<string>;
        if (names.has(name)) return name;
        names.add(name);
        expectKey = false;
      }
      i = j;
    }
  }
  return undefined;
}

/**
 * The number of member names of a JSON text holding one object whose members hold no object (strings,
 * numbers, literals, arrays of those), or -1 for any other text. With `JSON.parse`'s result, it answers
 * whether names repeat without collecting them (rule J13): `JSON.parse` keeps one own key per distinct
 * name, so the object has fewer keys than the text has names exactly when a name repeats, escaped or not.
 * Linear in the text's length. Precondition: `text` has been accepted by `JSON.parse`.
 */
export function flatMemberCount(text: string): number {
  let names = 0;
  let objects = 0;
  let arrays = 0;
  // Stryker disable next-line BooleanLiteral: the text is a JSON object, so its first '{' sets expectKey anyway
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      let j = i + 1;
      for (; j < text.length; j++) {
        const d = text.charCodeAt(j);
        if (d === 0x5c /* \ */) j++;
        else if (d === 0x22) break;
      }
      if (expectKey) {
        names++;
        expectKey = false;
      }
      i = j;
    } else if (c === 0x7b /* { */) {
      // A second object, nested or inside an array (every array is inside the object: see `[`).
      if (++objects > 1) return -1;
      expectKey = true;
    } else if (c === 0x5b /* [ */) {
      if (objects === 0) return -1;
      arrays++;
    } else if (c === 0x5d /* ] */) {
      arrays--;
    } else if (c === 0x2c /* , */) {
      expectKey = arrays === 0;
    }
  }
  return objects === 1 ? names : -1;
}
