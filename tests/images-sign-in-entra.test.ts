/**
 * Signing in to ACR with an Entra access token handed over on stdin (--access-token-stdin), and
 * which registries the tool may send such a token to, against a real CNCF Distribution registry
 * (basic auth) and a local server that answers as ACR's token service does.
 */
import { entraTokenRefusal } from "../tools/images/auth/acr-entra";
import { runCli } from "./support/registry-cli";
import {
  AAD_TOKEN,
  acr,
  ACR_SCOPE,
  ACR_USERS,
  dockerSetup,
  expectIdentityNotLoaded,
  expectNoSecrets,
  mockIdentity,
  OBJECT_ID,
  registry,
  TENANT,
  useSignInServers,
  ZERO_GUID,
} from "./support/sign-in-fixtures";

useSignInServers();

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
