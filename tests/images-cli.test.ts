/**
 * The image tool against a real CNCF Distribution registry with htpasswd (basic) authentication:
 * every command, JSON output, paging, confirmation and the ways to give credentials.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RegistryClient } from "../tools/images/registry/client";
import type { Descriptor } from "../tools/images/registry/manifests";
import { runCli } from "./support/registry-cli";
import { daysAgo, pushImage, pushIndex, tagManifest } from "./support/registry-images";
import { startRegistry, type RegistryServer } from "./support/registry-server";

const USER = { username: "alice", password: "s3cret-Pa55" };

let registry: RegistryServer;
let client: RegistryClient;
let env: Record<string, string>;
let scratch: string;
const pushed = new Map<string, Descriptor>();

/** The tags a repository has now, asked of the registry directly. */
async function tagsOf(repository: string): Promise<string[]> {
  return (await client.listTags(repository)).sort();
}

async function push(repository: string, tag: string, ageDays: number): Promise<Descriptor> {
  const descriptor = await pushImage(client, repository, tag, { created: daysAgo(ageDays) });
  pushed.set(`${repository}:${tag}`, descriptor);
  return descriptor;
}

beforeAll(async () => {
  registry = await startRegistry({ auth: { htpasswd: [USER] } });
  client = new RegistryClient({ url: registry.url, credentials: USER });
  env = { REGISTRY: registry.url, REGISTRY_USERNAME: USER.username, REGISTRY_PASSWORD: USER.password };
  scratch = await mkdtemp(join(tmpdir(), "images-cli-"));

  const webV1 = await push("app/web", "v1", 90);
  await Promise.all([push("app/web", "v2", 80), push("app/web", "v3", 70), push("app/web", "v4", 60), push("app/web", "v5", 5)]);
  await tagManifest(client, "app/web", webV1.digest, "stable");
  await Promise.all([push("app/api", "pr-1", 40), push("other", "v1", 90)]);

  // More tags than the default page of 100, in batches to stay quick without flooding the registry.
  const many = Array.from({ length: 120 }, (_, index) => `t${String(index).padStart(3, "0")}`);
  for (let start = 0; start < many.length; start += 20) {
    await Promise.all(many.slice(start, start + 20).map((tag, offset) => push("many", tag, start + offset)));
  }

  const amd64 = await push("app/multi", "v1-amd64", 20);
  const arm64 = await push("app/multi", "v1-arm64", 10);
  await pushIndex(client, "app/multi", "v1", [amd64, arm64]);
});

afterAll(async () => {
  await registry?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe("help", () => {
  it("describes the tool and each command", async () => {
    const tool = await runCli(["--help"]);
    expect(tool.code).toBe(0);
    expect(tool.stdout).toContain("Usage: npm run images -- <command> [options]");
    for (const command of ["list", "tags", "delete", "purge"]) {
      const help = await runCli([command, "--help"]);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain(`Usage: npm run images -- ${command}`);
      expect(help.stdout).toContain("--stack-outputs");
    }
    expect((await runCli(["help", "purge"])).stdout).toContain("--keep <n>");
  });

  it("shows usage on stderr with exit code 2 when no command is given", async () => {
    const run = await runCli([]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("Commands:");
  });
});

describe("list", () => {
  const expected = ["app/api", "app/multi", "app/web", "many", "other"];

  it("lists the repositories, one a line", async () => {
    const run = await runCli(["list"], { env });
    expect(run).toEqual({ code: 0, stdout: expected.map((name) => `${name}\n`).join(""), stderr: "" });
  });

  it("follows the pages to the end", async () => {
    const run = await runCli(["list", "--json", "--page-size", "2"], { env });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual(expected);
  });
});

describe("tags", () => {
  it("shows tags newest first with digest, size and creation time", async () => {
    const run = await runCli(["tags", "app/web"], { env });
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^TAG\s+DIGEST\s+SIZE\s+CREATED$/);
    expect(lines.slice(1).map((line) => line.split(/\s+/)[0])).toEqual(["v5", "v4", "v3", "v2", "stable", "v1"]);
    expect(lines[1]).toContain(pushed.get("app/web:v5")?.digest);
    expect(lines[1]).toMatch(/\d+ B\s+\d{4}-\d\d-\d\dT/);
  });

  it("gives the same as JSON, with size in bytes and the config's created time", async () => {
    const run = await runCli(["tags", "app/web", "--json"], { env });
    expect(run.code).toBe(0);
    const tags = JSON.parse(run.stdout) as Array<Record<string, unknown>>;
    const v1 = tags.find((entry) => entry.tag === "v1");
    const { manifest } = await client.getManifest("app/web", "v1");
    const blobs = manifest && "layers" in manifest ? [manifest.config, ...manifest.layers] : [];
    expect(v1).toEqual({
      repository: "app/web",
      tag: "v1",
      digest: pushed.get("app/web:v1")?.digest,
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      size: blobs.reduce((sum, blob) => sum + blob.size, 0),
      created: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
    expect(Date.now() - Date.parse(String(v1?.created))).toBeGreaterThan(89 * 86_400_000);
    expect(tags.find((entry) => entry.tag === "stable")?.digest).toBe(v1?.digest);
  });

  it("lists more tags than one page holds", async () => {
    const run = await runCli(["tags", "many", "--json"], { env });
    expect(run.code).toBe(0);
    const tags = (JSON.parse(run.stdout) as Array<{ tag: string }>).map((entry) => entry.tag);
    expect(tags).toHaveLength(120);
    expect(tags[0]).toBe("t000");
    expect(tags[119]).toBe("t119");
  });

  it("sums a multi-platform image over its images and dates it by the newest", async () => {
    const run = await runCli(["tags", "app/multi", "--json"], { env });
    const index = (JSON.parse(run.stdout) as Array<Record<string, unknown>>).find((entry) => entry.tag === "v1");
    const images = ["v1-amd64", "v1-arm64"].map((tag) => client.describe("app/multi", tag));
    const [amd64, arm64] = await Promise.all(images);
    // Both images share their layer: it counts once.
    const { manifest } = await client.getManifest("app/multi", "v1-amd64");
    const layerSize = manifest && "layers" in manifest ? manifest.layers[0].size : 0;
    expect(index?.mediaType).toBe("application/vnd.oci.image.index.v1+json");
    expect(index?.size).toBe((amd64.size ?? 0) + (arm64.size ?? 0) - layerSize);
    expect(index?.created).toBe(arm64.created);
  });

  it("takes the repository with the registry in front, as docker shows it", async () => {
    const host = new URL(registry.url).host;
    const run = await runCli(["tags", `${host}/other`, "--json"], { env });
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as Array<{ tag: string }>).map((entry) => entry.tag)).toEqual(["v1"]);
  });
});

describe("delete", () => {
  it("deletes a tag after confirmation on a terminal", async () => {
    await push("del/confirm", "a", 1);
    await push("del/confirm", "b", 2);
    const declined = await runCli(["delete", "del/confirm:a"], { env, tty: true, stdin: "n\n" });
    expect(declined.code).toBe(1);
    expect(declined.stderr).toContain("Delete 1 image? [y/N]");
    expect(declined.stderr).toContain("Nothing was deleted.");
    expect(await tagsOf("del/confirm")).toEqual(["a", "b"]);

    const accepted = await runCli(["delete", "del/confirm:a"], { env, tty: true, stdin: "y\n" });
    expect(accepted.code).toBe(0);
    expect(accepted.stdout).toContain(`Deleted del/confirm@${pushed.get("del/confirm:a")?.digest} (tag a)`);
    expect(await tagsOf("del/confirm")).toEqual(["b"]);
  });

  it("refuses without a terminal to ask on, unless --yes", async () => {
    await push("del/yes", "a", 1);
    const refused = await runCli(["delete", "del/yes:a"], { env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("stdin is not a terminal to confirm on; add --yes to delete 1 image. Nothing was deleted.");
    expect(await tagsOf("del/yes")).toEqual(["a"]);

    const run = await runCli(["delete", "del/yes:a", "--yes", "--json"], { env });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      deleted: [{ repository: "del/yes", digest: pushed.get("del/yes:a")?.digest, tags: ["a"] }],
    });
    expect(await tagsOf("del/yes")).toEqual([]);
  });

  it("refuses a tag whose manifest has other tags, and deletes them all by digest", async () => {
    const image = await push("del/shared", "v1", 1);
    await tagManifest(client, "del/shared", image.digest, "latest");
    await push("del/shared", "v2", 1);

    const refused = await runCli(["delete", "del/shared:v1", "--yes"], { env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("refusing to delete del/shared:v1: its manifest is also tagged latest");
    expect(refused.stderr).toContain(`delete del/shared@${image.digest}`);
    expect(await tagsOf("del/shared")).toEqual(["latest", "v1", "v2"]);

    const byDigest = await runCli(["delete", `del/shared@${image.digest}`, "--yes"], { env });
    expect(byDigest.code).toBe(0);
    expect(byDigest.stdout).toContain(`del/shared@${image.digest} (tags latest, v1)`);
    expect(await tagsOf("del/shared")).toEqual(["v2"]);
  });

  it("deletes several images, after checking all of them", async () => {
    await Promise.all([push("del/many", "a", 1), push("del/many", "b", 1), push("del/many", "c", 1)]);
    const missing = await runCli(["delete", "del/many:a", "del/many:nope", "--yes"], { env });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("del/many:nope not found: del/many has no tag nope");
    expect(await tagsOf("del/many")).toEqual(["a", "b", "c"]);

    const run = await runCli(["delete", "del/many:a", "del/many:b", "--yes"], { env });
    expect(run.code).toBe(0);
    expect(await tagsOf("del/many")).toEqual(["c"]);
  });

  it("refuses to break a multi-platform image", async () => {
    const amd64 = pushed.get("app/multi:v1-amd64");
    const run = await runCli(["delete", `app/multi@${amd64?.digest}`, "--yes"], { env });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("is part of the multi-platform image tagged v1, which would break");
    expect(await tagsOf("app/multi")).toEqual(["v1", "v1-amd64", "v1-arm64"]);
  });

  it("says when the repository, tag or digest is not there", async () => {
    const repository = await runCli(["delete", "nope:v1", "--yes"], { env });
    expect(repository).toMatchObject({ code: 1, stdout: "" });
    expect(repository.stderr).toContain("images delete: repository nope not found");

    const tag = await runCli(["delete", "app/web:v9", "--yes"], { env });
    expect(tag.code).toBe(1);
    expect(tag.stderr).toContain("app/web:v9 not found: app/web has no tag v9");

    const digest = `sha256:${"0".repeat(64)}`;
    const manifest = await runCli(["delete", `app/web@${digest}`, "--yes"], { env });
    expect(manifest.code).toBe(1);
    expect(manifest.stderr).toContain(`app/web@${digest} not found`);
  });
});

describe("purge", () => {
  async function pushPurgeFixture(repository: string): Promise<void> {
    const v1 = await push(repository, "v1", 90);
    await Promise.all([
      push(repository, "v2", 80),
      push(repository, "v3", 70),
      push(repository, "v4", 60),
      push(repository, "v5", 50),
      push(repository, "v6", 2),
      push(repository, "dev-1", 90),
    ]);
    // `stable` is outside the filter and shares v1's manifest, so v1 must stay.
    await tagManifest(client, repository, v1.digest, "stable");
  }

  it("prints what would go on --dry-run and deletes nothing", async () => {
    await pushPurgeFixture("purge/dry");
    await pushImage(client, "purge/dry", "v0", { created: null });
    const before = await tagsOf("purge/dry");
    const run = await runCli(["purge", "--filter", "purge/dry:v.*", "--ago", "30d", "--keep", "1", "--dry-run"], { env });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Dry run: nothing is deleted.");
    expect(run.stdout).toMatch(/^ {2}delete {2}v2 +sha256:/m);
    expect(run.stdout).toMatch(/^ {2}keep {4}v5 +the newest old tag \(--keep 1\)$/m);
    expect(run.stdout).toMatch(/^ {2}skip {4}v1 +its manifest is also tagged stable, which would go with it$/m);
    expect(run.stdout).toMatch(/^ {2}skip {4}v0 +its image has no creation time, so its age is unknown$/m);
    expect(run.stdout).toContain("Would delete 3 tags (3 images) in 1 repository.");
    expect(await tagsOf("purge/dry")).toEqual(before);

    const listing = await runCli(["tags", "purge/dry"], { env });
    expect(listing.stdout).toMatch(/^v0 +sha256:\w+ +\d+ B +-$/m);
  });

  it("keeps exactly the newest N old tags and touches nothing outside the filter", async () => {
    await pushPurgeFixture("purge/web");
    await pushPurgeFixture("purge/other");
    const run = await runCli(["purge", "--filter", "purge/web:v.*", "--ago", "30d", "--keep", "2", "--yes"], { env });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Deleted 2 tags (2 images) in 1 repository.");
    // v3, v2 go; v5, v4 are the newest 2 old ones; v6 is young; v1 shares with stable; dev-1 and stable do not match.
    expect(await tagsOf("purge/web")).toEqual(["dev-1", "stable", "v1", "v4", "v5", "v6"]);
    expect(await tagsOf("purge/other")).toEqual(["dev-1", "stable", "v1", "v2", "v3", "v4", "v5", "v6"]);
  });

  it("reports the plan and the deletions as JSON", async () => {
    await Promise.all([push("purge/json", "v1", 40), push("purge/json", "v2", 1)]);
    const run = await runCli(["purge", "--filter", "purge/js.*:v.*", "--ago", "30d", "--yes", "--json"], { env });
    expect(run.code).toBe(0);
    const digest = pushed.get("purge/json:v1")?.digest;
    expect(JSON.parse(run.stdout)).toEqual({
      dryRun: false,
      filters: ["purge/js.*:v.*"],
      ago: "30d",
      keep: 0,
      cutoff: expect.any(String),
      repositories: [{ repository: "purge/json", delete: [{ digest, tags: ["v1"], created: expect.any(String) }], keep: [], skip: [] }],
      deleted: [{ repository: "purge/json", digest, tags: ["v1"], created: expect.any(String) }],
    });
    expect(run.stderr).toContain("Deleted purge/json@");
    expect(await tagsOf("purge/json")).toEqual(["v2"]);
  });

  it("asks before deleting, and says when nothing matches", async () => {
    await push("purge/ask", "v1", 40);
    const declined = await runCli(["purge", "--filter", "purge/ask:.*", "--ago", "30d"], { env, tty: true, stdin: "\n" });
    expect(declined.code).toBe(1);
    expect(declined.stderr).toContain("Delete 1 image? [y/N]");
    expect(await tagsOf("purge/ask")).toEqual(["v1"]);

    const none = await runCli(["purge", "--filter", "nothing/here:.*", "--ago", "30d"], { env });
    expect(none.code).toBe(0);
    expect(none.stdout).toContain("No repository matches nothing/here:.*");
    expect(none.stdout).toContain("Nothing to delete.");
  });

  it("notes that untagged manifests cannot be listed", async () => {
    const run = await runCli(["purge", "--filter", "app/web:v.*", "--ago", "1000d", "--untagged"], { env });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain("--untagged: this registry does not serve ACR's API for listing manifests");
    expect(run.stderr).toContain("the OCI Distribution API cannot list manifests without tags");
    expect(run.stdout).toContain("Nothing to delete.");
  });
});

describe("credentials", () => {
  const outputs = (extra: Record<string, string>): string => JSON.stringify({ loginServer: registry.url, registryName: "test", ...extra });

  it("reads the login server and the service principal from --stack-outputs, over the admin user", async () => {
    const file = join(scratch, "outputs.json");
    await writeFile(
      file,
      outputs({
        adminUsername: "admin",
        adminPassword: "not-this-one",
        servicePrincipalClientId: USER.username,
        servicePrincipalClientSecret: USER.password,
      }),
    );
    const run = await runCli(["list", "--stack-outputs", file]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("app/web\n");
  });

  it("reads the admin user from stack outputs on stdin", async () => {
    const run = await runCli(["list", "--stack-outputs", "-"], {
      stdin: outputs({ adminUsername: USER.username, adminPassword: USER.password }),
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("app/web\n");
  });

  it("takes the password from stdin", async () => {
    const run = await runCli(["list", "--registry", registry.url, "--username", USER.username, "--password-stdin"], {
      stdin: `${USER.password}\n`,
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("app/web\n");
  });

  it("says what is wrong with stack outputs", async () => {
    const hidden = await runCli(["list", "--stack-outputs", "-"], { stdin: outputs({ adminUsername: "a", adminPassword: "[secret]" }) });
    expect(hidden.code).toBe(2);
    expect(hidden.stderr).toContain("hides adminPassword; write it with `pulumi stack output --json --show-secrets`");

    const missing = await runCli(["list", "--stack-outputs", join(scratch, "absent.json")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("cannot read --stack-outputs");

    const noServer = await runCli(["list", "--stack-outputs", "-"], { stdin: "{}" });
    expect(noServer.code).toBe(2);
    expect(noServer.stderr).toContain("have no loginServer");
  });
});
