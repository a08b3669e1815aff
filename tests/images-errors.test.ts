/**
 * The image tool's failures against real servers: bad or missing credentials, wrong addresses, a
 * registry with deletes disabled, and wrong arguments. Each gives one clear message on stderr, a
 * non-zero exit code, and deletes nothing.
 */
import { createServer, type Server } from "node:http";
import { RegistryClient } from "../tools/images/registry/client";
import { runCli, type CliRun } from "./support/registry-cli";
import { daysAgo, pushImage } from "./support/registry-images";
import { freePort, startRegistry, type RegistryServer } from "./support/registry-server";

const USER = { username: "bob", password: "correct-horse-battery" };

let registry: RegistryServer;
let noDeletes: RegistryServer;
let notARegistry: Server;
let notARegistryUrl: string;

function envFor(server: RegistryServer, password = USER.password): Record<string, string> {
  return { REGISTRY: server.url, REGISTRY_USERNAME: USER.username, REGISTRY_PASSWORD: password };
}

/** One message, no stack trace, no secret. */
function expectCleanFailure(run: CliRun, code = 1): void {
  expect(run.code).toBe(code);
  expect(run.stderr).not.toMatch(/\n\s+at /);
  expect(run.stderr + run.stdout).not.toContain(USER.password);
}

beforeAll(async () => {
  [registry, noDeletes] = await Promise.all([
    startRegistry({ auth: { htpasswd: [USER] } }),
    startRegistry({ auth: { htpasswd: [USER] }, deleteEnabled: false }),
  ]);
  for (const server of [registry, noDeletes]) {
    const client = new RegistryClient({ url: server.url, credentials: USER });
    await pushImage(client, "app/web", "v1", { created: daysAgo(90) });
    await pushImage(client, "app/web", "v2", { created: daysAgo(80) });
  }
  // A web server that is not a registry: GET /v2/ is a 404 page.
  notARegistry = createServer((_request, response) => {
    response.writeHead(404, { "content-type": "text/html" });
    response.end("<h1>Not Found</h1>");
  });
  await new Promise<void>((resolve) => notARegistry.listen(0, "127.0.0.1", resolve));
  const address = notARegistry.address();
  notARegistryUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
});

afterAll(async () => {
  await Promise.all([registry?.stop(), noDeletes?.stop()]);
  notARegistry?.closeAllConnections();
  await new Promise((resolve) => (notARegistry ? notARegistry.close(resolve) : resolve(undefined)));
});

async function tagsOf(server: RegistryServer, repository: string): Promise<string[]> {
  return (await new RegistryClient({ url: server.url, credentials: USER }).listTags(repository)).sort();
}

describe("credentials", () => {
  it("says the registry refused them, without showing the password", async () => {
    const run = await runCli(["delete", "app/web:v1", "--yes"], { env: envFor(registry, "wrong-password") });
    expectCleanFailure(run);
    expect(run.stderr).toContain(`images delete: ${registry.url} refused the credentials of user bob`);
    expect(run.stderr).not.toContain("wrong-password");
    expect(await tagsOf(registry, "app/web")).toEqual(["v1", "v2"]);
  });

  it("says how to give them when there are none", async () => {
    const run = await runCli(["list", "--registry", registry.url]);
    expectCleanFailure(run);
    expect(run.stderr).toContain(`${registry.url} requires credentials`);
    expect(run.stderr).toContain("--username and --password-stdin");
  });
});

describe("addresses", () => {
  it("says when nothing listens there", async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const run = await runCli(["list"], { env: { ...envFor(registry), REGISTRY: url } });
    expectCleanFailure(run);
    expect(run.stderr).toBe(
      `images list: cannot reach ${url}: connection refused (is the address and port right, and the registry running?)\n`,
    );
  });

  it("says when the server there is not a registry", async () => {
    const run = await runCli(["tags", "app/web", "--registry", notARegistryUrl]);
    expectCleanFailure(run);
    expect(run.stderr).toBe(
      `images tags: ${notARegistryUrl} does not look like a container registry: GET /v2/ answered HTTP 404 Not Found\n`,
    );
  });

  it("says when https was used for a plain http registry", async () => {
    // A login server without a scheme is spoken to over https, as ACR wants.
    const run = await runCli(["list", "--registry", new URL(registry.url).host], { env: envFor(registry) });
    expectCleanFailure(run);
    expect(run.stderr).toContain("TLS failed (does the server speak plain http? then give the URL with http://)");
  });

  it("refuses a registry given with a path", async () => {
    const run = await runCli(["list", "--registry", `${registry.url}/v2/app`]);
    expectCleanFailure(run, 2);
    expect(run.stderr).toContain("give only the server");
  });
});

describe("a registry that refuses deletes", () => {
  it("fails delete with one clear message and deletes nothing", async () => {
    const run = await runCli(["delete", "app/web:v1", "--yes"], { env: envFor(noDeletes) });
    expectCleanFailure(run);
    expect(run.stderr).toContain("refuses to delete app/web@sha256:");
    expect(run.stderr).toContain("UNSUPPORTED: The operation is unsupported. Nothing was deleted.");
    expect(run.stderr).toContain("storage.delete.enabled: true");
    expect(await tagsOf(noDeletes, "app/web")).toEqual(["v1", "v2"]);
  });

  it("purge goes on past refused deletes, as acr purge does, then fails naming them", async () => {
    const run = await runCli(["purge", "--filter", "app/.*:.*", "--ago", "1d", "--yes"], { env: envFor(noDeletes) });
    expectCleanFailure(run);
    expect(run.stdout.match(/^Refused \(HTTP 405\): app\/web@/gm)).toHaveLength(2);
    expect(run.stderr).toContain(
      "refused to delete 2 images (HTTP 405: locked in ACR, or the registry does not allow deletes); the purge went on.",
    );
    expect(run.stderr).toContain("Nothing was deleted.");
    expect(await tagsOf(noDeletes, "app/web")).toEqual(["v1", "v2"]);
  });
});

describe("arguments", () => {
  it.each([
    [["purge", "--ago", "30d"], "--filter <repository regex>:<tag regex> is required"],
    [["purge", "--filter", "app:.*"], "--ago <duration> is required"],
    [["purge", "--filter", "app", "--ago", "30d"], '--filter: "app" is not a filter'],
    [["purge", "--filter", "app:(", "--ago", "30d"], "invalid tag regex"],
    [["purge", "--filter", "app:.*", "--ago", "30 days"], '--ago: "30 days" is not an age acr purge reads as written'],
    [["purge", "--filter", "app:.*", "--ago", "30d", "--keep", "-1"], "--keep"],
    [["list", "--page-size", "0"], '--page-size "0" is not a whole number of at least 1'],
    [["list", "--colour"], "Unknown option '--colour'"],
    [["tags"], "expected a repository, got none"],
    [["tags", "App/Web"], '"App/Web" is not a repository name'],
    [["delete", "app/web"], "name a tag or a digest, such as app/web:v1"],
    [["delete", "app/web@sha256"], "is not a digest"],
    [["list", "--password-stdin", "--stack-outputs", "-"], "stdin can carry the password or the stack outputs, not both"],
  ])("%j fails with a usage message", async (args, message) => {
    const run = await runCli(args, { env: envFor(registry) });
    expectCleanFailure(run, 2);
    expect(run.stderr).toContain(message);
    expect(run.stderr).toContain(`--help\` for usage.`);
  });

  it("names an unknown command", async () => {
    const run = await runCli(["prune"]);
    expectCleanFailure(run, 2);
    expect(run.stderr).toContain('unknown command "prune"');
  });

  it("needs a registry", async () => {
    const run = await runCli(["list"]);
    expectCleanFailure(run, 2);
    expect(run.stderr).toContain("which registry? Give --registry");
  });
});
