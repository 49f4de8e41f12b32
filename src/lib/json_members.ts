/**
 * Duplicate member names in JSON text. `JSON.parse` keeps the last of two members with the same
 * name; where the text is signed (a JWS protected header) another reader may keep the first, so
 * RFC 7515 §4 lets a JWS parser reject such a header, which is what we do.
 */

/**
 * The first member name that occurs twice in one object of a JSON text.
 *
 * @param text - JSON text that `JSON.parse` accepts (the scan relies on it being well formed)
 * @returns the duplicated name, or undefined when every object's names are distinct
 * @example
 * ```ts
 * firstDuplicateMember('{"sigT":"a","sigT":"b"}'); // 'sigT'
 * ```
 */
export function firstDuplicateMember(text: string): string | undefined {
  // One entry per open object (its names so far) or array (null).
  const open: (Set<string> | null)[] = [];
  let expectName = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      const names = open[open.length - 1];
      if (names && expectName) {
        const name = JSON.parse(text.slice(i, j + 1)) as string;
        if (names.has(name)) return name;
        names.add(name);
        expectName = false;
      }
      i = j;
    } else if (c === '{') {
      open.push(new Set());
      expectName = true;
    } else if (c === '[') {
      open.push(null);
      expectName = false;
    } else if (c === '}' || c === ']') {
      open.pop();
      expectName = false;
    } else if (c === ',') {
      expectName = open[open.length - 1] != null;
    }
  }
  return undefined;
}
