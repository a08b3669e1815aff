/**
 * Makes a CNCF Distribution registry look like Azure Container Registry to the image tool: a
 * loopback HTTP server that passes every request through to the registry, and also answers ACR's
 * own `GET /acr/v1/<repository>/_manifests` (which the Distribution registry lacks) from the
 * registry's data. The registry cannot list manifests without tags, so the test tells the proxy
 * which digests it pushed (`track`); each listing includes those the registry still has. Nor does
 * it keep times, so the test gives each manifest its `lastUpdateTime` (default: when first seen).
 */
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";
import { MANIFEST_ACCEPT } from "../../tools/images/registry/manifests";
import { listenOnLoopback } from "./registry-server";

const DEFAULT_PAGE_SIZE = 100;

export interface AcrProxy {
  /** Such as `http://127.0.0.1:40123`: give this to the tool instead of the registry's URL. */
  url: string;
  /** Makes a pushed manifest listable once no tag points at it, last updated at `lastUpdateTime`. */
  track(repository: string, digest: string, lastUpdateTime: Date): void;
  /** How many `_manifests` pages were served, to show the tool pages. */
  pagesServed(): number;
  /** Locks a manifest as `az acr repository update --delete-enabled/--write-enabled false` does: listed so, and DELETE refused. */
  lock(repository: string, digest: string, attributes: { deleteEnabled?: boolean; writeEnabled?: boolean }): void;
  /** Locks a tag as `az acr repository update --image <repository>:<tag> --delete-enabled false` does: listed so in `_tags`, and a DELETE of its manifest refused. */
  lockTag(repository: string, tag: string, digest: string, attributes: { deleteEnabled?: boolean; writeEnabled?: boolean }): void;
  /** Makes a repository answer 404 for its tags while the catalog still lists it, as one deleted meanwhile does. */
  vanish(repository: string): void;
  /** Every DELETE the tool sent, as `<repository>@<digest>`. */
  deletes(): string[];
  stop(): Promise<void>;
}

interface ListedManifest {
  digest: string;
  mediaType: string;
  tags: string[];
}

export async function startAcrProxy(registryUrl: string): Promise<AcrProxy> {
  const upstream = new URL(registryUrl);
  const tracked = new Map<string, Map<string, Date>>();
  const firstSeen = new Map<string, Date>();
  const locks = new Map<string, { deleteEnabled: boolean; writeEnabled: boolean }>();
  const tagLocks = new Map<string, { deleteEnabled: boolean; writeEnabled: boolean }>();
  /** The manifest each locked tag pointed at when locked. */
  const tagDigests = new Map<string, string>();
  const isLocked = (lock: { deleteEnabled: boolean; writeEnabled: boolean } | undefined) =>
    lock !== undefined && (!lock.deleteEnabled || !lock.writeEnabled);
  const vanished = new Set<string>();
  const deletes: string[] = [];
  let pages = 0;

  const timeOf = (repository: string, digest: string): Date => {
    const known = tracked.get(repository)?.get(digest);
    if (known) return known;
    const key = `${repository}@${digest}`;
    const seen = firstSeen.get(key) ?? new Date();
    firstSeen.set(key, seen);
    return seen;
  };

  /**
   * The upstream's tags of a repository, asked with the request's Authorization (the registry judges
   * the credentials), and the headers to go on asking with; a refusal is relayed as the answer.
   */
  const upstreamTags = async (
    request: IncomingMessage,
    response: ServerResponse,
    repository: string,
  ): Promise<{ tags: string[]; headers: Record<string, string> } | undefined> => {
    const headers: Record<string, string> = { accept: MANIFEST_ACCEPT };
    if (request.headers.authorization) headers.authorization = request.headers.authorization;
    const tagList = await fetch(new URL(`/v2/${repository}/tags/list`, upstream), { headers });
    if (!tagList.ok) {
      const challenge = tagList.headers.get("www-authenticate");
      response.writeHead(tagList.status, { "content-type": "application/json", ...(challenge ? { "www-authenticate": challenge } : {}) });
      response.end(await tagList.text());
      return undefined;
    }
    return { tags: ((await tagList.json()) as { tags: string[] | null }).tags ?? [], headers };
  };

  const listManifests = async (request: IncomingMessage, response: ServerResponse, repository: string): Promise<void> => {
    // The registry judges the credentials: the request's Authorization goes with every lookup.
    const listed = await upstreamTags(request, response, repository);
    if (!listed) return;
    const { tags, headers } = listed;
    const byDigest = new Map<string, ListedManifest>();
    const lookUp = async (reference: string): Promise<ListedManifest | undefined> => {
      const answer = await fetch(new URL(`/v2/${repository}/manifests/${reference}`, upstream), { method: "HEAD", headers });
      const digest = answer.headers.get("docker-content-digest");
      if (!answer.ok || !digest) return undefined;
      return { digest, mediaType: answer.headers.get("content-type") ?? "", tags: [] };
    };
    for (const tag of tags) {
      const found = await lookUp(tag);
      if (!found) continue;
      const entry = byDigest.get(found.digest) ?? found;
      entry.tags.push(tag);
      byDigest.set(found.digest, entry);
    }
    for (const digest of tracked.get(repository)?.keys() ?? []) {
      if (byDigest.has(digest)) continue;
      // Deleted manifests answer 404 and drop out of the listing.
      const found = await lookUp(digest);
      if (found) byDigest.set(digest, found);
    }

    // ACR pages by digest: `last` is the last digest of the previous page.
    const url = new URL(request.url ?? "/", "http://proxy");
    const size = Number(url.searchParams.get("n") ?? DEFAULT_PAGE_SIZE);
    const last = url.searchParams.get("last") ?? "";
    const sorted = [...byDigest.values()].sort((a, b) => a.digest.localeCompare(b.digest)).filter((entry) => entry.digest > last);
    const page = sorted.slice(0, size);
    const responseHeaders: Record<string, string> = { "content-type": "application/json; charset=utf-8" };
    if (sorted.length > size) {
      const next = `/acr/v1/${encodeURIComponent(repository)}/_manifests?last=${encodeURIComponent(page[page.length - 1].digest)}&n=${size}&orderby=`;
      responseHeaders.link = `<${next}>; rel="next"`;
    }
    pages++;
    response.writeHead(200, responseHeaders);
    response.end(
      JSON.stringify({
        registry: url.host,
        imageName: repository,
        manifests: page.map((entry) => {
          const time = timeOf(repository, entry.digest).toISOString();
          return {
            digest: entry.digest,
            imageSize: 0,
            createdTime: time,
            lastUpdateTime: time,
            mediaType: entry.mediaType,
            // ACR leaves `tags` out of untagged manifests.
            ...(entry.tags.length > 0 ? { tags: entry.tags.sort() } : {}),
            changeableAttributes: {
              deleteEnabled: true,
              writeEnabled: true,
              readEnabled: true,
              listEnabled: true,
              ...locks.get(`${repository}@${entry.digest}`),
            },
          };
        }),
      }),
    );
  };

  /** ACR's `GET /acr/v1/<repository>/_tags`, one page: each tag with its digest and lock attributes. */
  const listTags = async (request: IncomingMessage, response: ServerResponse, repository: string): Promise<void> => {
    const listed = await upstreamTags(request, response, repository);
    if (!listed) return;
    const { tags, headers } = listed;
    const entries = [];
    for (const tag of tags) {
      const answer = await fetch(new URL(`/v2/${repository}/manifests/${tag}`, upstream), { method: "HEAD", headers });
      const digest = answer.headers.get("docker-content-digest");
      if (!answer.ok || !digest) continue;
      entries.push({
        name: tag,
        digest,
        changeableAttributes: {
          deleteEnabled: true,
          writeEnabled: true,
          readEnabled: true,
          listEnabled: true,
          ...tagLocks.get(`${repository}:${tag}`),
        },
      });
    }
    response.writeHead(200, { "content-type": "application/json; charset=utf-8" });
    response.end(JSON.stringify({ registry: "proxy", imageName: repository, tags: entries }));
  };

  const pass = (request: IncomingMessage, response: ServerResponse): void => {
    // The Host header stays the proxy's: the registry builds upload Locations from it, so they come back here.
    const forwarded = httpRequest(
      { host: upstream.hostname, port: upstream.port, method: request.method, path: request.url, headers: request.headers },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    forwarded.on("error", (error) => {
      response.writeHead(502, { "content-type": "text/plain" });
      response.end(String(error));
    });
    request.pipe(forwarded);
  };

  const server = createServer((request, response) => {
    const path = new URL(request.url ?? "/", "http://proxy").pathname;
    const acr = /^\/acr\/v1\/(.+)\/_manifests$/.exec(path);
    const tagList = /^\/v2\/(.+)\/tags\/list$/.exec(path);
    const manifest = /^\/v2\/(.+)\/manifests\/(sha256:[0-9a-f]+)$/.exec(path);
    if (manifest && request.method === "DELETE") {
      const key = `${manifest[1]}@${manifest[2]}`;
      deletes.push(key);
      const taggedLocked = [...tagLocks.entries()].some(
        ([tag, lock]) => tag.startsWith(`${manifest[1]}:`) && isLocked(lock) && tagDigests.get(tag) === manifest[2],
      );
      if (isLocked(locks.get(key)) || taggedLocked) {
        // ACR refuses to delete a locked manifest.
        response.writeHead(405, { "content-type": "application/json" });
        response.end(
          JSON.stringify({
            errors: [{ code: "UNSUPPORTED", message: "The operation is disallowed on this registry, repository or image." }],
          }),
        );
        return;
      }
    }
    if (tagList && vanished.has(tagList[1])) {
      response.writeHead(404, { "content-type": "application/json" });
      response.end(JSON.stringify({ errors: [{ code: "NAME_UNKNOWN", message: "repository name not known to registry" }] }));
      return;
    }
    const acrTags = /^\/acr\/v1\/(.+)\/_tags$/.exec(path);
    if (acrTags && request.method === "GET") {
      listTags(request, response, decodeURIComponent(acrTags[1])).catch((error: unknown) => {
        response.writeHead(500, { "content-type": "text/plain" });
        response.end(String(error));
      });
      return;
    }
    if (acr && request.method === "GET") {
      listManifests(request, response, decodeURIComponent(acr[1])).catch((error: unknown) => {
        response.writeHead(500, { "content-type": "text/plain" });
        response.end(String(error));
      });
    } else {
      pass(request, response);
    }
  });
  const port = await listenOnLoopback(server);
  return {
    url: `http://127.0.0.1:${port}`,
    track: (repository, digest, lastUpdateTime) => {
      const times = tracked.get(repository) ?? new Map<string, Date>();
      times.set(digest, lastUpdateTime);
      tracked.set(repository, times);
    },
    pagesServed: () => pages,
    lock: (repository, digest, attributes) => {
      locks.set(`${repository}@${digest}`, {
        deleteEnabled: attributes.deleteEnabled ?? true,
        writeEnabled: attributes.writeEnabled ?? true,
      });
    },
    lockTag: (repository, tag, digest, attributes) => {
      tagDigests.set(`${repository}:${tag}`, digest);
      tagLocks.set(`${repository}:${tag}`, {
        deleteEnabled: attributes.deleteEnabled ?? true,
        writeEnabled: attributes.writeEnabled ?? true,
      });
    },
    vanish: (repository) => vanished.add(repository),
    deletes: () => [...deletes],
    stop: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
