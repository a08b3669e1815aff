/** The `WWW-Authenticate` challenge a registry answers 401 with. */

export interface Challenge {
  /** Lowercase: `bearer` or `basic`. */
  scheme: string;
  /** Keys lowercase: `realm`, `service`, `scope`, `error`. */
  params: Record<string, string>;
}

/** Parses `Bearer realm="…",service="…",scope="…"`; quoted values may hold commas. */
export function parseChallenge(header: string | null): Challenge | undefined {
  const match = header ? /^\s*(\w+)\s*(.*)$/s.exec(header) : null;
  if (!match) return undefined;
  const params: Record<string, string> = {};
  for (const [, key, quoted, bare] of match[2].matchAll(/(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/g)) {
    params[key.toLowerCase()] = quoted !== undefined ? quoted.replace(/\\(.)/g, "$1") : bare;
  }
  return { scheme: match[1].toLowerCase(), params };
}
