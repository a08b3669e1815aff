/** What the command-line tools say about a failure. */
import { errorLike } from "../common/errors";

/** Wrong arguments: the shell prints the message, points to the help, and exits with EXIT.usage. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** Stopped by Ctrl-C after the work in flight finished; the message says what was done. Exits with EXIT.interrupted. */
export class Interrupted extends Error {
  constructor(message: string) {
    super(message);
    this.name = "Interrupted";
  }
}

/** The errors node:util's parseArgs throws for unknown options, missing values and the like. */
export function isParseArgsError(error: unknown): boolean {
  const { code } = errorLike(error);
  return typeof code === "string" && code.startsWith("ERR_PARSE_ARGS");
}
