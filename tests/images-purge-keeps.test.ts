/**
 * `purge` never deletes what `acr purge` keeps, against a real CNCF Distribution registry behind a
 * proxy that answers as ACR does (manifest listing with lock attributes, 405 on a locked DELETE, 404
 * for a repository gone since the catalog was read): referrers (a manifest with a `subject`) stay;
 * locked manifests are skipped and never attempted; `--keep` keeps the newest untagged manifests
 * too; a vanished repository is reported and the purge goes on. The rules are acr-cli's
 * (cmd/repository/image_functions.go GetUntaggedManifests, cmd/acr/purge.go purgeDanglingManifests
 * and getTagsToDelete).
 */
import { RegistryClient } from "../tools/images/registry/client";
import type { Descriptor } from "../tools/images/registry/manifests";
import { startAcrProxy, type AcrProxy } from "./support/registry-acr-proxy";
import { runCli } from "./support/registry-cli";
import { daysAgo, manifestExists, pushImage } from "./support/registry-images";
import { startRegistry, type RegistryServer } from "./support/registry-server";

const USER = { username: "acr", password: "acr-Pa55word" };

let registry: RegistryServer;
let proxy: AcrProxy;
let client: RegistryClient;
let env: Record<string, string>;
const image: Record<string, Descriptor> = {};

async function push(repository: string, tag: string, name: string, ageDays: number, subject?: Descriptor): Promise<Descriptor> {
  const descriptor = await pushImage(client, repository, tag, { created: daysAgo(ageDays), label: name, ...(subject ? { subject } : {}) });
  proxy.track(repository, descriptor.digest, daysAgo(ageDays));
  image[name] = descriptor;
  return descriptor;
}

const exists = (repository: string, digest: string): Promise<boolean> => manifestExists(client, repository, digest);

beforeAll(async () => {
  registry = await startRegistry({ auth: { htpasswd: [USER] } });
  proxy = await startAcrProxy(registry.url);
  client = new RegistryClient({ url: registry.url, credentials: USER });
  env = { REGISTRY: proxy.url, REGISTRY_USERNAME: USER.username, REGISTRY_PASSWORD: USER.password };

  // keep/app: an image that stays (tag `stable`), its old untagged signature and SBOM, and three
  // old untagged manifests left by rebuilds of `scratch`.
  const stable = await push("keep/app", "stable", "stable", 90);
  await push("keep/app", "signature", "signature", 90, stable);
  await push("keep/app", "signature", "sbom", 85, stable);
  await push("keep/app", "scratch", "old1", 90);
  await push("keep/app", "scratch", "old2", 80);
  await push("keep/app", "scratch", "old3", 70);
  await push("keep/app", "scratch", "current", 1);
  // keep/app's `signature` tag now points at the SBOM's successor: both referrers are untagged.
  await push("keep/app", "signature", "unrelated", 1);

  // locked/app: an old pull-request image locked against deletion, an old untagged manifest locked
  // against writes, and an old pull-request image that may go.
  await push("locked/app", "pr-1", "lockedTag", 90);
  proxy.lock("locked/app", image.lockedTag.digest, { deleteEnabled: false });
  await push("locked/app", "scratch", "lockedUntagged", 90);
  await push("locked/app", "scratch", "scratchNow", 1);
  proxy.lock("locked/app", image.lockedUntagged.digest, { writeEnabled: false });
  await push("locked/app", "pr-2", "free", 90);
  // A tag locked by itself (az acr repository update --image locked/app:pr-3 --delete-enabled false).
  await push("locked/app", "pr-3", "lockedByTag", 90);
  proxy.lockTag("locked/app", "pr-3", image.lockedByTag.digest, { deleteEnabled: false });

  // gone/app is in the catalog, but its tags answer 404.
  await push("gone/app", "pr-1", "gone", 90);
  proxy.vanish("gone/app");
});

afterAll(async () => {
  await proxy?.stop();
  await registry?.stop();
});

test("referrers of an image that stays are kept, and --keep keeps the newest untagged manifests as acr purge does", async () => {
  const run = await runCli(["purge", "--filter", "keep/app:none", "--ago", "30d", "--untagged", "--keep", "1", "--yes"], { env });
  expect(run.code).toBe(0);
  for (const name of ["signature", "sbom"]) {
    expect(run.stdout).toContain(
      `skip    <untagged>  ${image[name].digest}  it is a referrer (a signature, SBOM or attestation) of ${image.stable.digest}`,
    );
    expect(await exists("keep/app", image[name].digest)).toBe(true);
  }
  // old3 is the newest of the three old untagged manifests: --keep 1 keeps it.
  expect(run.stdout).toContain(`keep    <untagged>  ${image.old3.digest}  the newest untagged manifest (--keep 1)`);
  expect(await exists("keep/app", image.old3.digest)).toBe(true);
  expect(await exists("keep/app", image.old1.digest)).toBe(false);
  expect(await exists("keep/app", image.old2.digest)).toBe(false);
  expect(await exists("keep/app", image.stable.digest)).toBe(true);
});

test("locked manifests are skipped and reported, never attempted; what may go goes", async () => {
  const before = proxy.deletes().length;
  const run = await runCli(["purge", "--filter", "locked/app:pr-.*", "--ago", "30d", "--untagged", "--yes"], { env });
  expect(run.code).toBe(0);
  expect(run.stdout).toMatch(/^ {2}skip {4}pr-1 +it is locked against deletion \(deleteEnabled false\)$/m);
  expect(run.stdout).toMatch(/^ {2}skip {4}pr-3 +the tag is locked against deletion \(deleteEnabled false\)$/m);
  expect(run.stdout).toContain(
    `skip    <untagged>  ${image.lockedUntagged.digest}  it is locked (writeEnabled false), which acr purge leaves alone`,
  );
  const sent = proxy.deletes().slice(before);
  expect(sent).toEqual([`locked/app@${image.free.digest}`]);
  expect(await exists("locked/app", image.lockedTag.digest)).toBe(true);
  expect(await exists("locked/app", image.lockedByTag.digest)).toBe(true);
  expect(await exists("locked/app", image.free.digest)).toBe(false);
});

test("a repository whose tags answer 404 is reported and skipped; the purge goes on", async () => {
  await push("gone2/app", "pr-9", "afterGone", 90);
  const run = await runCli(["purge", "--filter", "gone.*/app:pr-.*", "--ago", "30d", "--yes"], { env });
  expect(run.code).toBe(0);
  expect(run.stdout).toContain("gone/app: the repository is gone (its tags answer 404); skipped.");
  expect(await exists("gone2/app", image.afterGone.digest)).toBe(false);
});
