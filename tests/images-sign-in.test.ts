import { entraTokenRefusal } from "../tools/images/auth/acr-entra";
/**
 * Where the image tool gets its credentials: the order of sources, the Docker config (auths,
 * credHelpers, credsStore, identity tokens) with fake `docker-credential-*` programs on PATH,
 * explicit sources that never fall back, and Entra ID for ACR, against a real CNCF Distribution
 * registry (basic auth) and a local server that answers as ACR's token service does.
 */
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { main } from "../tools/images/cli";
import { RegistryClient } from "../tools/images/registry/client";
import { signIn } from "../tools/images/auth/sign-in";
import { runCli, type CliRun } from "./support/registry-cli";
import { daysAgo, pushImage } from "./support/registry-images";
import { listenOnLoopback, startRegistry, type RegistryServer } from "./support/registry-server";

jest.setTimeout(30_000);

// DefaultAzureCredential stands in for Azure here: the factory runs each time the tool loads
// @azure/identity (modules are reset before each test), so a test can tell whether it was loaded.
const mockIdentity = { loads: 0, scopes: [] as string[], token: (_scope: string): Promise<string> => Promise.resolve("") };
jest.mock("@azure/identity", () => {
  mockIdentity.loads++;
  return {
    DefaultAzureCredential: class {
      getToken(scope: string): Promise<{ token: string; expiresOnTimestamp: number }> {
        mockIdentity.scopes.push(scope);
        return mockIdentity.token(scope).then((token) => ({ token, expiresOnTimestamp: Date.now() + 3_600_000 }));
      }
    },
  };
});

const ZERO_GUID = "00000000-0000-0000-0000-000000000000";
const ACR_SCOPE = "https://containerregistry.azure.net/.default";
const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const OBJECT_ID = "5b1c3f0e-0d4c-4c0e-9a57-6f1f3d2b9e11";

/** An Entra access token as ACR would get it: a JWT whose claims name the tenant and the identity. */
const AAD_TOKEN = [
  Buffer.from(JSON.stringify({ typ: "JWT", alg: "RS256" })).toString("base64url"),
  Buffer.from(JSON.stringify({ aud: "https://containerregistry.azure.net", tid: TENANT, oid: OBJECT_ID })).toString("base64url"),
  "c2lnbmF0dXJlLW9mLWVudHJh",
].join(".");
const REFRESH_TOKEN = "acr-refresh-token-4f2a9c";
const IDENTITY_TOKEN = "docker-identity-token-7d1e0b";

/** Users of the fake ACR, one per source, so the token service's log says which source was used. */
const ACR_USERS = {
  flag: { username: "flag-user", password: "flag-Pa55" },
  stack: { username: "stack-user", password: "stack-Pa55" },
  env: { username: "env-user", password: "env-Pa55" },
  docker: { username: "docker-user", password: "docker-Pa55" },
};
/** The user of the CNCF registry (htpasswd). */
const USER = { username: "carol", password: "c4rol-Secret" };

let registry: RegistryServer;
let registryHost: string;
let acr: FakeAcr;
let scratch: string;
/** Every secret a test hands the tool; none may appear in its output. */
const secrets = [
  AAD_TOKEN,
  REFRESH_TOKEN,
  IDENTITY_TOKEN,
  USER.password,
  Buffer.from(`${USER.username}:${USER.password}`).toString("base64"),
  ...Object.values(ACR_USERS).map((user) => user.password),
];

beforeAll(async () => {
  registry = await startRegistry({ auth: { htpasswd: [USER] } });
  registryHost = new URL(registry.url).host;
  await pushImage(new RegistryClient({ url: registry.url, credentials: USER }), "team/app", "v1", { created: daysAgo(1) });
  acr = await startFakeAcr();
  scratch = await mkdtemp(join(tmpdir(), "images-sign-in-"));
});

afterAll(async () => {
  await registry?.stop();
  await acr?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

beforeEach(() => {
  jest.resetModules();
  mockIdentity.scopes = [];
  mockIdentity.token = (scope) => Promise.resolve(scope === ACR_SCOPE ? AAD_TOKEN : "wrong-audience");
  acr.reset();
});

function expectNoSecrets(run: CliRun): void {
  for (const secret of [...secrets, ...acr.issued()]) {
    expect(run.stdout).not.toContain(secret);
    expect(run.stderr).not.toContain(secret);
  }
}

function expectIdentityNotLoaded(loadsBefore: number): void {
  expect(mockIdentity.loads).toBe(loadsBefore);
  expect(mockIdentity.scopes).toEqual([]);
}

let configs = 0;

/** Writes a Docker config (and fake credential helpers beside it); returns the env to run the tool with. */
async function dockerSetup(
  config: object,
  helpers: Record<string, string> = {},
): Promise<{ dir: string; file: string; env: Record<string, string> }> {
  const dir = join(scratch, `docker-${++configs}`);
  await mkdir(dir);
  const file = join(dir, "config.json");
  await writeFile(file, JSON.stringify(config));
  for (const [name, answers] of Object.entries(helpers)) await writeHelper(dir, name, answers);
  return { dir, file, env: { DOCKER_CONFIG: dir, PATH: `${dir}:/usr/bin:/bin` } };
}

/**
 * A `docker-credential-<name>` that logs each host it is asked about to `<name>.calls` and answers
 * as the real helpers do: the JSON for a host it knows, else "credentials not found" and exit 1.
 */
async function writeHelper(dir: string, name: string, cases: string): Promise<void> {
  const program = join(dir, `docker-credential-${name}`);
  await writeFile(
    program,
    `#!/bin/sh
[ "$1" = get ] || exit 2
host=$(cat)
printf '%s\\n' "$host" >> "$(dirname "$0")/${name}.calls"
case "$host" in
${cases}
  *) echo "credentials not found in native keychain"; exit 1 ;;
esac
`,
  );
  await chmod(program, 0o755);
}

/** One `case` arm of a helper: answers `host` with `username` and `secret`. */
function helperAnswer(host: string, username: string, secret: string): string {
  return `  "${host}") printf '%s' '${JSON.stringify({ ServerURL: host, Username: username, Secret: secret })}' ;;`;
}

async function helperCalls(dir: string, name: string): Promise<string[]> {
  try {
    return (await readFile(join(dir, `${name}.calls`), "utf8")).split("\n").filter(Boolean);
  } catch {
    return [];
  }
}

function basicAuth(user: { username: string; password: string }): string {
  return Buffer.from(`${user.username}:${user.password}`).toString("base64");
}

describe("the Docker config", () => {
  it("signs in with auths' base64 auth, under a key spelled https://host/v1/ as docker matches it", async () => {
    const { file, env } = await dockerSetup({ auths: { [`https://${registryHost}/v1/`]: { auth: basicAuth(USER) } } });
    const run = await runCli(["list"], { env: { ...env, REGISTRY: registry.url } });
    expect(run.stdout).toBe("team/app\n");
    expect(run.code).toBe(0);
    expect(run.stderr).toBe(`Signed in with the Docker config ${file} (auths: https://${registryHost}/v1/).\n`);
    expectNoSecrets(run);
  });

  it("signs in with auths' username and password", async () => {
    const { env } = await dockerSetup({
      auths: { "other.example": { auth: basicAuth({ username: "x", password: "y" }) }, [registryHost]: USER },
    });
    const run = await runCli(["list", "--registry", registry.url], { env });
    expect(run).toMatchObject({ code: 0, stdout: "team/app\n" });
    expect(run.stderr).toContain(`(auths: ${registryHost})`);
    expectNoSecrets(run);
  });

  it("reads ~/.docker/config.json from the home directory when DOCKER_CONFIG is not set", async () => {
    const home = join(scratch, "home");
    await mkdir(join(home, ".docker"), { recursive: true });
    await writeFile(join(home, ".docker", "config.json"), JSON.stringify({ auths: { [registryHost]: { auth: basicAuth(USER) } } }));
    let stdout = "";
    let stderr = "";
    const code = await main(["list", "--registry", registry.url], {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
      stdin: Object.assign(Readable.from([]), { isTTY: false }),
      env: {},
      homeDir: home,
    });
    expect({ code, stdout }).toEqual({ code: 0, stdout: "team/app\n" });
    expect(stderr).toBe(`Signed in with the Docker config ${join(home, ".docker", "config.json")} (auths: ${registryHost}).\n`);
  });

  it("asks credHelpers[host] first, giving the helper the host on stdin", async () => {
    const { dir, file, env } = await dockerSetup(
      {
        credHelpers: { [registryHost]: "reg" },
        auths: { [registryHost]: { auth: basicAuth({ username: USER.username, password: "stale" }) } },
      },
      { reg: helperAnswer(registryHost, USER.username, USER.password) },
    );
    const run = await runCli(["list", "--registry", registry.url], { env });
    expect(run).toMatchObject({ code: 0, stdout: "team/app\n" });
    expect(run.stderr).toBe(`Signed in with the Docker config ${file} (credHelpers: reg).\n`);
    expect(await helperCalls(dir, "reg")).toEqual([registryHost]);
    expectNoSecrets(run);
  });

  // docker/cli ConfigFile.GetCredentialsStore: the host's credHelpers entry, else credsStore, else auths; only that one is asked.
  it("asks only the host's credHelpers entry when there is one, as docker does", async () => {
    const { dir, env } = await dockerSetup(
      { credHelpers: { [registryHost]: "pinned" }, auths: { [registryHost]: { auth: basicAuth(USER) } }, credsStore: "store" },
      { pinned: helperAnswer(registryHost, USER.username, USER.password), store: helperAnswer(registryHost, "someone", "else") },
    );
    const run = await runCli(["list", "--registry", registry.url], { env });
    expect(run).toMatchObject({ code: 0, stdout: "team/app\n" });
    expect(await helperCalls(dir, "pinned")).toEqual([registryHost]);
    expect(await helperCalls(dir, "store")).toEqual([]);
    expectNoSecrets(run);
  });

  it("asks credsStore rather than auths when it is set (auths then holds only placeholders), as docker does", async () => {
    const { dir, file, env } = await dockerSetup(
      // An empty auths entry is what docker writes beside a credsStore.
      { auths: { [registryHost]: {} }, credsStore: "store" },
      { store: helperAnswer(registryHost, USER.username, USER.password) },
    );
    const run = await runCli(["list", "--registry", registry.url], { env });
    expect(run).toMatchObject({ code: 0, stdout: "team/app\n" });
    expect(run.stderr).toBe(`Signed in with the Docker config ${file} (credsStore: store).\n`);
    expect(await helperCalls(dir, "store")).toEqual([registryHost]);
    expectNoSecrets(run);
  });

  it("reads auths when no helper applies", async () => {
    const { env } = await dockerSetup({ auths: { [registryHost]: { auth: basicAuth(USER) } } }, {});
    const run = await runCli(["list", "--registry", registry.url], { env });
    expect(run).toMatchObject({ code: 0, stdout: "team/app\n" });
  });

  it("uses the registry anonymously when the Docker config has nothing for it", async () => {
    const { dir, env } = await dockerSetup({ auths: { "other.example": { auth: basicAuth(USER) } }, credsStore: "store" }, { store: "" });
    const run = await runCli(["list", "--registry", registry.url], { env });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${registry.url} requires credentials`);
    expect(await helperCalls(dir, "store")).toEqual([registryHost]);
    expectNoSecrets(run);
  });

  it("names the Docker config entry whose credentials the registry refused", async () => {
    const { file, env } = await dockerSetup({ auths: { [registryHost]: { username: USER.username, password: "stale-Pa55" } } });
    const run = await runCli(["list", "--registry", registry.url], { env });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`images list: ${registry.url} refused the credentials of user ${USER.username} (`);
    expect(run.stderr).toContain(`. The credentials came from the Docker config ${file} (auths: ${registryHost}).\n`);
    expect(run.stderr).not.toContain("stale-Pa55");
    expectNoSecrets(run);
  });

  it("names a credential helper that is not on PATH, and a config that is not JSON", async () => {
    const { file, env } = await dockerSetup({ credsStore: "nowhere" });
    const missing = await runCli(["list", "--registry", registry.url], { env });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(
      `images list: the Docker config ${file} names a credential helper (credsStore: nowhere), but docker-credential-nowhere is not on PATH\n`,
    );

    await writeFile(file, "{ not json");
    const broken = await runCli(["list", "--registry", registry.url], { env });
    expect(broken.code).toBe(1);
    expect(broken.stderr).toBe(`images list: the Docker config ${file} is not JSON\n`);
  });

  it("skips an identity token for a registry that is not ACR, saying so", async () => {
    const { file, env } = await dockerSetup({ auths: { [registryHost]: { identitytoken: IDENTITY_TOKEN } } });
    const run = await runCli(["list", "--registry", registry.url], { env });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `Note: skipped the Docker config ${file} (auths: ${registryHost}, an identity token): this tool signs in with identity tokens to ACR only.`,
    );
    expect(run.stderr).toContain("requires credentials");
    expectNoSecrets(run);
  });
});

describe("identity tokens on ACR", () => {
  it("sends an auths identitytoken to ACR as the password of the empty GUID", async () => {
    const loads = mockIdentity.loads;
    const { file, env } = await dockerSetup({ auths: { [`https://${acr.host}`]: { identitytoken: IDENTITY_TOKEN } } });
    const run = await runCli(["list", "--registry", acr.url], { env });
    expect(run).toMatchObject({ code: 0, stdout: "team/app\n" });
    expect(run.stderr).toBe(`Signed in with the Docker config ${file} (auths: https://${acr.host}, an identity token).\n`);
    expect(acr.signIns()).toEqual([ZERO_GUID]);
    expectIdentityNotLoaded(loads);
    expectNoSecrets(run);
  });

  it("takes a helper's Username <token> as an identity token", async () => {
    const { file, env } = await dockerSetup({ credsStore: "acr" }, { acr: helperAnswer(acr.host, "<token>", IDENTITY_TOKEN) });
    const run = await runCli(["list", "--registry", acr.url], { env });
    expect(run).toMatchObject({ code: 0, stdout: "team/app\n" });
    expect(run.stderr).toBe(`Signed in with the Docker config ${file} (credsStore: acr, an identity token).\n`);
    expect(acr.signIns()).toEqual([ZERO_GUID]);
    expectNoSecrets(run);
  });
});

describe("the order of sources", () => {
  type Source = keyof typeof ACR_USERS | "entra";
  const all: Source[] = ["flag", "stack", "env", "docker", "entra"];

  /** Runs `list` against the fake ACR with the given sources present, all of them valid. */
  async function listWith(sources: readonly Source[]): Promise<CliRun> {
    const args = ["list"];
    let stdin: string | undefined;
    const env: Record<string, string> = { REGISTRY: acr.url };
    if (sources.includes("flag")) {
      args.push("--username", ACR_USERS.flag.username, "--password-stdin");
      stdin = `${ACR_USERS.flag.password}\n`;
    }
    if (sources.includes("stack")) {
      const file = join(scratch, "stack-outputs.json");
      await writeFile(
        file,
        JSON.stringify({ loginServer: acr.url, adminUsername: ACR_USERS.stack.username, adminPassword: ACR_USERS.stack.password }),
      );
      args.push("--stack-outputs", file);
    }
    if (sources.includes("env"))
      Object.assign(env, { REGISTRY_USERNAME: ACR_USERS.env.username, REGISTRY_PASSWORD: ACR_USERS.env.password });
    if (sources.includes("docker")) Object.assign(env, (await dockerSetup({ auths: { [acr.host]: ACR_USERS.docker } })).env);
    if (!sources.includes("entra"))
      mockIdentity.token = () => Promise.reject(Object.assign(new Error("none"), { name: "AggregateAuthenticationError" }));
    return runCli(args, { env, stdin });
  }

  it.each([
    ["the flags", all, ACR_USERS.flag.username],
    ["--stack-outputs", all.slice(1), ACR_USERS.stack.username],
    ["REGISTRY_USERNAME and REGISTRY_PASSWORD", all.slice(2), ACR_USERS.env.username],
    ["the Docker config", all.slice(3), ACR_USERS.docker.username],
  ])("takes %s over every source after them, and does not load @azure/identity", async (_name, sources, user) => {
    const loads = mockIdentity.loads;
    const run = await listWith(sources);
    expect(run).toMatchObject({ code: 0, stdout: "team/app\n" });
    expect(acr.signIns()).toEqual([user]);
    expect(acr.exchanges()).toEqual([]);
    expectIdentityNotLoaded(loads);
    // Only a source the tool found on its own is announced.
    expect(run.stderr).toEqual(sources[0] === "docker" ? expect.stringMatching(/^Signed in with the Docker config .*\.\n$/) : "");
    expectNoSecrets(run);
  });

  it("signs in to ACR with Entra ID through DefaultAzureCredential when nothing else gives credentials", async () => {
    const loads = mockIdentity.loads;
    const run = await listWith(["entra"]);
    expect(run).toMatchObject({ code: 0, stdout: "team/app\n" });
    expect(run.stderr).toBe(
      `Signed in with the Entra ID access token from DefaultAzureCredential, object ID ${OBJECT_ID}, tenant ${TENANT}.\n`,
    );
    expect(mockIdentity.loads).toBe(loads + 1);
    expect(mockIdentity.scopes).toEqual([ACR_SCOPE]);
    expect(acr.exchanges()).toEqual([{ grant_type: "access_token", service: acr.host, access_token: AAD_TOKEN, tenant: TENANT }]);
    expect(acr.signIns()).toEqual([ZERO_GUID]);
    expectNoSecrets(run);
  });

  it("falls back from refused Docker config credentials to Entra ID on ACR, with a note", async () => {
    const loads = mockIdentity.loads;
    const { file, env } = await dockerSetup({ auths: { [acr.host]: { username: ACR_USERS.docker.username, password: "expired" } } });
    const run = await runCli(["list", "--registry", acr.url], { env });
    expect(run).toMatchObject({ code: 0, stdout: "team/app\n" });
    expect(run.stderr).toContain(
      `Note: ${acr.url} refused the credentials of user docker-user (its token service ${acr.url} answered HTTP 401). ` +
        `The credentials came from the Docker config ${file} (auths: ${acr.host}). Trying Entra ID.\n`,
    );
    expect(run.stderr).toContain("Signed in with the Entra ID access token from DefaultAzureCredential, ");
    expect(acr.signIns()).toEqual(["docker-user", ZERO_GUID]);
    expect(mockIdentity.loads).toBe(loads + 1);
    expectNoSecrets(run);
  });

  it("goes on without credentials when DefaultAzureCredential finds no identity, and says how to give some", async () => {
    mockIdentity.token = () =>
      Promise.reject(Object.assign(new Error("ChainedTokenCredential authentication failed."), { name: "AggregateAuthenticationError" }));
    const run = await runCli(["list", "--registry", acr.url], { env: {} });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("Note: DefaultAzureCredential found no Azure identity");
    expect(run.stderr).toContain(`${acr.url} requires credentials`);
    expect(run.stderr).toContain("--access-token-stdin");
    expect(acr.exchanges()).toEqual([]);
  });

  it("asks an injected token source only when no other source gives credentials", async () => {
    const getToken = jest.fn((scope: string) => Promise.resolve(scope === ACR_SCOPE ? AAD_TOKEN : ""));
    const entra = { name: "a test source", getToken };
    let stderr = "";
    const io = { stdin: Readable.from([]), stderr: { write: (text: string) => (stderr += text) }, env: {} };
    const url = new URL(acr.url);

    const fromEnv = await signIn({ url }, { ...io, env: { REGISTRY_USERNAME: "env-user", REGISTRY_PASSWORD: "env-Pa55" } }, { entra });
    expect(fromEnv).toEqual(ACR_USERS.env);
    expect(getToken).not.toHaveBeenCalled();

    const fromEntra = await signIn({ url }, io, { entra });
    expect(fromEntra).toEqual({ username: ZERO_GUID, password: REFRESH_TOKEN });
    expect(getToken).toHaveBeenCalledWith(ACR_SCOPE);
    expect(stderr).toBe(`Signed in with the Entra ID access token from a test source, object ID ${OBJECT_ID}, tenant ${TENANT}.\n`);
  });
});

describe("explicit sources never fall back", () => {
  it("names --username and --password-stdin when the registry refuses them, and tries nothing else", async () => {
    const loads = mockIdentity.loads;
    const { env } = await dockerSetup({ auths: { [acr.host]: ACR_USERS.docker } });
    const run = await runCli(["list", "--registry", acr.url, "--username", "flag-user", "--password-stdin"], {
      env: { ...env, REGISTRY_USERNAME: ACR_USERS.env.username, REGISTRY_PASSWORD: ACR_USERS.env.password },
      stdin: "wrong-Pa55\n",
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `images list: ${acr.url} refused the credentials of user flag-user (its token service ${acr.url} answered HTTP 401). ` +
        "The credentials came from --username and --password-stdin; no other source was tried.\n",
    );
    expect(acr.signIns()).toEqual(["flag-user"]);
    expectIdentityNotLoaded(loads);
    expect(run.stderr).not.toContain("wrong-Pa55");
    expectNoSecrets(run);
  });

  it("does the same on a registry with basic authentication", async () => {
    const { env } = await dockerSetup({ auths: { [registryHost]: { auth: basicAuth(USER) } } });
    const run = await runCli(["list", "--registry", registry.url, "--username", USER.username], {
      env: { ...env, REGISTRY_PASSWORD: "not-carols" },
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`images list: ${registry.url} refused the credentials of user ${USER.username} (`);
    expect(run.stderr).toContain(". The credentials came from --username and REGISTRY_PASSWORD; no other source was tried.\n");
    expect(run.stderr).not.toContain("Signed in");
    expectNoSecrets(run);
  });
});

describe("--access-token-stdin", () => {
  it("exchanges the Entra access token at ACR for a refresh token and signs in with it", async () => {
    const loads = mockIdentity.loads;
    const run = await runCli(["list", "--registry", acr.url, "--access-token-stdin", "--json"], { env: {}, stdin: `${AAD_TOKEN}\n` });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual(["team/app"]);
    expect(run.stderr).toBe(
      `Signed in with the Entra ID access token from --access-token-stdin, object ID ${OBJECT_ID}, tenant ${TENANT}.\n`,
    );
    expect(acr.exchanges()).toEqual([{ grant_type: "access_token", service: acr.host, access_token: AAD_TOKEN, tenant: TENANT }]);
    expect(acr.signIns()).toEqual([ZERO_GUID]);
    expectIdentityNotLoaded(loads);
    expectNoSecrets(run);
  });

  it("names --access-token-stdin when ACR refuses the token, and tries nothing else", async () => {
    const loads = mockIdentity.loads;
    const { env } = await dockerSetup({ auths: { [acr.host]: ACR_USERS.docker } });
    const wrong = `${AAD_TOKEN.slice(0, -4)}XXXX`;
    const run = await runCli(["list", "--access-token-stdin"], {
      env: { ...env, REGISTRY: acr.url, REGISTRY_USERNAME: ACR_USERS.env.username, REGISTRY_PASSWORD: ACR_USERS.env.password },
      stdin: wrong,
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `images list: ${acr.url} refused the Entra ID access token from --access-token-stdin ` +
        `(POST /oauth2/exchange answered HTTP 401: UNAUTHORIZED: the access token is invalid). ` +
        `The token must be for ${ACR_SCOPE} and of an identity in the registry's tenant. No other source was tried.\n`,
    );
    expect(acr.signIns()).toEqual([]);
    expectIdentityNotLoaded(loads);
    expect(run.stderr).not.toContain(wrong);
    expectNoSecrets(run);
  });

  it("is refused for a registry that is not ACR", async () => {
    const run = await runCli(["list", "--registry", registry.url, "--access-token-stdin"], { env: {}, stdin: AAD_TOKEN });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `--access-token-stdin signs in to Azure Container Registry only, and ${registry.url} does not look like one`,
    );
    expectNoSecrets(run);
  });

  it.each([
    [["--username", "someone"], "--access-token-stdin signs in with an Entra access token; leave out --username and --password-stdin"],
    [["--stack-outputs", "-"], "stdin can carry the access token or the stack outputs, not both"],
  ])("refuses %j alongside it as a usage error", async (extra, message) => {
    const run = await runCli(["list", "--registry", acr.url, "--access-token-stdin", ...extra], { env: {}, stdin: AAD_TOKEN });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(acr.exchanges()).toEqual([]);
  });

  it("says when stdin is empty", async () => {
    const run = await runCli(["list", "--registry", acr.url, "--access-token-stdin"], { env: {}, stdin: "\n" });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--access-token-stdin: stdin is empty");
  });
});

// ---------------------------------------------------------------------------------------------
// A server that answers as ACR does for signing in and listing: `GET /v2/` challenges with
// ACR's realm, `POST /oauth2/exchange` trades an Entra token for a refresh token, `GET
// /oauth2/token` takes basic credentials (a user's, or the empty GUID with a refresh or identity
// token) and issues an access token, and `GET /v2/_catalog` wants that token.

interface FakeAcr {
  url: string;
  host: string;
  /** The user names sent to the token service, accepted or not, each once, in the order first seen. */
  signIns(): string[];
  /** The forms posted to /oauth2/exchange. */
  exchanges(): Array<Record<string, string>>;
  /** The access tokens handed out, which are secrets too. */
  issued(): string[];
  reset(): void;
  stop(): Promise<void>;
}

async function startFakeAcr(): Promise<FakeAcr> {
  let signIns: string[] = [];
  let exchanges: Array<Record<string, string>> = [];
  const issued = new Set<string>();
  let host = "";
  let url = "";

  const json = (response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
    response.writeHead(status, { "content-type": "application/json", ...headers });
    response.end(JSON.stringify(body));
  };
  const challenge = (response: ServerResponse, scope?: string): void =>
    json(
      response,
      401,
      { errors: [{ code: "UNAUTHORIZED", message: "authentication required" }] },
      {
        "www-authenticate": `Bearer realm="${url}/oauth2/token",service="${host}"${scope ? `,scope="${scope}"` : ""}`,
      },
    );
  const bearer = (request: IncomingMessage): boolean => issued.has(/^Bearer (.+)$/.exec(request.headers.authorization ?? "")?.[1] ?? "");
  const body = async (request: IncomingMessage): Promise<string> => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString("utf8");
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const path = new URL(request.url ?? "/", url);
    if (request.method === "GET" && path.pathname === "/v2/") {
      if (bearer(request)) json(response, 200, {});
      else challenge(response);
    } else if (request.method === "POST" && path.pathname === "/oauth2/exchange") {
      const form = Object.fromEntries(new URLSearchParams(await body(request)));
      exchanges.push(form);
      const valid = request.headers["content-type"] === "application/x-www-form-urlencoded" && form.grant_type === "access_token";
      if (valid && form.service === host && form.access_token === AAD_TOKEN) json(response, 200, { refresh_token: REFRESH_TOKEN });
      else json(response, 401, { errors: [{ code: "UNAUTHORIZED", message: "the access token is invalid" }] });
    } else if (request.method === "GET" && path.pathname === "/oauth2/token") {
      const decoded = Buffer.from(/^Basic (.+)$/.exec(request.headers.authorization ?? "")?.[1] ?? "", "base64").toString("utf8");
      const colon = decoded.indexOf(":");
      const [username, password] = colon < 0 ? ["", ""] : [decoded.slice(0, colon), decoded.slice(colon + 1)];
      if (username) signIns.push(username);
      const known = Object.values(ACR_USERS).some((user) => user.username === username && user.password === password);
      const token = username === ZERO_GUID && (password === REFRESH_TOKEN || password === IDENTITY_TOKEN);
      if (path.searchParams.get("service") === host && (known || token)) {
        const accessToken = `acr-access-${issued.size}-${Math.random().toString(36).slice(2)}`;
        issued.add(accessToken);
        json(response, 200, { access_token: accessToken, expires_in: 300 });
      } else {
        json(response, 401, { errors: [{ code: "UNAUTHORIZED", message: "authentication required" }] });
      }
    } else if (request.method === "GET" && path.pathname === "/v2/_catalog") {
      if (bearer(request)) json(response, 200, { repositories: ["team/app"] });
      else challenge(response, "registry:catalog:*");
    } else {
      json(response, 404, { errors: [{ code: "NOT_FOUND", message: "no such thing here" }] });
    }
  };

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => json(response, 500, { error: String(error) }));
  });
  const port = await listenOnLoopback(server);
  host = `127.0.0.1:${port}`;
  url = `http://${host}`;
  return {
    url,
    host,
    signIns: () => [...new Set(signIns)],
    exchanges: () => exchanges,
    issued: () => [...issued],
    reset: () => {
      signIns = [];
      exchanges = [];
    },
    stop: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe("where an Entra access token may go", () => {
  test.each([
    ["https://myreg.azurecr.io", true, undefined],
    ["https://myreg.azurecr.cn", true, undefined],
    ["http://127.0.0.1:5000", true, undefined],
    ["http://myreg.azurecr.io", false, "http://myreg.azurecr.io is not https"],
    ["https://registry.example.com", true, "registry.example.com is not an ACR login server"],
    // Handed over explicitly (--access-token-stdin): any https registry the user names.
    ["https://registry.example.com", false, undefined],
  ])("%s (found by the tool: %s)", (url, found, refusal) => {
    const reason = entraTokenRefusal(new URL(url), found);
    if (refusal === undefined) expect(reason).toBeUndefined();
    else expect(reason).toContain(refusal);
  });
});
