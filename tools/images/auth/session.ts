/**
 * Authenticated requests to one registry: learns how it wants to be signed in to from `GET /v2/`
 * once (anonymous, HTTP basic, or Docker's bearer token flow), adds the credentials or a token
 * for the request's scope, retries once with the scope a 401 challenge asks for, and follows
 * redirects without handing credentials to other hosts.
 */
import { describeErrors, readErrors, RegistryError } from "../errors";
import { DEFAULT_TIMEOUT_MS, discard, followRedirects, send, type HttpRequest } from "../http";
import { parseChallenge } from "./challenge";
import { basicAuthorization, fetchToken, TokenCache, type Credentials, type TokenService } from "./tokens";

export type { Credentials } from "./tokens";

type AuthScheme = { kind: "none" } | { kind: "basic" } | ({ kind: "bearer" } & TokenService);

export interface SessionOptions {
  /** Scheme, host and port of the registry, such as `https://myreg.azurecr.io`. */
  url: string | URL;
  /** Omitted for anonymous access. */
  credentials?: Credentials;
  /** Per request, including reading the response. Default 30 s. */
  timeoutMs?: number;
}

/** What a request may carry besides its method and path. */
export interface RequestInit {
  headers?: Record<string, string>;
  body?: Uint8Array | string;
}

export class RegistrySession {
  readonly origin: string;
  /** Where relative paths (and Link headers) resolve. */
  readonly base: URL;
  readonly timeoutMs: number;
  private readonly credentials?: Credentials;
  private scheme?: Promise<AuthScheme>;
  private readonly tokens = new TokenCache();

  constructor(options: SessionOptions) {
    this.base = new URL(options.url);
    this.origin = this.base.origin;
    this.credentials = options.credentials;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /**
   * Sends an authenticated request for `scope`. A 401 that remains becomes a RegistryError; any
   * other status is the caller's to judge.
   */
  async request(method: string, path: string, scope: string, init: RequestInit = {}): Promise<Response> {
    const scheme = await this.authScheme();
    const url = new URL(path, this.base);
    if (url.origin !== this.origin) {
      // A Link or Location header could point anywhere; credentials and tokens stay with the registry.
      throw new RegistryError(`${this.origin} pointed to ${url.origin}; refusing to send credentials there`, "protocol");
    }
    const request: HttpRequest = { method, headers: init.headers ?? {}, body: init.body };
    let response = await this.sendWithAuth(url, scope, scheme, request);
    if (response.status === 401 && scheme.kind === "bearer") {
      const challenge = parseChallenge(response.headers.get("www-authenticate"));
      await discard(response);
      // The token may have expired, or the registry may want a wider scope than we asked for.
      const wanted = challenge?.scheme === "bearer" && challenge.params.scope ? challenge.params.scope : scope;
      this.tokens.forget(wanted);
      response = await this.sendWithAuth(url, wanted, scheme, request);
    }
    if (response.status === 401) throw await this.unauthorized(response, method, scope);
    return followRedirects(response, url, { method, headers: request.headers }, this.origin, this.timeoutMs, (next) =>
      this.sendWithAuth(next, scope, scheme, { method, headers: request.headers }),
    );
  }

  private async sendWithAuth(url: URL, scope: string, scheme: AuthScheme, request: HttpRequest): Promise<Response> {
    const headers: Record<string, string> = { ...request.headers };
    if (scheme.kind === "bearer") {
      const token = await this.tokens.get(scope, () => fetchToken(this.base, scheme, scope, this.credentials, this.timeoutMs));
      headers.authorization = `Bearer ${token.token}`;
    } else if (scheme.kind === "basic" && this.credentials) {
      headers.authorization = basicAuthorization(this.credentials);
    }
    return send(url, { ...request, headers }, this.timeoutMs);
  }

  private authScheme(): Promise<AuthScheme> {
    this.scheme ??= this.discoverAuthScheme();
    return this.scheme;
  }

  /** `GET /v2/` is the Distribution API's ping: 200 when open, 401 with a challenge saying how to log in. */
  private async discoverAuthScheme(): Promise<AuthScheme> {
    const response = await send(new URL("/v2/", this.base), { method: "GET", headers: {} }, this.timeoutMs);
    await discard(response);
    if (response.ok) return { kind: "none" };
    const challenge = response.status === 401 ? parseChallenge(response.headers.get("www-authenticate")) : undefined;
    if (challenge?.scheme === "basic") return { kind: "basic" };
    if (challenge?.scheme === "bearer" && challenge.params.realm) {
      let realm: URL;
      try {
        realm = new URL(challenge.params.realm);
      } catch {
        throw new RegistryError(`${this.origin} names an invalid token service ${JSON.stringify(challenge.params.realm)}`, "protocol");
      }
      return { kind: "bearer", realm, service: challenge.params.service };
    }
    throw new RegistryError(
      `${this.origin} does not look like a container registry: GET /v2/ answered HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ""}`,
      "not-a-registry",
      response.status,
    );
  }

  /** A 401 that remains after authenticating: no credentials, refused ones, or too few rights. */
  private async unauthorized(response: Response, method: string, scope: string): Promise<RegistryError> {
    if (!this.credentials) return new RegistryError(`${this.origin} requires credentials`, "needs-credentials", 401);
    const challenge = parseChallenge(response.headers.get("www-authenticate"));
    const registryMessage = describeErrors(await readErrors(response));
    const detail = registryMessage ? ` (${registryMessage})` : "";
    if (challenge?.scheme === "bearer" || challenge?.params.error === "insufficient_scope") {
      // The token service accepted the login (or it would have answered 401 itself), so it is
      // the identity's rights that fall short.
      const wanted = challenge.params.scope ?? scope;
      return new RegistryError(
        `${this.origin} denied ${method} for user ${this.credentials.username}: it lacks the permission ${wanted}${detail}`,
        "denied",
        401,
      );
    }
    return new RegistryError(`${this.origin} refused the credentials of user ${this.credentials.username}${detail}`, "unauthorized", 401);
  }
}
