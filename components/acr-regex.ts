/**
 * The regular expressions of `acr purge` filters, read as acr purge reads them and turned into
 * JavaScript ones that mean the same.
 *
 * acr purge compiles filters with github.com/dlclark/regexp2 in its RE2 mode (Azure/acr-cli
 * cmd/repository/image_functions.go, `regexp2.RE2`): POSIX classes such as `[[:alpha:]]`, RE2's
 * named groups `(?P<name>...)`, inline flags `(?i)` and `(?ims-U:...)`, and lookarounds (acr-cli's
 * own tests purge with `v1(?!-a)` and `(?<!-[a])`). Node 22's RegExp has no inline flags, so `i` is
 * spelled out as both cases of each letter; `m` and `s` change nothing for a one-line name, and
 * `U` (lazy for greedy) changes which text a match takes, not whether a name matches, so they are
 * dropped. Escapes are taken where both engines read them alike (`\d \w \s \b` and their
 * negations, `\t \n \r \f \v`, `\xHH`, `\A`, `\z`, escaped punctuation); others (`\p{...}`, `\Z`,
 * `\Q`, `\x{...}`, `\u...`, `\a`, `\e`) are refused rather than guessed. Backreferences are refused
 * too: regexp2 would take them, but RE2's syntax, which acr-cli follows, has none.
 */

const POSIX_CLASSES: Record<string, string> = {
  alnum: "0-9A-Za-z",
  alpha: "A-Za-z",
  ascii: "\\x00-\\x7F",
  blank: "\\t ",
  cntrl: "\\x00-\\x1F\\x7F",
  digit: "0-9",
  graph: "!-~",
  lower: "a-z",
  print: " -~",
  punct: "!-\\/:-@\\[-`{-~",
  space: "\\t\\n\\v\\f\\r ",
  upper: "A-Z",
  word: "0-9A-Za-z_",
  xdigit: "0-9A-Fa-f",
};

/** A pattern acr purge would refuse, or this project refuses, with the reason. */
export class FilterRegexError extends Error {}

const isLetter = (c: string) => /[A-Za-z]/.test(c);
const bothCases = (c: string) => (isLetter(c) ? `${c.toLowerCase()}${c.toUpperCase()}` : c);
const escapeLiteral = (text: string) => text.replace(/[\\^$.*+?()[\]{}|/-]/g, "\\$&");

/** The JavaScript source of an acr purge regex (not anchored); throws FilterRegexError. */
export function toJavaScriptRegex(pattern: string): string {
  let i = 0;
  let out = "";
  // Case-insensitivity of each open group, innermost last; the outermost is the whole pattern.
  const caseless: boolean[] = [false];
  const insensitive = () => caseless[caseless.length - 1];

  /** An escape outside or inside a class, from the backslash; returns its JavaScript text. */
  const escape = (inClass: boolean): string => {
    const next = pattern[i + 1];
    if (next === undefined) throw new FilterRegexError("it ends with a lone backslash");
    if (/[1-9]/.test(next) || (next === "k" && pattern[i + 2] === "<")) {
      throw new FilterRegexError(`${pattern.slice(i, i + 2)} is a backreference, which RE2's syntax (acr purge's) does not have`);
    }
    if (next === "x") {
      const hex = pattern.slice(i + 2, i + 4);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) throw new FilterRegexError(`${pattern.slice(i, i + 4)}: write \\x with two hex digits`);
      i += 4;
      return `\\x${hex}`;
    }
    // Letters and digits escape to something only where both engines agree on what.
    if (/[A-Za-z0-9]/.test(next) && !/[dDwWsStnrfv]/.test(next) && !(!inClass && /[bBAz]/.test(next))) {
      throw new FilterRegexError(
        `\\${next} is an escape this project does not read the way acr purge's engine does; write what it stands for`,
      );
    }
    i += 2;
    if (next === "A") return "^";
    if (next === "z") return "$";
    return `\\${next}`;
  };

  /** A bracketed class, from `[`; POSIX classes expanded, letters in both cases where `i` holds. */
  const characterClass = (): string => {
    let body = "";
    i += 1;
    if (pattern[i] === "^") {
      body += "^";
      i += 1;
    }
    // A `]` right after the opening (or its `^`) is a literal.
    if (pattern[i] === "]") {
      body += "\\]";
      i += 1;
    }
    for (;;) {
      const c = pattern[i];
      if (c === undefined) throw new FilterRegexError("a character class [ is not closed");
      if (c === "]") {
        i += 1;
        return `[${body}]`;
      }
      if (c === "\\") {
        body += escape(true);
        continue;
      }
      const posix = /^\[:(\^?)([a-z]+):\]/.exec(pattern.slice(i));
      if (posix) {
        const expansion = POSIX_CLASSES[posix[2]];
        if (!expansion) throw new FilterRegexError(`[:${posix[2]}:] is not a POSIX character class`);
        if (posix[1]) throw new FilterRegexError(`[:^${posix[2]}:] (a negated POSIX class inside a class) is not supported here`);
        // Under (?i) a class of one case holds the other too: [[:lower:]] is every letter then.
        body += insensitive() && (posix[2] === "lower" || posix[2] === "upper") ? "A-Za-z" : expansion;
        i += posix[0].length;
        continue;
      }
      if (c === "-" && pattern[i + 1] === "[") {
        throw new FilterRegexError("-[...] inside a class (class subtraction) is not RE2 syntax; list what the class holds");
      }
      if (c === "[") {
        body += "\\[";
        i += 1;
        continue;
      }
      const range = /^(.)-([^\]])/.exec(pattern.slice(i));
      if (range && range[2] !== "\\" && range[2] !== "[") {
        const [low, high] = [range[1], range[2]];
        body += `${escapeLiteral(low)}-${escapeLiteral(high)}`;
        if (insensitive() && isLetter(low) && isLetter(high) && (low === low.toLowerCase()) === (high === high.toLowerCase())) {
          const swap = (x: string) => (x === x.toLowerCase() ? x.toUpperCase() : x.toLowerCase());
          body += `${swap(low)}-${swap(high)}`;
        }
        i += 3;
        continue;
      }
      body += insensitive() ? escapeLiteral(bothCases(c)) : escapeLiteral(c);
      i += 1;
    }
  };

  /** Inline flags `imsU` with an optional `-` part: whether `i` holds after them. */
  const applyFlags = (flags: string, current: boolean): boolean => {
    if (!/^[imsU]*(-[imsU]*)?$/.test(flags))
      throw new FilterRegexError(`(?${flags}...) has a flag acr purge does not know (it knows i, m, s and U)`);
    const [on, off = ""] = flags.split("-");
    if (on.includes("i")) return true;
    if (off.includes("i")) return false;
    return current;
  };

  while (i < pattern.length) {
    const c = pattern[i];
    if (c === "\\") {
      out += escape(false);
    } else if (c === "[") {
      out += characterClass();
    } else if (c === "(") {
      const rest = pattern.slice(i);
      const named = /^\(\?P?<([A-Za-z_][A-Za-z0-9_]*)>/.exec(rest);
      const flagged = /^\(\?([imsU-]*)(:|\))/.exec(rest);
      if (named) {
        out += `(?<${named[1]}>`;
        caseless.push(insensitive());
        i += named[0].length;
      } else if (/^\(\?(?:<[=!]|[=!:])/.test(rest)) {
        const opener = /^\(\?(?:<[=!]|[=!:])/.exec(rest)![0];
        out += opener;
        caseless.push(insensitive());
        i += opener.length;
      } else if (flagged && flagged[1] !== "") {
        const next = applyFlags(flagged[1], insensitive());
        if (flagged[2] === ":") {
          out += "(?:";
          caseless.push(next);
        } else {
          // `(?i)` holds to the end of the enclosing group.
          caseless[caseless.length - 1] = next;
        }
        i += flagged[0].length;
      } else if (rest.startsWith("(?")) {
        throw new FilterRegexError(`${rest.slice(0, 4)}... is a group acr purge's regex dialect does not have`);
      } else {
        out += "(";
        caseless.push(insensitive());
        i += 1;
      }
    } else if (c === ")") {
      if (caseless.length === 1) throw new FilterRegexError("a ) has no ( to close");
      caseless.pop();
      out += ")";
      i += 1;
    } else {
      out += insensitive() && isLetter(c) ? `[${bothCases(c)}]` : c;
      i += 1;
    }
  }
  if (caseless.length > 1) throw new FilterRegexError("a ( is not closed");
  try {
    new RegExp(out);
  } catch (error) {
    throw new FilterRegexError((error as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /, ""), { cause: error });
  }
  return out;
}

/** acr purge's regex as a JavaScript RegExp that must match the whole name. */
export function wholeNameRegex(pattern: string): RegExp {
  return new RegExp(`^(?:${toJavaScriptRegex(pattern)})$`);
}
