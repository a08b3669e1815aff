/**
 * Where the image tool finds credentials in the Docker config (auths, credHelpers, credsStore,
 * identity tokens), with fake `docker-credential-*` programs on PATH, against a real CNCF
 * Distribution registry (basic auth) and a local server that answers as ACR's token service does.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { runCli } from "./support/registry-cli";
import {
  acr,
  basicAuth,
  dockerSetup,
  expectIdentityNotLoaded,
  expectNoSecrets,
  helperAnswer,
  helperCalls,
  IDENTITY_TOKEN,
  mockIdentity,
  registry,
  registryHost,
  scratch,
  USER,
  useSignInServers,
  ZERO_GUID,
} from "./support/sign-in-fixtures";

useSignInServers();

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
    const { code, stdout, stderr } = await runCli(["list", "--registry", registry.url], { homeDir: home });
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
