/** Property paths as the engine writes them (`replaceOnChanges`, `ignoreChanges`, secret fingerprints). */

export type Segment = string | number;

/** Parses a property path as the engine writes them: `a.b`, `a[0]`, `a[*]`, `a["b.c"]`. */
export function parsePath(text: string): Segment[] {
  const segments: Segment[] = [];
  let key = "";
  const flush = () => {
    if (key !== "") segments.push(key);
    key = "";
  };
  for (let i = 0; i < text.length;) {
    const c = text[i];
    if (c === ".") {
      flush();
      i += 1;
    } else if (c === "[") {
      flush();
      const quoted = text[i + 1] === '"';
      const end = quoted ? text.indexOf('"]', i + 2) : text.indexOf("]", i);
      if (end < 0) {
        key = text.slice(i);
        break;
      }
      // A quoted key is taken as written, its escapes undone: a malformed path must not stop the comparison.
      const inner = quoted ? text.slice(i + 2, end).replace(/\\(.)/g, "$1") : text.slice(i + 1, end);
      segments.push(quoted || inner === "*" || !/^\d+$/.test(inner) ? inner : Number(inner));
      i = end + (quoted ? 2 : 1);
    } else {
      key += c;
      i += 1;
    }
  }
  flush();
  return segments;
}

/** Whether one path lies at or under the other, `*` matching any one segment of the listed path. */
export function overlaps(listed: readonly Segment[], changed: readonly Segment[]): boolean {
  if (listed.length === 0) return false;
  const shared = Math.min(listed.length, changed.length);
  for (let i = 0; i < shared; i += 1) {
    if (listed[i] !== "*" && String(listed[i]) !== String(changed[i])) return false;
  }
  return true;
}
