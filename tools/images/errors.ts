/**
 * Every failure of the image tool's registry layers is a RegistryError whose message is meant for
 * the user as it stands; its kind lets callers add advice without parsing messages.
 */

/** `unauthorized`: the credentials were refused; `denied`: they were accepted but lack a permission. */
export type RegistryErrorKind =
  "unreachable" | "not-a-registry" | "needs-credentials" | "unauthorized" | "denied" | "not-found" | "unsupported" | "protocol";

export class RegistryError extends Error {
  constructor(
    message: string,
    readonly kind: RegistryErrorKind,
    readonly status?: number,
  ) {
    super(message);
    this.name = "RegistryError";
  }
}

/** What was being done when a response failed, for its message. */
export interface FailureContext {
  action: string;
  notFound?: string;
  /** Whether a bare 404 means the registry lacks the API rather than the thing asked for. */
  missingApi?: boolean;
}

export interface ErrorEntry {
  code?: string;
  message?: string;
}

/**
 * Turns an error response of `origin` into a RegistryError that says what was being done. With
 * `missingApi`, a 404 that is not a registry error (no `errors` body, as a plain router answers an
 * unknown path) means the path itself is not served, and becomes "unsupported".
 */
export async function responseError(response: Response, origin: string, context: FailureContext): Promise<RegistryError> {
  const errors = await readErrors(response);
  const codes = new Set(errors.map((error) => error.code));
  const detail = describeErrors(errors) || `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ""}`;
  if (context.missingApi && response.status === 404 && errors.length === 0) {
    return new RegistryError(`${origin} cannot ${context.action}: it does not serve that API`, "unsupported", 404);
  }
  if (response.status === 404 || codes.has("NAME_UNKNOWN") || codes.has("MANIFEST_UNKNOWN") || codes.has("BLOB_UNKNOWN")) {
    const message = context.notFound ? `${context.notFound} (${detail})` : `cannot ${context.action}: ${detail}`;
    return new RegistryError(message, "not-found", response.status);
  }
  if (response.status === 405 || codes.has("UNSUPPORTED")) {
    return new RegistryError(`${origin} refuses to ${context.action}: ${detail}`, "unsupported", response.status);
  }
  if (response.status === 403 || codes.has("DENIED")) {
    return new RegistryError(`${origin} denied the request to ${context.action}: ${detail}`, "denied", response.status);
  }
  return new RegistryError(`cannot ${context.action}: ${origin} answered ${detail}`, "protocol", response.status);
}

/** The Distribution API's `{"errors":[{"code","message"}]}` body, or nothing when the body is not that. */
export async function readErrors(response: Response): Promise<ErrorEntry[]> {
  return parseErrors(await response.text().catch(() => ""));
}

/** The entries of an `{"errors":[…]}` body given as text; ACR's own endpoints answer the same shape. */
export function parseErrors(text: string): ErrorEntry[] {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return [];
  }
  const errors = field(body, "errors");
  if (!Array.isArray(errors)) return [];
  return errors.map((error: unknown) => {
    const code = field(error, "code");
    const message = field(error, "message");
    return { code: typeof code === "string" ? code : undefined, message: typeof message === "string" ? message : undefined };
  });
}

/** `code: message; code: message`, leaving out entries that say nothing. */
export function describeErrors(errors: readonly ErrorEntry[]): string {
  return errors
    .map((error) => [error.code, error.message].filter(Boolean).join(": "))
    .filter(Boolean)
    .join("; ");
}

/** A property of a parsed JSON value, or undefined when the value is not an object. */
export function field(value: unknown, key: string): unknown {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}
