/**
 * The order in which the image tool takes its credential sources, Entra ID for ACR through
 * DefaultAzureCredential when nothing else gives any, and explicit sources that never fall back,
 * against a real CNCF Distribution registry (basic auth) and a local server that answers as ACR's
 * token service does.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { signIn } from "../tools/images/auth/sign-in";
import { runCli, type CliRun } from "./support/registry-cli";
import {
  AAD_TOKEN,
  acr,
  ACR_SCOPE,
  ACR_USERS,
  basicAuth,
  dockerSetup,
  expectIdentityNotLoaded,
  expectNoSecrets,
  mockIdentity,
  OBJECT_ID,
  REFRESH_TOKEN,
  registry,
  registryHost,
  scratch,
  TENANT,
  USER,
  useSignInServers,
  ZERO_GUID,
} from "./support/sign-in-fixtures";

useSignInServers();

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
