/**
 * A small client for the OCI Distribution API, which Azure Container Registry and the CNCF
 * Distribution registry serve: authentication (Docker's bearer token flow and basic), paging,
 * manifests, image details and deletes. Every failure is a RegistryError whose message is meant
 * for the user as it stands.
 */
import { createHash } from "node:crypto";

export const MEDIA_TYPES = {
  ociManifest: "application/vnd.oci.image.manifest.v1+json",
  ociIndex: "application/vnd.oci.image.index.v1+json",
  ociConfig: "application/vnd.oci.image.config.v1+json",
  dockerManifest: "application/vnd.docker.distribution.manifest.v2+json",
  dockerList: "application/vnd.docker.distribution.manifest.list.v2+json",
  dockerConfig: "application/vnd.docker.container.image.v1+json",
} as const;

const MANIFEST_ACCEPT = [MEDIA_TYPES.ociManifest, MEDIA_TYPES.ociIndex, MEDIA_TYPES.dockerManifest, MEDIA_TYPES.dockerList].join(", ");
const IMAGE_CONFIG_MEDIA_TYPES: ReadonlySet<string> = new Set([MEDIA_TYPES.ociConfig, MEDIA_TYPES.dockerConfig]);
/** The OCI annotation artifacts without an image config carry their creation time in. */
const CREATED_ANNOTATION = "org.opencontainers.image.created";
/** Image configs are a few kilobytes; anything far bigger is not worth downloading for a timestamp. */
const MAX_CONFIG_BYTES = 1 << 20;
const DEFAULT_PAGE_SIZE = 100;
const DEFAULT_TIMEOUT_MS = 30_000;
/** Requests in flight at once when describing many tags: quick, and gentle on the registry. */
const CONCURRENCY = 8;
const MAX_REDIRECTS = 5;

export interface Credentials {
  username: string;
  password: string;
}

export interface RegistryClientOptions {
  /** Scheme, host and port of the registry, such as `https://myreg.azurecr.io`. */
  url: string | URL;
  /** Omitted for anonymous access. */
  credentials?: Credentials;
  /** `n` sent with catalog and tag list requests. Default 100. */
  pageSize?: number;
  /** Per request, including reading the response. Default 30 s. */
  timeoutMs?: number;
  /** Requests in flight at once when reading many tags. Default 8. */
  concurrency?: number;
}

/**
 * What went wrong, so callers can add advice without parsing messages. `unauthorized`: the
 * credentials were refused; `denied`: they were accepted but lack a permission.
 */
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

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
}

/** An image manifest (OCI or Docker v2 schema 2). */
export interface ImageManifest {
  schemaVersion: number;
  mediaType?: string;
  config: Descriptor;
  layers: Descriptor[];
  annotations?: Record<string, string>;
}

/** An image index or Docker manifest list: one image per platform. */
export interface ImageIndex {
  schemaVersion: number;
  mediaType?: string;
  manifests: Descriptor[];
  annotations?: Record<string, string>;
}

export interface FetchedManifest {
  digest: string;
  mediaType: string;
  /** As stored: its sha256 is the digest. */
  bytes: Buffer;
  /** Undefined for kinds this tool does not read (Docker schema 1, OCI artifact manifests); those still have a digest and can be deleted. */
  manifest?: ImageManifest | ImageIndex;
  /** The digest a referrer (signature, SBOM, attestation) refers to: its `subject`, of any OCI kind. */
  subject?: string;
}

/** What the tool shows of an image. */
export interface ImageDetails {
  digest: string;
  mediaType: string;
  /** Bytes of config and layers (for an index, of all its images, each blob counted once), when known. */
  size?: number;
  /** From the image config's `created` (for an index, the newest of its images), as ISO 8601, when known. */
  created?: string;
  /** For an index, the digests of the manifests it lists; they must outlive it. */
  children: string[];
  /** For a referrer (signature, SBOM, attestation), the digest of the manifest it refers to. */
  subject?: string;
}

export interface TaggedImage extends ImageDetails {
  tag: string;
}

/** A manifest as ACR's own API lists it (`GET /acr/v1/<repository>/_manifests`). */
export interface AcrManifest {
  digest: string;
  mediaType?: string;
  /** Empty when no tag points at the manifest (ACR then leaves the field out). */
  tags: string[];
  createdTime?: string;
  /** When the manifest was last pushed or changed; `acr purge` ages untagged manifests by it. */
  lastUpdateTime?: string;
  /** False when the manifest is locked against deletion (`changeableAttributes.deleteEnabled`). */
  deleteEnabled: boolean;
  /** False when the manifest is locked against changes (`changeableAttributes.writeEnabled`); acr purge leaves those too. */
  writeEnabled: boolean;
}

/** A tag as ACR's own API lists it (`GET /acr/v1/<repository>/_tags`). */
export interface AcrTag {
  name: string;
  digest: string;
  /** False when the tag is locked against deletion or changes (`changeableAttributes`). */
  deleteEnabled: boolean;
  writeEnabled: boolean;
}

type AuthScheme = { kind: "none" } | { kind: "basic" } | { kind: "bearer"; realm: URL; service?: string };

interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

interface CachedToken {
  token: string;
  expiresAt: number;
}

/** The scope a token must grant to list repositories. */
const CATALOG_SCOPE = "registry:catalog:*";

/** The scope a token must grant for `actions` (pull, push, delete) on a repository. */
export function repositoryScope(repository: string, ...actions: string[]): string {
  return `repository:${repository}:${actions.join(",")}`;
}

function isIndex(manifest: ImageManifest | ImageIndex): manifest is ImageIndex {
  return "manifests" in manifest;
}

export class RegistryClient {
  readonly origin: string;
  private readonly base: URL;
  private readonly credentials?: Credentials;
  private readonly pageSize: number;
  private readonly timeoutMs: number;
  /** Requests in flight at once where the client reads many things. */
  readonly concurrency: number;
  private scheme?: Promise<AuthScheme>;
  private readonly tokens = new Map<string, Promise<CachedToken>>();
  /** Keyed by repository and config digest: tags sharing an image download its config once. */
  private readonly createdByConfig = new Map<string, Promise<string | undefined>>();

  constructor(options: RegistryClientOptions) {
    this.base = new URL(options.url);
    this.origin = this.base.origin;
    this.credentials = options.credentials;
    this.pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.concurrency = options.concurrency ?? CONCURRENCY;
  }

  /** Repository names, all pages. */
  async listRepositories(): Promise<string[]> {
    return this.collectPages(`/v2/_catalog?n=${this.pageSize}`, CATALOG_SCOPE, stringsIn("repositories"), {
      action: "list repositories",
    });
  }

  /** Tag names of a repository, all pages. */
  async listTags(repository: string): Promise<string[]> {
    return this.collectPages(`/v2/${repository}/tags/list?n=${this.pageSize}`, repositoryScope(repository, "pull"), stringsIn("tags"), {
      action: `list the tags of ${repository}`,
      notFound: `repository ${repository} not found`,
    });
  }

  /**
   * Every manifest of a repository, tagged or not, through ACR's own API, all pages; "unsupported"
   * when the registry does not serve that API (the OCI Distribution API has no way to list
   * untagged manifests, so callers fall back to not looking for them).
   */
  async listAcrManifests(repository: string): Promise<AcrManifest[] | "unsupported"> {
    // ACR's SDKs send the repository as one escaped path segment (library%2Fhello-world).
    const first = `/acr/v1/${encodeURIComponent(repository)}/_manifests?n=${this.pageSize}`;
    try {
      return await this.collectPages(first, repositoryScope(repository, "metadata_read"), readAcrManifests, {
        action: `list the manifests of ${repository}`,
        notFound: `repository ${repository} not found`,
        missingApi: true,
      });
    } catch (error) {
      if (error instanceof RegistryError && error.kind === "unsupported" && error.status === 404) return "unsupported";
      throw error;
    }
  }

  /**
   * A repository's tags as ACR's own API lists them (`GET /acr/v1/<repository>/_tags`), with the
   * lock attributes of each tag, which `acr purge` checks before it deletes one; "unsupported" on
   * a registry without ACR's API.
   */
  async listAcrTags(repository: string): Promise<AcrTag[] | "unsupported"> {
    const first = `/acr/v1/${encodeURIComponent(repository)}/_tags?n=${this.pageSize}`;
    try {
      return await this.collectPages(first, repositoryScope(repository, "metadata_read"), readAcrTags, {
        action: `list the tags of ${repository}`,
        notFound: `repository ${repository} not found`,
        missingApi: true,
      });
    } catch (error) {
      if (error instanceof RegistryError && error.kind === "unsupported" && error.status === 404) return "unsupported";
      throw error;
    }
  }

  /** A manifest by tag or digest. */
  async getManifest(repository: string, reference: string): Promise<FetchedManifest> {
    const name = formatReference(repository, reference);
    const response = await this.request("GET", `/v2/${repository}/manifests/${reference}`, repositoryScope(repository, "pull"), {
      headers: { accept: MANIFEST_ACCEPT },
    });
    if (!response.ok) {
      throw await this.failure(response, { action: `read ${name}`, notFound: `${name} not found` });
    }
    const bytes = Buffer.from(await response.arrayBuffer());
    const digest = response.headers.get("docker-content-digest") ?? `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
    const body = parseJson(bytes.toString("utf8"), `the manifest of ${name}`);
    const manifest = readManifest(body);
    const declared = field(body, "mediaType");
    const mediaType = typeof declared === "string" ? declared : (response.headers.get("content-type")?.split(";")[0] ?? "");
    const subject = field(field(body, "subject"), "digest");
    return { digest, mediaType, bytes, manifest, ...(typeof subject === "string" ? { subject } : {}) };
  }

  /**
   * Digest, size and creation time of the image a tag or digest names. With `details` false only
   * the manifest is read (digest, and an index's children), sparing the config downloads.
   */
  async describe(repository: string, reference: string, details = true): Promise<ImageDetails> {
    const { digest, mediaType, manifest, subject } = await this.getManifest(repository, reference);
    const children = manifest && isIndex(manifest) ? manifest.manifests.map((entry) => entry.digest) : [];
    const referrer = subject === undefined ? {} : { subject };
    if (!details || !manifest) return { digest, mediaType, children, ...referrer };
    const { blobs, created } = await this.contents(repository, manifest, 0);
    const size = blobs ? [...blobs.values()].reduce((sum, bytes) => sum + bytes, 0) : undefined;
    return { digest, mediaType, size, created, children, ...referrer };
  }

  /** `describe` for each tag, several at a time, in the order given. */
  async describeTags(repository: string, tags: readonly string[], details: (tag: string) => boolean = () => true): Promise<TaggedImage[]> {
    return mapConcurrently(tags, this.concurrency, async (tag) => ({
      tag,
      ...(await this.describe(repository, tag, details(tag))),
    }));
  }

  /** Deletes a manifest by digest; the registry removes every tag that points at it. */
  async deleteManifest(repository: string, digest: string): Promise<void> {
    const name = `${repository}@${digest}`;
    const response = await this.request("DELETE", `/v2/${repository}/manifests/${digest}`, repositoryScope(repository, "delete"));
    if (!response.ok) {
      throw await this.failure(response, { action: `delete ${name}`, notFound: `${name} not found` });
    }
    await discard(response);
  }

  /**
   * Sends an authenticated request: learns the registry's authentication from `GET /v2/` once,
   * fetches and caches a bearer token per scope, retries once with the scope a 401 challenge asks
   * for, and follows redirects (without credentials when they leave the registry's origin, as
   * ACR sends blob downloads to a storage account with a signed URL). A 401 that remains becomes
   * a RegistryError; any other status is the caller's to judge.
   */
  async request(
    method: string,
    path: string,
    scope: string,
    init: { headers?: Record<string, string>; body?: Uint8Array | string } = {},
  ): Promise<Response> {
    const scheme = await this.authScheme();
    const url = new URL(path, this.base);
    if (url.origin !== this.origin) {
      // A Link or Location header could point anywhere; credentials and tokens stay with the registry.
      throw new RegistryError(`${this.origin} pointed to ${url.origin}; refusing to send credentials there`, "protocol");
    }
    let response = await this.sendWithAuth(method, url, scope, scheme, init);
    if (response.status === 401 && scheme.kind === "bearer") {
      const challenge = parseChallenge(response.headers.get("www-authenticate"));
      await discard(response);
      // The token may have expired, or the registry may want a wider scope than we asked for.
      const wanted = challenge?.scheme === "bearer" && challenge.params.scope ? challenge.params.scope : scope;
      this.tokens.delete(wanted);
      response = await this.sendWithAuth(method, url, wanted, scheme, init);
    }
    if (response.status === 401) throw await this.unauthorized(response, method, scope);
    return this.followRedirects(method, url, scope, response, init.headers ?? {});
  }

  private async sendWithAuth(
    method: string,
    url: URL,
    scope: string,
    scheme: AuthScheme,
    init: { headers?: Record<string, string>; body?: Uint8Array | string },
  ): Promise<Response> {
    const headers: Record<string, string> = { ...init.headers };
    if (scheme.kind === "bearer") {
      headers.authorization = `Bearer ${(await this.token(scheme, scope)).token}`;
    } else if (scheme.kind === "basic" && this.credentials) {
      headers.authorization = basicAuthorization(this.credentials);
    }
    return this.send(url, { method, headers, body: init.body });
  }

  private async followRedirects(
    method: string,
    url: URL,
    scope: string,
    first: Response,
    headers: Record<string, string>,
  ): Promise<Response> {
    let response = first;
    let current = url;
    for (let hop = 0; isRedirect(response.status) && (method === "GET" || method === "HEAD"); hop++) {
      const location = response.headers.get("location");
      if (!location || hop === MAX_REDIRECTS) {
        throw new RegistryError(`${this.origin} sent a redirect without an end (HTTP ${response.status})`, "protocol", response.status);
      }
      await discard(response);
      current = new URL(location, current);
      // Same-origin hops keep the registry's credentials; other hosts (blob storage) must not see them.
      response =
        current.origin === this.origin
          ? await this.sendWithAuth(method, current, scope, await this.authScheme(), { headers })
          : await this.send(current, { method, headers });
    }
    return response;
  }

  private authScheme(): Promise<AuthScheme> {
    this.scheme ??= this.discoverAuthScheme();
    return this.scheme;
  }

  /** `GET /v2/` is the Distribution API's ping: 200 when open, 401 with a challenge saying how to log in. */
  private async discoverAuthScheme(): Promise<AuthScheme> {
    const response = await this.send(new URL("/v2/", this.base), { method: "GET", headers: {} });
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

  private token(scheme: { realm: URL; service?: string }, scope: string): Promise<CachedToken> {
    const cached = this.tokens.get(scope);
    if (cached) {
      return cached.then((token) => (token.expiresAt > Date.now() ? token : this.refreshToken(scheme, scope)));
    }
    return this.refreshToken(scheme, scope);
  }

  private refreshToken(scheme: { realm: URL; service?: string }, scope: string): Promise<CachedToken> {
    const pending = this.fetchToken(scheme, scope);
    this.tokens.set(scope, pending);
    // A failed fetch must not be served from the cache to the next caller.
    pending.catch(() => this.tokens.delete(scope));
    return pending;
  }

  /** Docker's token flow: GET the realm with service and scope, credentials as HTTP basic (ACR takes admin or service principal ones). */
  private async fetchToken(scheme: { realm: URL; service?: string }, scope: string): Promise<CachedToken> {
    const url = new URL(scheme.realm);
    if (scheme.service) url.searchParams.set("service", scheme.service);
    for (const part of scope.split(" ").filter(Boolean)) url.searchParams.append("scope", part);
    const headers: Record<string, string> = {};
    if (this.credentials) {
      if (url.protocol !== "https:" && this.base.protocol === "https:") {
        throw new RegistryError(
          `${this.origin} sends logins to ${url.origin} over plain http; refusing to send the password there`,
          "protocol",
        );
      }
      headers.authorization = basicAuthorization(this.credentials);
    }
    const response = await this.send(url, { method: "GET", headers });
    if (response.status === 401 || response.status === 403) {
      await discard(response);
      throw this.credentials
        ? new RegistryError(
            `${this.origin} refused the credentials of user ${this.credentials.username} (its token service ${url.origin} answered HTTP ${response.status})`,
            "unauthorized",
            response.status,
          )
        : new RegistryError(`${this.origin} requires credentials`, "needs-credentials", response.status);
    }
    if (!response.ok) {
      throw await this.failure(response, { action: `get a token from ${url.origin}` });
    }
    const body = await readJson(response, `the token service ${url.origin}`);
    const token = field(body, "token") ?? field(body, "access_token");
    if (typeof token !== "string" || token === "") {
      throw new RegistryError(`the token service ${url.origin} answered without a token`, "protocol");
    }
    const lifetime = field(body, "expires_in");
    // Spec default is 60 s; renew a little early so a token does not expire in flight.
    const seconds = typeof lifetime === "number" && lifetime > 0 ? lifetime : 60;
    return { token, expiresAt: Date.now() + Math.max(seconds - 10, 1) * 1000 };
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

  /**
   * Turns an error response into a RegistryError that says what was being done. With `missingApi`,
   * a 404 that is not a registry error (no `errors` body, as a plain router answers an unknown
   * path) means the path itself is not served, and becomes "unsupported".
   */
  private async failure(response: Response, context: PageContext): Promise<RegistryError> {
    const errors = await readErrors(response);
    const codes = new Set(errors.map((error) => error.code));
    const detail = describeErrors(errors) || `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ""}`;
    if (context.missingApi && response.status === 404 && errors.length === 0) {
      return new RegistryError(`${this.origin} cannot ${context.action}: it does not serve that API`, "unsupported", 404);
    }
    if (response.status === 404 || codes.has("NAME_UNKNOWN") || codes.has("MANIFEST_UNKNOWN") || codes.has("BLOB_UNKNOWN")) {
      const message = context.notFound ? `${context.notFound} (${detail})` : `cannot ${context.action}: ${detail}`;
      return new RegistryError(message, "not-found", response.status);
    }
    if (response.status === 405 || codes.has("UNSUPPORTED")) {
      return new RegistryError(`${this.origin} refuses to ${context.action}: ${detail}`, "unsupported", response.status);
    }
    if (response.status === 403 || codes.has("DENIED")) {
      return new RegistryError(`${this.origin} denied the request to ${context.action}: ${detail}`, "denied", response.status);
    }
    return new RegistryError(`cannot ${context.action}: ${this.origin} answered ${detail}`, "protocol", response.status);
  }

  /**
   * One HTTP exchange, retried where the registry asks for patience: 429 after its Retry-After
   * (ACR throttles deletes), and 502, 503 or 504 after a short, growing pause, a bounded number of
   * times. Only methods that may be repeated are retried (a repeated DELETE finds nothing to delete).
   */
  private async send(url: URL, init: { method: string; headers: Record<string, string>; body?: Uint8Array | string }): Promise<Response> {
    const repeatable = ["GET", "HEAD", "DELETE"].includes(init.method);
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        response = await fetch(url, {
          method: init.method,
          headers: init.headers,
          body: init.body,
          redirect: "manual",
          signal: AbortSignal.timeout(this.timeoutMs),
        });
      } catch (error) {
        throw new RegistryError(`cannot reach ${url.origin}: ${networkReason(error, this.timeoutMs)}`, "unreachable");
      }
      const wait = repeatable ? retryDelay(response, attempt) : undefined;
      if (wait === undefined) return response;
      await discard(response);
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }

  /** Follows `Link: <…>; rel="next"` to the last page, collecting what `read` finds in each. */
  private async collectPages<T>(
    first: string,
    scope: string,
    read: (page: unknown) => T[] | undefined,
    context: PageContext,
  ): Promise<T[]> {
    const items: T[] = [];
    const seen = new Set<string>();
    let next: string | undefined = first;
    while (next !== undefined) {
      if (seen.has(next)) {
        throw new RegistryError(`${this.origin} pages in a loop while trying to ${context.action}`, "protocol");
      }
      seen.add(next);
      const response = await this.request("GET", next, scope);
      if (!response.ok) throw await this.failure(response, context);
      const page = read(await readJson(response, this.origin));
      if (page === undefined) {
        throw new RegistryError(`${this.origin} answered a malformed page while trying to ${context.action}`, "protocol");
      }
      items.push(...page);
      const link = nextLink(response.headers.get("link"));
      next = link === undefined ? undefined : new URL(link, this.base).href;
    }
    return items;
  }

  /** The blobs (digest to size) of an image or of all images of an index, and its creation time. */
  private async contents(
    repository: string,
    manifest: ImageManifest | ImageIndex,
    depth: number,
  ): Promise<{ blobs?: Map<string, number>; created?: string }> {
    const annotated = normalizeTime(manifest.annotations?.[CREATED_ANNOTATION]);
    if (!isIndex(manifest)) {
      const blobs = new Map([manifest.config, ...manifest.layers].map((blob) => [blob.digest, blob.size]));
      return { blobs, created: (await this.configCreated(repository, manifest.config)) ?? annotated };
    }
    // Indexes nest at most one level in practice (an index of per-platform images, or of indexes of those).
    if (depth > 1) return {};
    const parts = await Promise.all(
      manifest.manifests.map(async (entry) => {
        try {
          const { manifest: child } = await this.getManifest(repository, entry.digest);
          return child ? await this.contents(repository, child, depth + 1) : {};
        } catch (error) {
          // An index may list platforms that were never copied into this registry.
          if (error instanceof RegistryError && error.kind === "not-found") return {};
          throw error;
        }
      }),
    );
    const blobs = new Map<string, number>();
    for (const part of parts) for (const [digest, size] of part.blobs ?? []) blobs.set(digest, size);
    const times = parts.map((part) => part.created).filter((time): time is string => time !== undefined);
    const newest = times.sort().at(-1);
    return { blobs: parts.some((part) => part.blobs) ? blobs : undefined, created: newest ?? annotated };
  }

  private configCreated(repository: string, config: Descriptor): Promise<string | undefined> {
    if (!IMAGE_CONFIG_MEDIA_TYPES.has(config.mediaType) || config.size > MAX_CONFIG_BYTES) {
      return Promise.resolve(undefined);
    }
    const key = `${repository}@${config.digest}`;
    let created = this.createdByConfig.get(key);
    if (!created) {
      created = this.readConfigCreated(repository, config.digest);
      this.createdByConfig.set(key, created);
    }
    return created;
  }

  private async readConfigCreated(repository: string, digest: string): Promise<string | undefined> {
    const response = await this.request("GET", `/v2/${repository}/blobs/${digest}`, repositoryScope(repository, "pull"));
    if (!response.ok) {
      throw await this.failure(response, { action: `read the config ${digest} of ${repository}` });
    }
    return normalizeTime(field(await readJson(response, `the config ${digest} of ${repository}`), "created"));
  }
}

interface PageContext {
  action: string;
  notFound?: string;
  /** Whether a bare 404 means the registry lacks the API rather than the thing asked for. */
  missingApi?: boolean;
}

/** Reads the string list under `key` of a catalog or tag list page; undefined when malformed. */
function stringsIn(key: "repositories" | "tags"): (page: unknown) => string[] | undefined {
  return (page) => {
    const items = field(page, key);
    // The Distribution registry answers `"tags": null` for a repository whose tags are all gone.
    if (items === null || items === undefined) return [];
    return Array.isArray(items) && items.every((item) => typeof item === "string") ? items : undefined;
  };
}

/** Reads a page of `GET /acr/v1/<repository>/_manifests`; undefined when malformed. */
function readAcrManifests(page: unknown): AcrManifest[] | undefined {
  const entries = field(page, "manifests");
  if (entries === null || entries === undefined) return [];
  if (!Array.isArray(entries)) return undefined;
  const manifests: AcrManifest[] = [];
  for (const entry of entries) {
    const digest = field(entry, "digest");
    const tags = field(entry, "tags") ?? [];
    if (typeof digest !== "string" || !Array.isArray(tags) || !tags.every((tag) => typeof tag === "string")) return undefined;
    const text = (key: string): string | undefined => {
      const value = field(entry, key);
      return typeof value === "string" ? value : undefined;
    };
    manifests.push({
      digest,
      mediaType: text("mediaType"),
      tags,
      createdTime: text("createdTime"),
      lastUpdateTime: text("lastUpdateTime"),
      // Only an explicit false locks a manifest; ACR always sends the attributes, other servers may not.
      deleteEnabled: field(field(entry, "changeableAttributes"), "deleteEnabled") !== false,
      writeEnabled: field(field(entry, "changeableAttributes"), "writeEnabled") !== false,
    });
  }
  return manifests;
}

/** Reads a page of `GET /acr/v1/<repository>/_tags`; undefined when malformed. */
function readAcrTags(page: unknown): AcrTag[] | undefined {
  const entries = field(page, "tags");
  if (entries === null || entries === undefined) return [];
  if (!Array.isArray(entries)) return undefined;
  const tags: AcrTag[] = [];
  for (const entry of entries) {
    const name = field(entry, "name");
    const digest = field(entry, "digest");
    if (typeof name !== "string" || typeof digest !== "string") return undefined;
    const attributes = field(entry, "changeableAttributes");
    tags.push({
      name,
      digest,
      deleteEnabled: field(attributes, "deleteEnabled") !== false,
      writeEnabled: field(attributes, "writeEnabled") !== false,
    });
  }
  return tags;
}

/** Shows a reference as users write it: `repo:tag` or `repo@digest`. */
function formatReference(repository: string, reference: string): string {
  return reference.includes(":") ? `${repository}@${reference}` : `${repository}:${reference}`;
}

function basicAuthorization(credentials: Credentials): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString("base64")}`;
}

/** Parses `Bearer realm="…",service="…",scope="…"`; quoted values may hold commas. */
function parseChallenge(header: string | null): Challenge | undefined {
  const match = header ? /^\s*(\w+)\s*(.*)$/s.exec(header) : null;
  if (!match) return undefined;
  const params: Record<string, string> = {};
  for (const [, key, quoted, bare] of match[2].matchAll(/(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/g)) {
    params[key.toLowerCase()] = quoted !== undefined ? quoted.replace(/\\(.)/g, "$1") : bare;
  }
  return { scheme: match[1].toLowerCase(), params };
}

/** The target of `rel="next"` in a Link header, e.g. `</v2/_catalog?last=b&n=2>; rel="next"`. */
function nextLink(header: string | null): string | undefined {
  for (const part of header?.split(/,(?=\s*<)/) ?? []) {
    const match = /<([^>]*)>(.*)/.exec(part);
    if (match && /;\s*rel="?next"?/i.test(match[2])) return match[1];
  }
  return undefined;
}

function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

/** Frees the connection of a response whose body is not wanted. */
async function discard(response: Response): Promise<void> {
  await response.body?.cancel().catch(() => undefined);
}

async function readJson(response: Response, source: string): Promise<unknown> {
  const text = await response.text();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new RegistryError(`${source} answered something that is not JSON`, "protocol", response.status);
  }
}

function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new RegistryError(`${source} is not JSON`, "protocol");
  }
}

function field(value: unknown, key: string): unknown {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

interface ErrorEntry {
  code?: string;
  message?: string;
}

/** The Distribution API's `{"errors":[{"code","message"}]}` body, or nothing when the body is not that. */
async function readErrors(response: Response): Promise<ErrorEntry[]> {
  const text = await response.text().catch(() => "");
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

function describeErrors(errors: readonly ErrorEntry[]): string {
  return errors.map((error) => [error.code, error.message].filter(Boolean).join(": ")).join("; ");
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

/**
 * Errors thrown by Node's own modules (fetch, parseArgs) can come from another realm, as under
 * jest, where `instanceof Error` is false; so their fields are read without it.
 */
export function errorLike(value: unknown): { name?: unknown; message?: unknown; code?: unknown; cause?: unknown } {
  return typeof value === "object" && value !== null ? value : {};
}

export function errorMessage(error: unknown): string {
  const { message } = errorLike(error);
  return typeof message === "string" ? message : String(error);
}

/** The manifest kinds this tool reads, told apart by shape as the mediaType field is optional. */
function readManifest(body: unknown): ImageManifest | ImageIndex | undefined {
  const manifests = field(body, "manifests");
  const config = field(body, "config");
  const layers = field(body, "layers");
  if (Array.isArray(manifests) && manifests.every(isDescriptor)) return body as ImageIndex;
  if (isDescriptor(config) && Array.isArray(layers) && layers.every(isDescriptor)) return body as ImageManifest;
  return undefined;
}

function isDescriptor(value: unknown): value is Descriptor {
  return (
    typeof field(value, "digest") === "string" && typeof field(value, "size") === "number" && typeof field(value, "mediaType") === "string"
  );
}

function normalizeTime(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

/** Retries for throttling (429) and for a registry that is briefly unavailable (502, 503, 504). */
const MAX_RETRIES = { throttled: 6, unavailable: 3 } as const;
/** A Retry-After longer than this is not waited for: the answer stands. */
const MAX_RETRY_AFTER_MS = 60_000;

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

/** Like Promise.all over `items.map(fn)`, with at most `limit` calls in flight. */
export async function mapConcurrently<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      try {
        results[index] = await fn(items[index]);
      } catch (error) {
        // Stop the other workers from starting more requests once the outcome is a failure.
        next = items.length;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
