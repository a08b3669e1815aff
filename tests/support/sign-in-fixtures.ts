/**
 * What the image tool's sign-in tests share: the credentials, a real CNCF Distribution registry
 * (basic auth) and a fake ACR (tests/support/fake-acr.ts), the stand-in for @azure/identity, and
 * Docker configs with fake `docker-credential-*` programs.
 *
 * Each test file calls `useSignInServers()` once at its top level, which also puts the stand-in in
 * place: the tool loads @azure/identity only when it signs in with it (a dynamic import), so the
 * mock need not be hoisted above the file's imports.
 */
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RegistryClient } from "../../tools/images/registry/client";
import { startFakeAcr, ZERO_GUID, type FakeAcr } from "./fake-acr";
import type { CliRun } from "./registry-cli";
import { daysAgo, pushImage } from "./registry-images";
import { startRegistry, type RegistryServer } from "./registry-server";

export { ZERO_GUID };
export const ACR_SCOPE = "https://containerregistry.azure.net/.default";
export const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
export const OBJECT_ID = "5b1c3f0e-0d4c-4c0e-9a57-6f1f3d2b9e11";

/** An Entra access token as ACR would get it: a JWT whose claims name the tenant and the identity. */
export const AAD_TOKEN = [
  Buffer.from(JSON.stringify({ typ: "JWT", alg: "RS256" })).toString("base64url"),
  Buffer.from(JSON.stringify({ aud: "https://containerregistry.azure.net", tid: TENANT, oid: OBJECT_ID })).toString("base64url"),
  "c2lnbmF0dXJlLW9mLWVudHJh",
].join(".");
export const REFRESH_TOKEN = "acr-refresh-token-4f2a9c";
export const IDENTITY_TOKEN = "docker-identity-token-7d1e0b";

/** Users of the fake ACR, one per source, so the token service's log says which source was used. */
export const ACR_USERS = {
  flag: { username: "flag-user", password: "flag-Pa55" },
  stack: { username: "stack-user", password: "stack-Pa55" },
  env: { username: "env-user", password: "env-Pa55" },
  docker: { username: "docker-user", password: "docker-Pa55" },
};
/** The user of the CNCF registry (htpasswd). */
export const USER = { username: "carol", password: "c4rol-Secret" };

/** Every secret a test hands the tool; none may appear in its output. */
const secrets = [
  AAD_TOKEN,
  REFRESH_TOKEN,
  IDENTITY_TOKEN,
  USER.password,
  Buffer.from(`${USER.username}:${USER.password}`).toString("base64"),
  ...Object.values(ACR_USERS).map((user) => user.password),
];

/**
 * What DefaultAzureCredential does in these tests. `loads` counts how often the tool loaded
 * @azure/identity: modules are reset before each test, so each load runs the mock factory again.
 */
export const mockIdentity = { loads: 0, scopes: [] as string[], token: (_scope: string): Promise<string> => Promise.resolve("") };

/** The module that stands in for @azure/identity; call it from a test file's `jest.mock` factory. */
function mockAzureIdentity() {
  mockIdentity.loads++;
  return {
    DefaultAzureCredential: class {
      getToken(scope: string): Promise<{ token: string; expiresOnTimestamp: number }> {
        mockIdentity.scopes.push(scope);
        return mockIdentity.token(scope).then((token) => ({ token, expiresOnTimestamp: Date.now() + 3_600_000 }));
      }
    },
  };
}

// Set by useSignInServers' beforeAll; imports of them see the values (ES modules' live bindings).
export let registry: RegistryServer;
export let registryHost: string;
export let acr: FakeAcr;
/** A directory for this test file's Docker configs and stack outputs. */
export let scratch: string;

/**
 * Starts the registries before the file's tests and stops them after; before each test, resets
 * the modules (so the tool loads @azure/identity afresh), the stand-in's answers and the fake ACR's log.
 */
export function useSignInServers(): void {
  // DefaultAzureCredential stands in for Azure here: the factory runs each time the tool loads
  // @azure/identity (modules are reset before each test), so a test can tell whether it was loaded.
  jest.mock("@azure/identity", () => mockAzureIdentity());
  beforeAll(async () => {
    registry = await startRegistry({ auth: { htpasswd: [USER] } });
    registryHost = new URL(registry.url).host;
    await pushImage(new RegistryClient({ url: registry.url, credentials: USER }), "team/app", "v1", { created: daysAgo(1) });
    acr = await startFakeAcr({
      users: Object.values(ACR_USERS),
      accessToken: AAD_TOKEN,
      refreshToken: REFRESH_TOKEN,
      identityToken: IDENTITY_TOKEN,
    });
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
}

export function expectNoSecrets(run: CliRun): void {
  for (const secret of [...secrets, ...acr.issued()]) {
    expect(run.stdout).not.toContain(secret);
    expect(run.stderr).not.toContain(secret);
  }
}

export function expectIdentityNotLoaded(loadsBefore: number): void {
  expect(mockIdentity.loads).toBe(loadsBefore);
  expect(mockIdentity.scopes).toEqual([]);
}

let configs = 0;

/** Writes a Docker config (and fake credential helpers beside it); returns the env to run the tool with. */
export async function dockerSetup(
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
export function helperAnswer(host: string, username: string, secret: string): string {
  return `  "${host}") printf '%s' '${JSON.stringify({ ServerURL: host, Username: username, Secret: secret })}' ;;`;
}

export async function helperCalls(dir: string, name: string): Promise<string[]> {
  try {
    return (await readFile(join(dir, `${name}.calls`), "utf8")).split("\n").filter(Boolean);
  } catch {
    return [];
  }
}

export function basicAuth(user: { username: string; password: string }): string {
  return Buffer.from(`${user.username}:${user.password}`).toString("base64");
}
