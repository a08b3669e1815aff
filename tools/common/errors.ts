/**
 * Reading a failure, for every layer of the tools (HTTP, sign-in, the command line). Errors thrown by
 * Node's own modules (fetch, parseArgs) can come from another realm, as under jest, where
 * `instanceof Error` is false; so their fields are read without it.
 */

export function errorLike(value: unknown): { name?: unknown; message?: unknown; code?: unknown; cause?: unknown } {
  return typeof value === "object" && value !== null ? value : {};
}

export function errorMessage(error: unknown): string {
  const { message } = errorLike(error);
  return typeof message === "string" ? message : String(error);
}
