/**
 * HTTP for the image tool: one exchange with a timeout, retried where the server asks for
 * patience, redirects followed without handing credentials to another host, and the small
 * readings every caller needs. Knows nothing of registries beyond their error type.
 */
import { errorLike, errorMessage } from "../common/errors";
import { RegistryError } from "./errors";

/** Per request, including reading the response. */
export const DEFAULT_TIMEOUT_MS = 30_000;
const MAX_REDIRECTS = 5;
/** Retries for throttling (429) and for a server that is briefly unavailable (502, 503, 504). */
const MAX_RETRIES = { throttled: 6, unavailable: 3 } as const;
/**
 * A Retry-After longer than this is not waited for: the answer stands. ACR's throttling lasts "up to
 * a full minute after a large burst", and its 429 carries a Retry-After in seconds (ACR docs,
 * container-registry-skus.md, "API request rate limits", azure-management-docs d923d588).
 */
const MAX_RETRY_AFTER_MS = 60_000;

export interface HttpRequest {
  method: string;
  headers: Record<string, string>;
  body?: Uint8Array | string;
}

/**
 * One HTTP exchange, retried where the server asks for patience: 429 after its Retry-After (ACR
 * throttles deletes), and 502, 503 or 504 after a short, growing pause, a bounded number of
 * times. Only methods that may be repeated are retried (a repeated DELETE finds nothing to delete).
 * Redirects are returned, not followed: see followRedirects.
 */
export async function send(url: URL, request: HttpRequest, timeoutMs: number): Promise<Response> {
  const repeatable = ["GET", "HEAD", "DELETE"].includes(request.method);
  for (let attempt = 0; ; attempt++) {
    let response: Response;
    try {
      response = await fetch(url, {
        method: request.method,
        headers: request.headers,
        body: request.body,
        redirect: "manual",
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new RegistryError(`cannot reach ${url.origin}: ${networkReason(error, timeoutMs)}`, "unreachable");
    }
    const wait = repeatable ? retryDelay(response, attempt) : undefined;
    if (wait === undefined) return response;
    await discard(response);
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
}

/** How long to wait before sending a request again, or undefined when its answer stands. */
export function retryDelay(response: Pick<Response, "status" | "headers">, attempt: number, now = Date.now()): number | undefined {
  if (response.status === 429) {
    if (attempt >= MAX_RETRIES.throttled) return undefined;
    const header = response.headers.get("retry-after");
    const seconds = header === null ? NaN : Number(header);
    const asDate = header === null ? NaN : Date.parse(header) - now;
    const ms = !Number.isNaN(seconds) ? seconds * 1000 : !Number.isNaN(asDate) ? Math.max(asDate, 0) : 1000 * 2 ** attempt;
    return ms <= MAX_RETRY_AFTER_MS ? ms : undefined;
  }
  if (response.status === 502 || response.status === 503 || response.status === 504) {
    return attempt < MAX_RETRIES.unavailable ? 250 * 2 ** attempt : undefined;
  }
  return undefined;
}

/**
 * Follows the redirects a GET or HEAD is answered with. A hop that stays on `origin` is sent by
 * `sameOrigin`, which adds the caller's credentials; a hop to another host (ACR sends blob
 * downloads to a storage account with a signed URL) goes with the request's own headers and
 * without any Authorization, so credentials and tokens stay with the registry.
 */
export async function followRedirects(
  first: Response,
  from: URL,
  request: HttpRequest,
  origin: string,
  timeoutMs: number,
  sameOrigin: (url: URL) => Promise<Response>,
): Promise<Response> {
  let response = first;
  let current = from;
  for (let hop = 0; isRedirect(response.status) && (request.method === "GET" || request.method === "HEAD"); hop++) {
    const location = response.headers.get("location");
    if (!location || hop === MAX_REDIRECTS) {
      throw new RegistryError(`${origin} sent a redirect without an end (HTTP ${response.status})`, "protocol", response.status);
    }
    await discard(response);
    current = new URL(location, current);
    response =
      current.origin === origin
        ? await sameOrigin(current)
        : await send(current, { method: request.method, headers: withoutCredentials(request.headers) }, timeoutMs);
  }
  return response;
}

function withoutCredentials(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => name.toLowerCase() !== "authorization"));
}

function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

/** Frees the connection of a response whose body is not wanted. */
export async function discard(response: Response): Promise<void> {
  await response.body?.cancel().catch(() => undefined);
}

/** The body as JSON; `source` names the sender for the message when it is not JSON. */
export async function readJson(response: Response, source: string): Promise<unknown> {
  const text = await response.text();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new RegistryError(`${source} answered something that is not JSON`, "protocol", response.status);
  }
}

function networkReason(error: unknown, timeoutMs: number): string {
  const { name, cause } = errorLike(error);
  if (name === "TimeoutError" || name === "AbortError") return `no answer within ${timeoutMs / 1000} s`;
  // fetch reports every network failure as TypeError("fetch failed") with the socket error as cause.
  const reason = cause ?? error;
  switch (errorLike(reason).code) {
    case "ECONNREFUSED":
      return "connection refused (is the address and port right, and the registry running?)";
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return "no such host";
    case "ECONNRESET":
      return "the connection was reset";
    case "EPROTO":
    case "ERR_SSL_WRONG_VERSION_NUMBER":
    case "ERR_SSL_PACKET_LENGTH_TOO_LONG":
      return "TLS failed (does the server speak plain http? then give the URL with http://)";
    default:
      return errorMessage(reason);
  }
}
