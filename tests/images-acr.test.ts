/**
 * `purge --untagged` against a registry that serves ACR's manifest listing: a real CNCF
 * Distribution registry behind a proxy that adds `GET /acr/v1/<repository>/_manifests`; and the
 * note on the plain registry, which cannot list untagged manifests.
 */
import { RegistryClient } from "../tools/images/registry/client";
import type { Descriptor } from "../tools/images/registry/manifests";
import { startAcrProxy, type AcrProxy } from "./support/registry-acr-proxy";
import { runCli } from "./support/registry-cli";
import { daysAgo, manifestExists, pushImage, pushIndex } from "./support/registry-images";
import { startRegistry, type RegistryServer } from "./support/registry-server";

const USER = { username: "acr", password: "acr-Pa55word" };
const PAGE_SIZE = "3";

let registry: RegistryServer;
let proxy: AcrProxy;
let client: RegistryClient;
let env: Record<string, string>;
/** Digests by name, for the fixture below. */
const image: Record<string, Descriptor> = {};

/**
 * Pushes an image under `tag` and tells the proxy its age. Pushing the tag again later leaves
 * this manifest untagged, as a rebuilt `latest` does.
 */
async function push(repository: string, tag: string, name: string, ageDays: number): Promise<Descriptor> {
  const descriptor = await pushImage(client, repository, tag, { created: daysAgo(ageDays), label: name });
  proxy.track(repository, descriptor.digest, daysAgo(ageDays));
  image[name] = descriptor;
  return descriptor;
}

const exists = (repository: string, digest: string): Promise<boolean> => manifestExists(client, repository, digest);

const purge = ["purge", "--filter", "acr/app:pr-.*", "--ago", "30d", "--untagged", "--page-size", PAGE_SIZE];

beforeAll(async () => {
  registry = await startRegistry({ auth: { htpasswd: [USER] } });
  proxy = await startAcrProxy(registry.url);
  client = new RegistryClient({ url: registry.url, credentials: USER });
  env = { REGISTRY: proxy.url, REGISTRY_USERNAME: USER.username, REGISTRY_PASSWORD: USER.password };

  // acr/app: each push of `scratch` unties the one before.
  await push("acr/app", "scratch", "old1", 90);
  await push("acr/app", "scratch", "old2", 80);
  await push("acr/app", "scratch", "young", 1);
  const child1 = await push("acr/app", "scratch", "child1", 90);
  const child2 = await push("acr/app", "scratch", "child2", 90);
  // A tagged multi-platform image keeps its untagged images.
  image.multi = await pushIndex(client, "acr/app", "multi", [child1, child2]);
  proxy.track("acr/app", image.multi.digest, daysAgo(90));
  // An untagged index goes together with the untagged image it lists, the index first.
  const indexChild = await push("acr/app", "scratch", "indexChild", 90);
  image.orphanIndex = await pushIndex(client, "acr/app", "orphan", [indexChild]);
  proxy.track("acr/app", image.orphanIndex.digest, daysAgo(90));
  await push("acr/app", "orphan", "orphanNow", 90);
  await push("acr/app", "scratch", "current", 90);
  // The tag purge still runs alongside.
  await push("acr/app", "pr-1", "pr1", 90);

  // acr/other is outside the filter.
  await push("acr/other", "x", "otherOld", 90);
  await push("acr/other", "x", "otherNow", 90);
});

afterAll(async () => {
  await proxy?.stop();
  await registry?.stop();
});

const untaggedGoing = ["old1", "old2", "orphanIndex", "indexChild"];
const untaggedStaying = ["young", "child1", "child2"];

it("lists the untagged manifests that would go, over several pages, and deletes nothing on --dry-run", async () => {
  const before = proxy.pagesServed();
  const run = await runCli([...purge, "--dry-run"], { env });
  expect(run.stderr).toBe("");
  expect(run.code).toBe(0);
  for (const name of untaggedGoing) {
    expect(run.stdout).toMatch(new RegExp(`^ {2}delete {2}<untagged> +${image[name].digest} {2}last updated \\d{4}-`, "m"));
  }
  for (const name of ["child1", "child2"]) {
    expect(run.stdout).toContain(`skip    <untagged>  ${image[name].digest}  a multi-platform image that stays lists it (tagged multi)`);
  }
  expect(run.stdout).not.toContain(image.young.digest);
  expect(run.stdout).toMatch(/^ {2}delete {2}pr-1 +sha256:/m);
  expect(run.stdout).toContain("Would delete 1 tag (1 image) and 4 untagged manifests in 1 repository.");
  // 11 manifests in acr/app, 3 a page.
  expect(proxy.pagesServed() - before).toBe(4);
  for (const name of [...untaggedGoing, "pr1"]) expect(await exists("acr/app", image[name].digest)).toBe(true);
});

it("asks before deleting untagged manifests", async () => {
  const run = await runCli(purge, { env });
  expect(run.code).toBe(1);
  expect(run.stderr).toContain("add --yes to delete 5 images. Nothing was deleted.");
  for (const name of untaggedGoing) expect(await exists("acr/app", image[name].digest)).toBe(true);
});

it("deletes old untagged manifests, and nothing tagged, young, listed by an index that stays, or outside the filter", async () => {
  const run = await runCli([...purge, "--yes", "--json"], { env });
  expect(run.code).toBe(0);
  const report = JSON.parse(run.stdout) as {
    repositories: Array<{ repository: string; untagged: { delete: Array<{ digest: string }>; skip: Array<{ digest: string }> } | null }>;
    deleted: Array<{ repository: string; digest: string; tags: string[] }>;
  };
  const app = report.repositories.find((entry) => entry.repository === "acr/app");
  expect(app?.untagged?.delete.map((entry) => entry.digest).sort()).toEqual(untaggedGoing.map((name) => image[name].digest).sort());
  expect(app?.untagged?.skip.map((entry) => entry.digest).sort()).toEqual([image.child1.digest, image.child2.digest].sort());

  const deleted = report.deleted.map((entry) => entry.digest);
  expect(deleted).toHaveLength(5);
  expect(report.deleted[0]).toMatchObject({ repository: "acr/app", digest: image.pr1.digest, tags: ["pr-1"] });
  expect(deleted.indexOf(image.orphanIndex.digest)).toBeLessThan(deleted.indexOf(image.indexChild.digest));
  expect(run.stderr).toContain(`Deleted acr/app@${image.old1.digest} (untagged)`);

  for (const name of [...untaggedGoing, "pr1"]) expect(await exists("acr/app", image[name].digest)).toBe(false);
  for (const name of [...untaggedStaying, "multi", "orphanNow", "current"]) expect(await exists("acr/app", image[name].digest)).toBe(true);
  expect(await exists("acr/other", image.otherOld.digest)).toBe(true);
  expect((await client.listTags("acr/app")).sort()).toEqual(["multi", "orphan", "scratch"]);
});

it("needs the registry's credentials for the listing too", async () => {
  const anonymous = new RegistryClient({ url: proxy.url });
  await expect(anonymous.listAcrManifests("acr/app")).rejects.toMatchObject({ kind: "needs-credentials" });
});

it("notes on a plain Distribution registry that untagged manifests cannot be listed", async () => {
  expect(await client.listAcrManifests("acr/app")).toBe("unsupported");
  const run = await runCli([...purge, "--dry-run", "--json"], { env: { ...env, REGISTRY: registry.url } });
  expect(run.code).toBe(0);
  expect(run.stderr).toContain("--untagged: this registry does not serve ACR's API for listing manifests");
  const report = JSON.parse(run.stdout) as { repositories: Array<{ untagged: unknown }> };
  expect(report.repositories.map((entry) => entry.untagged)).toEqual([null]);
});
