/**
 * The registry protocol the image tool speaks: the OCI Distribution API, which Azure Container
 * Registry and the CNCF Distribution registry serve (listings as async iterators, manifests,
 * referrers' subjects, image details, deletes), and ACR's own listings where it has them. Every
 * failure is a RegistryError whose message is meant for the user as it stands.
 */
import { createHash } from "node:crypto";
import { RegistrySession, type Credentials, type RequestInit } from "../auth/session";
import { DEFAULT_CONCURRENCY, mapConcurrently } from "../concurrency";
import { field, RegistryError, responseError } from "../errors";
import { discard, readJson } from "../http";
import { acrListingPath, readAcrManifests, readAcrTags, type AcrManifest, type AcrTag } from "./acr";
import {
  CREATED_ANNOTATION,
  formatReference,
  IMAGE_CONFIG_MEDIA_TYPES,
  isIndex,
  MANIFEST_ACCEPT,
  normalizeTime,
  readManifest,
  type Descriptor,
  type FetchedManifest,
  type ImageDetails,
  type ImageIndex,
  type ImageManifest,
  type TaggedImage,
} from "./manifests";
import { collect, paged, stringsIn, type Listing } from "./paging";

/** Image configs are a few kilobytes; anything far bigger is not worth downloading for a timestamp. */
const MAX_CONFIG_BYTES = 1 << 20;
const DEFAULT_PAGE_SIZE = 100;
/** The scope a token must grant to list repositories. */
const CATALOG_SCOPE = "registry:catalog:*";

/** The scope a token must grant for `actions` (pull, push, delete) on a repository. */
export function repositoryScope(repository: string, ...actions: string[]): string {
  return `repository:${repository}:${actions.join(",")}`;
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

export class RegistryClient {
  readonly origin: string;
  /** Requests in flight at once where the client reads many things. */
  readonly concurrency: number;
  private readonly session: RegistrySession;
  private readonly pageSize: number;
  /** Keyed by repository and config digest: tags sharing an image download its config once. */
  private readonly createdByConfig = new Map<string, Promise<string | undefined>>();

  constructor(options: RegistryClientOptions) {
    this.session = new RegistrySession(options);
    this.origin = this.session.origin;
    this.pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
    this.concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  }

  /** An authenticated request (see RegistrySession.request); for what this client has no method for, such as pushing. */
  request(method: string, path: string, scope: string, init: RequestInit = {}): Promise<Response> {
    return this.session.request(method, path, scope, init);
  }

  /** Repository names, page by page. */
  repositories(): AsyncGenerator<string, void, undefined> {
    return paged(this.session, {
      first: `/v2/_catalog?n=${this.pageSize}`,
      scope: CATALOG_SCOPE,
      read: stringsIn("repositories"),
      context: { action: "list repositories" },
    });
  }

  /** Tag names of a repository, page by page. */
  tags(repository: string): AsyncGenerator<string, void, undefined> {
    return paged(this.session, {
      first: `/v2/${repository}/tags/list?n=${this.pageSize}`,
      scope: repositoryScope(repository, "pull"),
      read: stringsIn("tags"),
      context: { action: `list the tags of ${repository}`, notFound: `repository ${repository} not found` },
    });
  }

  /** Repository names, all pages. */
  listRepositories(): Promise<string[]> {
    return collect(this.repositories());
  }

  /** Tag names of a repository, all pages. */
  listTags(repository: string): Promise<string[]> {
    return collect(this.tags(repository));
  }

  /**
   * Every manifest of a repository, tagged or not, through ACR's own API, all pages; "unsupported"
   * when the registry does not serve that API (the OCI Distribution API has no way to list
   * untagged manifests, so callers fall back to not looking for them).
   */
  listAcrManifests(repository: string): Promise<AcrManifest[] | "unsupported"> {
    return this.acrListing(repository, "_manifests", readAcrManifests, `list the manifests of ${repository}`);
  }

  /**
   * A repository's tags as ACR's own API lists them, with the lock attributes of each tag, which
   * `acr purge` checks before it deletes one; "unsupported" on a registry without ACR's API.
   */
  listAcrTags(repository: string): Promise<AcrTag[] | "unsupported"> {
    return this.acrListing(repository, "_tags", readAcrTags, `list the tags of ${repository}`);
  }

  private async acrListing<T>(
    repository: string,
    listing: "_manifests" | "_tags",
    read: Listing<T>["read"],
    action: string,
  ): Promise<T[] | "unsupported"> {
    try {
      return await collect(
        paged(this.session, {
          first: acrListingPath(repository, listing, this.pageSize),
          scope: repositoryScope(repository, "metadata_read"),
          read,
          context: { action, notFound: `repository ${repository} not found`, missingApi: true },
        }),
      );
    } catch (error) {
      if (error instanceof RegistryError && error.kind === "unsupported" && error.status === 404) return "unsupported";
      throw error;
    }
  }

  /** A manifest by tag or digest. */
  async getManifest(repository: string, reference: string): Promise<FetchedManifest> {
    const name = formatReference(repository, reference);
    const response = await this.session.request("GET", `/v2/${repository}/manifests/${reference}`, repositoryScope(repository, "pull"), {
      headers: { accept: MANIFEST_ACCEPT },
    });
    if (!response.ok) {
      throw await responseError(response, this.origin, { action: `read ${name}`, notFound: `${name} not found` });
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
    const response = await this.session.request("DELETE", `/v2/${repository}/manifests/${digest}`, repositoryScope(repository, "delete"));
    if (!response.ok) {
      throw await responseError(response, this.origin, { action: `delete ${name}`, notFound: `${name} not found` });
    }
    await discard(response);
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
    const response = await this.session.request("GET", `/v2/${repository}/blobs/${digest}`, repositoryScope(repository, "pull"));
    if (!response.ok) {
      throw await responseError(response, this.origin, { action: `read the config ${digest} of ${repository}` });
    }
    return normalizeTime(field(await readJson(response, `the config ${digest} of ${repository}`), "created"));
  }
}

function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new RegistryError(`${source} is not JSON`, "protocol");
  }
}
