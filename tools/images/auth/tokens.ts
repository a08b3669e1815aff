/**
 * Docker's token flow (the Distribution spec's token authentication, which ACR serves): a bearer
 * token per scope from the registry's token service, kept until shortly before it expires.
 */
import { field, RegistryError, responseError } from "../errors";
import { discard, readJson, send } from "../http";

export interface Credentials {
  username: string;
  password: string;
}

export interface BearerToken {
  token: string;
  expiresAt: number;
}

/** Where the registry's challenge says to get tokens. */
export interface TokenService {
  realm: URL;
  service?: string;
}

/** Tokens by scope: one fetch per scope in flight, a failed fetch forgotten, an expired token fetched again. */
export class TokenCache {
  private readonly tokens = new Map<string, Promise<BearerToken>>();

  /** The token for `scope`, from `fetch` when there is none or it has expired. */
  get(scope: string, fetch: () => Promise<BearerToken>): Promise<BearerToken> {
    const cached = this.tokens.get(scope);
    if (cached) return cached.then((token) => (token.expiresAt > Date.now() ? token : this.refresh(scope, fetch)));
    return this.refresh(scope, fetch);
  }

  /** After a 401: the token may have expired early or been revoked. */
  forget(scope: string): void {
    this.tokens.delete(scope);
  }

  private refresh(scope: string, fetch: () => Promise<BearerToken>): Promise<BearerToken> {
    const pending = fetch();
    this.tokens.set(scope, pending);
    // A failed fetch must not be served from the cache to the next caller.
    pending.catch(() => this.tokens.delete(scope));
    return pending;
  }
}

export function basicAuthorization(credentials: Credentials): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString("base64")}`;
}

/**
 * GETs the realm with service and scope, credentials as HTTP basic (ACR takes admin or service
 * principal ones, or an ACR refresh token as the password of the empty GUID).
 */
export async function fetchToken(
  registry: URL,
  tokenService: TokenService,
  scope: string,
  credentials: Credentials | undefined,
  timeoutMs: number,
): Promise<BearerToken> {
  const url = new URL(tokenService.realm);
  if (tokenService.service) url.searchParams.set("service", tokenService.service);
  for (const part of scope.split(" ").filter(Boolean)) url.searchParams.append("scope", part);
  const headers: Record<string, string> = {};
  if (credentials) {
    if (url.protocol !== "https:" && registry.protocol === "https:") {
      throw new RegistryError(
        `${registry.origin} sends logins to ${url.origin} over plain http; refusing to send the password there`,
        "protocol",
      );
    }
    headers.authorization = basicAuthorization(credentials);
  }
  const response = await send(url, { method: "GET", headers }, timeoutMs);
  if (response.status === 401 || response.status === 403) {
    await discard(response);
    throw credentials
      ? new RegistryError(
          `${registry.origin} refused the credentials of user ${credentials.username} (its token service ${url.origin} answered HTTP ${response.status})`,
          "unauthorized",
          response.status,
        )
      : new RegistryError(`${registry.origin} requires credentials`, "needs-credentials", response.status);
  }
  if (!response.ok) {
    throw await responseError(response, registry.origin, { action: `get a token from ${url.origin}` });
  }
  const body = await readJson(response, `the token service ${url.origin}`);
  const token = field(body, "token") ?? field(body, "access_token");
  if (typeof token !== "string" || token === "") {
    throw new RegistryError(`the token service ${url.origin} answered without a token`, "protocol");
  }
  const lifetime = field(body, "expires_in");
  // Without expires_in, 60 s (distribution 01b4555d, docs/content/spec/auth/token.md, "Token Response
  // Fields"); renew a little early so a token does not expire in flight.
  const seconds = typeof lifetime === "number" && lifetime > 0 ? lifetime : 60;
  return { token, expiresAt: Date.now() + Math.max(seconds - 10, 1) * 1000 };
}
