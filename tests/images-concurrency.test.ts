/**
 * Big purges: deletes run `--concurrency` at a time, a throttled registry's 429 Retry-After is
 * waited for and 503 retried, progress shows on a terminal, and Ctrl-C stops after the requests in
 * flight with an exact account. Against a small loopback registry that answers every request after
 * 40 ms, with 240 old pull-request tags, each its own image.
 */
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { main, type CliIo } from "../tools/images/cli";
import { retryDelay } from "../tools/images/http";
import { listenOnLoopback } from "./support/registry-server";

const TAGS = Array.from({ length: 240 }, (_, i) => `pr-${i}`);
const OLD = new Date(Date.now() - 90 * 86_400_000).toISOString();
const sha = (text: string) => `sha256:${createHash("sha256").update(text).digest("hex")}`;

interface Registry {
  url: string;
  /** Digests still there. */
  present: Set<string>;
  deletesSent: () => number;
  maxDeletesInFlight: () => number;
  /** Make the next `n` DELETEs answer this status once each (with Retry-After 0 for 429), having deleted the manifest first when `afterDeleting`. */
  failNext(n: number, status: 429 | 503, afterDeleting?: boolean): void;
  reset(): void;
  stop(): Promise<void>;
}

async function startSlowRegistry(): Promise<Registry> {
  const config = JSON.stringify({ created: OLD, architecture: "amd64", os: "linux", rootfs: { type: "layers", diff_ids: [] } });
  const configDigest = sha(config);
  const manifests = new Map(
    TAGS.map((tag) => {
      const body = JSON.stringify({
        schemaVersion: 2,
        mediaType: "application/vnd.oci.image.manifest.v1+json",
        config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: configDigest, size: config.length },
        layers: [],
        annotations: { tag },
      });
      return [tag, { body, digest: sha(body) }];
    }),
  );
  const present = new Set([...manifests.values()].map((m) => m.digest));
  let sent = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  let failures: { n: number; status: number; afterDeleting?: boolean } = { n: 0, status: 200 };

  const answer = (response: ServerResponse, status: number, body?: string, headers: Record<string, string> = {}) => {
    response.writeHead(status, { "content-type": "application/json", ...headers });
    response.end(body ?? "");
  };
  const handle = (request: IncomingMessage, response: ServerResponse) => {
    const path = new URL(request.url ?? "/", "http://registry").pathname;
    if (path === "/v2/") return answer(response, 200, "{}");
    if (path === "/v2/_catalog") return answer(response, 200, JSON.stringify({ repositories: ["app"] }));
    if (path === "/v2/app/tags/list") return answer(response, 200, JSON.stringify({ name: "app", tags: TAGS }));
    if (path === `/v2/app/blobs/${configDigest}`) return answer(response, 200, config);
    const manifest = /^\/v2\/app\/manifests\/(.+)$/.exec(path);
    if (manifest && request.method === "GET") {
      const found = manifests.get(manifest[1]);
      if (!found || !present.has(found.digest)) return answer(response, 404, JSON.stringify({ errors: [{ code: "MANIFEST_UNKNOWN" }] }));
      return answer(response, 200, found.body, {
        "content-type": "application/vnd.oci.image.manifest.v1+json",
        "docker-content-digest": found.digest,
      });
    }
    if (manifest && request.method === "DELETE") {
      sent++;
      if (failures.n > 0) {
        failures = { ...failures, n: failures.n - 1 };
        if (failures.afterDeleting) present.delete(manifest[1]);
        return answer(response, failures.status, "", failures.status === 429 ? { "retry-after": "0" } : {});
      }
      if (!present.delete(manifest[1])) return answer(response, 404, JSON.stringify({ errors: [{ code: "MANIFEST_UNKNOWN" }] }));
      return answer(response, 202);
    }
    // As the Distribution registry: no ACR API, a plain 404 for any other path.
    response.writeHead(404, { "content-type": "text/plain; charset=utf-8" });
    response.end("404 page not found\n");
  };
  const server = createServer((request, response) => {
    const isDelete = request.method === "DELETE";
    if (isDelete) maxInFlight = Math.max(maxInFlight, ++inFlight);
    // Every answer takes 40 ms, as a registry across a network does.
    setTimeout(() => {
      if (isDelete) inFlight--;
      handle(request, response);
    }, 40);
  });
  const port = await listenOnLoopback(server);
  const all = [...manifests.values()].map((m) => m.digest);
  return {
    url: `http://127.0.0.1:${port}`,
    present,
    deletesSent: () => sent,
    maxDeletesInFlight: () => maxInFlight,
    failNext: (n, status, afterDeleting) => {
      failures = { n, status, afterDeleting };
    },
    reset: () => {
      all.forEach((digest) => present.add(digest));
      sent = 0;
      maxInFlight = 0;
    },
    stop: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** The tool with captured output; `interruptAfter` presses Ctrl-C once that many images are deleted. */
async function run(args: string[], options: { tty?: boolean; interruptAfter?: number } = {}) {
  let stdout = "";
  let stderr = "";
  let interrupt: (() => void) | undefined;
  const io: CliIo = {
    stdout: {
      write: (text: string) => {
        stdout += text;
        if (options.interruptAfter !== undefined && (stdout.match(/^Deleted /gm) ?? []).length === options.interruptAfter) interrupt?.();
      },
    },
    stderr: { write: (text: string) => (stderr += text), isTTY: options.tty ?? false },
    stdin: Object.assign(Readable.from([]), { isTTY: false }),
    env: { REGISTRY: registry.url },
    onInterrupt: (handler) => {
      interrupt = handler;
      return () => (interrupt = undefined);
    },
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

let registry: Registry;
beforeAll(async () => {
  registry = await startSlowRegistry();
});
beforeEach(() => registry.reset());
afterAll(async () => {
  await registry?.stop();
});

const purge = ["purge", "--filter", "app:pr-.*", "--ago", "30d", "--yes"];

test("240 deletions run --concurrency at a time, and all go", async () => {
  const result = await run([...purge, "--concurrency", "16"]);
  expect(result.code).toBe(0);
  expect(result.stdout).toContain("Deleted 240 tags (240 images) in 1 repository.");
  expect(registry.present.size).toBe(0);
  expect(registry.maxDeletesInFlight()).toBe(16);
  expect(registry.deletesSent()).toBe(240);
});

test("the default is 8 in flight, and --concurrency above acr purge's 32 is refused", async () => {
  expect((await run(purge)).code).toBe(0);
  expect(registry.maxDeletesInFlight()).toBe(8);
  const refused = await run([...purge, "--concurrency", "33"]);
  expect([refused.code, refused.stderr]).toEqual([2, expect.stringContaining("--concurrency 33: at most 32")]);
});

test("a throttled registry's 429 Retry-After is waited for, and a 503 retried: nothing fails", async () => {
  registry.failNext(12, 429);
  const throttled = await run(purge);
  expect(throttled.code).toBe(0);
  expect(registry.present.size).toBe(0);
  expect(registry.deletesSent()).toBe(240 + 12);
  registry.reset();
  registry.failNext(2, 503);
  expect((await run(purge)).code).toBe(0);
  expect(registry.present.size).toBe(0);
});

test("a DELETE retried after a 503 that had in fact deleted finds it gone, and counts it deleted, as acr purge does", async () => {
  registry.failNext(3, 503, true);
  const result = await run(purge);
  expect(result.code).toBe(0);
  expect((result.stdout.match(/^Already gone: app@/gm) ?? []).length).toBe(3);
  expect(result.stdout).toContain("Deleted 240 tags (240 images) in 1 repository.");
  expect(registry.present.size).toBe(0);
});

test("Ctrl-C stops after the requests in flight, says exactly what was and was not deleted, and exits 130", async () => {
  const result = await run([...purge, "--concurrency", "4"], { interruptAfter: 20 });
  expect(result.code).toBe(130);
  const deleted = (result.stdout.match(/^Deleted app@/gm) ?? []).length;
  // The four in flight when it was pressed finish; nothing else is sent.
  expect(deleted).toBeGreaterThanOrEqual(20);
  expect(deleted).toBeLessThanOrEqual(24);
  expect(registry.deletesSent()).toBe(deleted);
  expect(registry.present.size).toBe(240 - deleted);
  expect(result.stderr).toMatch(
    new RegExp(`^images purge: interrupted: ${deleted} images of 240 deleted\\. Not deleted: app@sha256:`, "m"),
  );
  expect((result.stderr.match(/app@sha256:/g) ?? []).length).toBe(240 - deleted);
});

test("on a terminal, progress shows n of m", async () => {
  const result = await run(purge, { tty: true });
  // The progress line is cleared before each "Deleted" line and written again after it.
  expect(result.stderr).toContain("\r\x1b[K240 of 240 deleted");
});

test("Retry-After in seconds or as a date, bounded; 502/503/504 retried a few times; other statuses stand", () => {
  const now = Date.parse("2026-11-29T12:00:00Z");
  const answer = (status: number, retryAfter?: string) => ({
    status,
    headers: new Headers(retryAfter ? { "retry-after": retryAfter } : {}),
  });
  expect(retryDelay(answer(429, "2"), 0, now)).toBe(2000);
  expect(retryDelay(answer(429, "Sun, 29 Nov 2026 12:00:03 GMT"), 0, now)).toBe(3000);
  expect(retryDelay(answer(429, "3600"), 0, now)).toBeUndefined();
  expect(retryDelay(answer(429), 6, now)).toBeUndefined();
  expect([0, 1, 2, 3].map((attempt) => retryDelay(answer(503), attempt, now))).toEqual([250, 500, 1000, undefined]);
  expect(retryDelay(answer(500), 0, now)).toBeUndefined();
  expect(retryDelay(answer(404), 0, now)).toBeUndefined();
});
