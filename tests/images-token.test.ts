/**
 * The image tool against the Distribution registry configured for token authentication, the flow
 * ACR uses: the registry answers 401 with a Bearer challenge, the tool exchanges basic credentials
 * for a JWT at the token service, then sends that.
 */
import { RegistryClient } from "../tools/images/registry/client";
import { runCli } from "./support/registry-cli";
import { daysAgo, pushImage } from "./support/registry-images";
import { startRegistry, type RegistryServer } from "./support/registry-server";
import { startTokenServer, type TokenServer } from "./support/registry-token-server";

const CI = { username: "ci", password: "ci-secret-123", rights: "all" as const };
const READER = { username: "reader", password: "reader-secret-456", rights: "pull" as const };

let tokens: TokenServer;
let registry: RegistryServer;
let client: RegistryClient;

function envAs(user: { username: string; password: string }): Record<string, string> {
  return { REGISTRY: registry.url, REGISTRY_USERNAME: user.username, REGISTRY_PASSWORD: user.password };
}

beforeAll(async () => {
  tokens = await startTokenServer([CI, READER]);
  registry = await startRegistry({ auth: { token: tokens.auth } });
  client = new RegistryClient({ url: registry.url, credentials: CI });
  await pushImage(client, "team/app", "v1", { created: daysAgo(60) });
  await pushImage(client, "team/app", "v2", { created: daysAgo(50) });
  await pushImage(client, "team/app", "v3", { created: daysAgo(1) });
  await pushImage(client, "team/tool", "v1", { created: daysAgo(60) });
});

afterAll(async () => {
  await registry?.stop();
  await tokens?.stop();
});

it("lists repositories and tags with a token", async () => {
  const before = tokens.issued();
  const list = await runCli(["list", "--json", "--page-size", "1"], { env: envAs(CI) });
  expect(list).toMatchObject({ code: 0, stderr: "" });
  expect(JSON.parse(list.stdout)).toEqual(["team/app", "team/tool"]);
  const tags = await runCli(["tags", "team/app"], { env: envAs(CI) });
  expect(tags.code).toBe(0);
  expect(tags.stdout).toMatch(/^v3 .*\nv2 .*\nv1 /m);
  expect(tokens.issued()).toBeGreaterThan(before);
});

it("purges with a token", async () => {
  const run = await runCli(["purge", "--filter", "team/app:v.*", "--ago", "30d", "--keep", "1", "--yes"], { env: envAs(CI) });
  expect(run.code).toBe(0);
  expect(run.stdout).toContain("Deleted 1 tag (1 image) in 1 repository.");
  expect((await client.listTags("team/app")).sort()).toEqual(["v2", "v3"]);
  expect(await client.listTags("team/tool")).toEqual(["v1"]);
});

it("says the token service refused wrong credentials, without showing them", async () => {
  const run = await runCli(["list"], { env: envAs({ username: "ci", password: "guess" }) });
  expect(run.code).toBe(1);
  expect(run.stderr).toBe(
    `images list: ${registry.url} refused the credentials of user ci (its token service ${new URL(tokens.auth.realm).origin} answered HTTP 401)\n` +
      "Check the user name and password: for ACR, the admin user and its password, or a service principal's client ID and secret.\n",
  );
});

it("says when an identity may read but not delete, and deletes nothing", async () => {
  const tags = await runCli(["tags", "team/tool", "--json"], { env: envAs(READER) });
  expect(tags.code).toBe(0);
  const run = await runCli(["delete", "team/tool:v1", "--yes"], { env: envAs(READER) });
  expect(run.code).toBe(1);
  expect(run.stderr).toContain(`${registry.url} denied DELETE for user reader: it lacks the permission repository:team/tool:delete`);
  expect(run.stderr).toContain("Nothing was deleted.");
  expect(await client.listTags("team/tool")).toEqual(["v1"]);
});

it("says credentials are needed when none are given", async () => {
  const run = await runCli(["list", "--registry", registry.url]);
  expect(run.code).toBe(1);
  expect(run.stderr).toContain(`${registry.url} requires credentials`);
});
