// The pull-through cache (components/parts/cache.ts): what is refused, what is declared, and what
// the offline plan shows. The rules come from Microsoft's artifact cache pages
// (MicrosoftDocs/azure-management-docs articles/container-registry at 77ed42b) and the ARM spec
// (Azure/azure-rest-api-specs Registry/CacheRule.tsp, CredentialSet.tsp); cache.ts cites each.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ContainerRegistry } from "../components";
import { KEY_VAULT_SECRETS_USER } from "../components/azure-facts";
import { ContainerRegistryArgs } from "../components/args";
import { MOCK_SECRET_PREFIX, ProgramRun } from "../testing";
import { mockGuid } from "../testing/azure-mocks";
import { runProgram } from "../testing/harness";
import { manualSteps } from "../tools/plan/steps";
import { ROOT, T } from "./support/stacks";
import { messageFor } from "./support/validation";
import { runPlan } from "./support/plan-documents";

const VAULT_ID =
  "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/secrets/providers/Microsoft.KeyVault/vaults/upstream-kv";
const secret = (vault: string, name: string) => `https://${vault}.vault.azure.net/secrets/${name}`;
const DOCKER_HUB = {
  name: "dockerhub",
  loginServer: "docker.io",
  usernameSecretId: secret("upstream-kv", "dockerhub-user"),
  passwordSecretId: secret("upstream-kv", "dockerhub-token"),
};
const NGINX = { name: "nginx", source: "docker.io/library/nginx", target: "nginx", credentialSet: "dockerhub" };

describe("refused, each with one message naming the setting", () => {
  const cases: [string, ContainerRegistryArgs, string][] = [
    [
      "a rule naming an unknown credential set",
      { credentialSets: [DOCKER_HUB], cacheRules: [{ ...NGINX, credentialSet: "dockerhb" }] },
      'cacheRules[0].credentialSet: "dockerhb" is not a credential set: credentialSets declares dockerhub (did you mean dockerhub?)',
    ],
    [
      "a rule naming a credential set when there is none",
      { cacheRules: [NGINX] },
      'cacheRules[0].credentialSet: "dockerhub" is not a credential set: credentialSets declares none',
    ],
    [
      "a rule whose credential set is for another upstream",
      {
        credentialSets: [{ ...DOCKER_HUB, name: "github", loginServer: "ghcr.io" }],
        cacheRules: [{ ...NGINX, credentialSet: "github" }],
      },
      'cacheRules[0].credentialSet: "github" signs in to ghcr.io, but source "docker.io/library/nginx" pulls from docker.io: use a credential set for docker.io',
    ],
    [
      "an upstream artifact cache does not support",
      { cacheRules: [{ name: "private", source: "registry.example.com/app", target: "app" }] },
      'cacheRules[0].source: "registry.example.com/app" is not allowed: artifact cache pulls from docker.io, dhi.io, mcr.microsoft.com, public.ecr.aws, ghcr.io, quay.io, registry.k8s.io, *.pkg.dev, gcr.io, nvcr.io, registry.redhat.io or registry.access.redhat.com (a Google Artifact Registry host is <location>-docker.pkg.dev)',
    ],
    [
      "another Azure Container Registry as upstream (needs the cache rule's managed identity)",
      { cacheRules: [{ name: "upstream", source: "contoso.azurecr.io/app", target: "app" }] },
      'cacheRules[0].source: "contoso.azurecr.io/app" is not allowed: an Azure Container Registry upstream signs in with a managed identity on the cache rule (API 2026-01-01-preview), which this component does not declare',
    ],
    [
      "a malformed upstream repository",
      { cacheRules: [{ name: "nginx", source: "mcr.microsoft.com/Dotnet//sdk", target: "sdk" }] },
      'cacheRules[0].source: "mcr.microsoft.com/Dotnet//sdk" is not allowed: use <login server>/<repository>, the repository lower-case path segments',
    ],
    [
      "a source with no repository",
      { cacheRules: [{ name: "dotnet", source: "mcr.microsoft.com", target: "dotnet" }] },
      'cacheRules[0].source: "mcr.microsoft.com" is not allowed: use <login server>/<repository>',
    ],
    [
      "a wildcard source onto a single target repository",
      { cacheRules: [{ name: "dotnet", source: "mcr.microsoft.com/dotnet/*", target: "dotnet" }] },
      'cacheRules[0].target: "dotnet" is not allowed with source "mcr.microsoft.com/dotnet/*": a wildcard maps a path onto a path, so source and target both end in /* or neither does',
    ],
    [
      "Docker Hub without a credential set (authenticated pulls only)",
      { cacheRules: [{ name: "nginx", source: "docker.io/library/nginx", target: "nginx" }] },
      "cacheRules[0].credentialSet: is missing: Docker Hub (docker.io) allows authenticated pulls only; name a credentialSets entry for it",
    ],
    [
      "credentials for an upstream that takes none",
      { credentialSets: [{ ...DOCKER_HUB, loginServer: "mcr.microsoft.com" }] },
      'credentialSets[0].loginServer: "mcr.microsoft.com" is not allowed: Microsoft Artifact Registry allows unauthenticated pulls only, so artifact cache takes no credentials for it',
    ],
    [
      "a rule with credentials for an upstream that takes none",
      { cacheRules: [{ name: "dotnet", source: "mcr.microsoft.com/dotnet/sdk", target: "sdk", credentialSet: "dockerhub" }] },
      'cacheRules[0].credentialSet: "dockerhub" is not allowed: Microsoft Artifact Registry allows unauthenticated pulls only; leave credentialSet out',
    ],
    [
      "a duplicate target",
      {
        cacheRules: [
          { name: "dotnet-sdk", source: "mcr.microsoft.com/dotnet/sdk", target: "dotnet/sdk" },
          { name: "dotnet-sdk-2", source: "mcr.microsoft.com/dotnet/nightly/sdk", target: "dotnet/sdk" },
        ],
      },
      'cacheRules: "dotnet/sdk" appears twice: each target repository must be unique',
    ],
    [
      "overlapping wildcard targets",
      {
        cacheRules: [
          { name: "mcr-all", source: "mcr.microsoft.com/*", target: "*" },
          { name: "dotnet", source: "mcr.microsoft.com/dotnet/*", target: "dotnet/*" },
        ],
      },
      'cacheRules[1].target: "dotnet/*" overlaps "*" of cacheRules[0]: wildcard rules may not cover one another\'s repositories (a rule without a wildcard may)',
    ],
    [
      "duplicate rule names",
      {
        cacheRules: [
          { name: "dotnet", source: "mcr.microsoft.com/dotnet/sdk", target: "sdk" },
          { name: "DotNet", source: "mcr.microsoft.com/dotnet/runtime", target: "runtime" },
        ],
      },
      'cacheRules: "DotNet" appears twice: each cache rule name must be unique (names ignore case)',
    ],
    [
      "duplicate credential set names",
      { credentialSets: [DOCKER_HUB, { ...DOCKER_HUB, name: "DockerHub" }] },
      'credentialSets: "DockerHub" appears twice: each credential set name must be unique (names ignore case)',
    ],
    [
      "a rule name Azure refuses",
      { cacheRules: [{ name: "nginx_cache", source: "mcr.microsoft.com/dotnet/sdk", target: "sdk" }] },
      "cacheRules[0].name: \"nginx_cache\" is not allowed: use 5 to 50 letters, digits and '-'",
    ],
    [
      "a secret URI that is not a Key Vault secret",
      { credentialSets: [{ ...DOCKER_HUB, passwordSecretId: "https://upstream-kv.vault.azure.net/keys/dockerhub" }] },
      'credentialSets[0].passwordSecretId: "https://upstream-kv.vault.azure.net/keys/dockerhub" is not allowed: use a Key Vault secret URI such as https://my-vault.vault.azure.net/secrets/dockerhub-username',
    ],
    [
      "a missing secret URI",
      { credentialSets: [{ ...DOCKER_HUB, usernameSecretId: undefined as unknown as string }] },
      "credentialSets[0].usernameSecretId: is missing: use a Key Vault secret URI",
    ],
    [
      "a vault id that is not a Key Vault's",
      {
        credentialSets: [{ ...DOCKER_HUB, keyVaultId: "/subscriptions/s/resourceGroups/g/providers/Microsoft.Storage/storageAccounts/kv" }],
      },
      'credentialSets[0].keyVaultId: "/subscriptions/s/resourceGroups/g/providers/Microsoft.Storage/storageAccounts/kv" is not allowed: use a Key Vault\'s ARM id',
    ],
    [
      "a vault that does not hold the secrets",
      { credentialSets: [{ ...DOCKER_HUB, keyVaultId: VAULT_ID.replace("upstream-kv", "other-kv") }] },
      'credentialSets[0].keyVaultId: "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/secrets/providers/Microsoft.KeyVault/vaults/other-kv" is vault "other-kv", but usernameSecretId is in vault "upstream-kv"',
    ],
    [
      "trusted services blocked on a network-restricted registry",
      { sku: "Premium", ipRules: ["203.0.113.0/24"], trustedServicesBypass: false, credentialSets: [DOCKER_HUB], cacheRules: [NGINX] },
      "trustedServicesBypass: false is not allowed with cacheRules on a network-restricted registry: artifact cache fills the registry as a trusted Azure service",
    ],
  ];
  test.each(cases)("%s", (_, args, expected) => {
    expect(messageFor({ location: "westeurope", ...args })).toContain(expected);
  });

  test("more than 1,000 rules", () => {
    const rules = Array.from({ length: 1001 }, (_, i) => ({ name: `rule-${i}`, source: `quay.io/team/app${i}`, target: `app${i}` }));
    expect(messageFor({ cacheRules: rules })).toBe("cacheRules: has 1001 rules: a registry takes at most 1000");
  });

  test("accepted: rules on any SKU, registry- and repository-level wildcards, a static rule under a wildcard, Docker Hub without library/", () => {
    expect(
      messageFor({
        location: "westeurope",
        sku: "Basic",
        credentialSets: [DOCKER_HUB, { ...DOCKER_HUB, name: "google", loginServer: "europe-docker.pkg.dev" }],
        cacheRules: [
          { name: "mcr-all", source: "mcr.microsoft.com/*", target: "*" },
          { name: "dotnet-sdk", source: "mcr.microsoft.com/dotnet/sdk", target: "dotnet/sdk" },
          { name: "docker-hub", source: "docker.io/nginx", target: "hub/nginx", credentialSet: "DockerHub" },
          { name: "google-artifacts", source: "europe-docker.pkg.dev/project/repo/app", target: "gar/app", credentialSet: "google" },
          { name: "kubernetes", source: "registry.k8s.io/ingress-nginx/controller", target: "ingress-nginx/controller" },
        ],
      }),
    ).toBeUndefined();
  });
});

describe("declared", () => {
  let run: ProgramRun;
  const component = `urn:pulumi:cache::acr-infra::${T.component}::acr`;
  const of = (type: string) => run.resources.filter((r) => r.type === type && r.parent === component);
  const named = (type: string, name: string) => of(type).find((r) => r.name === name)!;

  beforeAll(async () => {
    run = await runProgram({
      stack: "cache",
      program: () => {
        new ContainerRegistry("acr", {
          location: "westeurope",
          sku: "Standard",
          servicePrincipal: { enabled: false },
          credentialSets: [
            { ...DOCKER_HUB, keyVaultId: VAULT_ID },
            {
              ...DOCKER_HUB,
              name: "github",
              loginServer: "ghcr.io",
              usernameSecretId: secret("team-kv", "u"),
              passwordSecretId: secret("team-kv", "p"),
            },
          ],
          cacheRules: [NGINX, { name: "dotnet", source: "mcr.microsoft.com/dotnet/*", target: "dotnet/*" }],
        });
        return {};
      },
    });
  });

  test("a credential set per entry, with a system-assigned identity and the two secret URIs as Credential1", () => {
    expect(of(T.credentialSet).map((r) => r.name)).toEqual(["acr-credset-dockerhub", "acr-credset-github"]);
    expect(named(T.credentialSet, "acr-credset-dockerhub").inputs).toEqual({
      registryName: expect.any(String),
      resourceGroupName: expect.any(String),
      credentialSetName: "dockerhub",
      loginServer: "docker.io",
      authCredentials: [
        {
          name: "Credential1",
          usernameSecretIdentifier: DOCKER_HUB.usernameSecretId,
          passwordSecretIdentifier: DOCKER_HUB.passwordSecretId,
        },
      ],
      identity: { type: "SystemAssigned" },
    });
  });

  test("Key Vault Secrets User on the given vault for that credential set's identity, and no grant where no vault is given", () => {
    const grants = of(T.roleAssignment);
    expect(grants.map((g) => g.name)).toEqual(["acr-credset-dockerhub-secrets"]);
    expect(grants[0].inputs).toMatchObject({
      scope: VAULT_ID,
      // The principal the mocks give the credential set's system-assigned identity.
      principalId: mockGuid("credential-set-principal:dockerhub"),
      principalType: "ServicePrincipal",
      roleDefinitionId: `/subscriptions/11111111-2222-3333-4444-555555555555/providers/Microsoft.Authorization/roleDefinitions/${KEY_VAULT_SECRETS_USER.id}`,
    });
    expect(grants[0].inputs.roleAssignmentName).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  test("cache rules: source, target, the credential set's id, and waiting for its grant", () => {
    const nginx = named(T.cacheRule, "acr-cache-nginx");
    const set = named(T.credentialSet, "acr-credset-dockerhub");
    expect(nginx.inputs).toMatchObject({
      cacheRuleName: "nginx",
      sourceRepository: "docker.io/library/nginx",
      targetRepository: "nginx",
      credentialSetResourceId: expect.stringMatching(
        /\/providers\/Microsoft\.ContainerRegistry\/registries\/[a-z0-9]+\/credentialSets\/dockerhub$/,
      ),
    });
    expect(nginx.dependsOn).toEqual(expect.arrayContaining([set.urn, named(T.roleAssignment, "acr-credset-dockerhub-secrets").urn]));
    const dotnet = named(T.cacheRule, "acr-cache-dotnet");
    expect(dotnet.inputs).not.toHaveProperty("credentialSetResourceId");
    expect(dotnet.inputs).toMatchObject({ sourceRepository: "mcr.microsoft.com/dotnet/*", targetRepository: "dotnet/*" });
  });

  test("nothing secret: the secret URIs name secrets, their values never pass through the stack", () => {
    for (const resource of [...of(T.credentialSet), ...of(T.cacheRule), ...of(T.roleAssignment)]) {
      expect({ name: resource.name, secrets: resource.secretFingerprints }).toEqual({ name: resource.name, secrets: {} });
      expect(JSON.stringify(resource.inputs)).not.toContain(MOCK_SECRET_PREFIX);
    }
  });

  test("the manual steps name the vault left to grant, and not the one granted", () => {
    const steps = manualSteps(run.resources, {});
    const grants = steps.filter((s) => s.startsWith("Grant credential set"));
    expect(grants).toEqual([expect.stringContaining("Grant credential set github's identity Key Vault Secrets User on key vault team-kv")]);
    expect(steps).toContainEqual(expect.stringContaining("Store each credential set's upstream username and password"));
    expect(steps).toContainEqual(expect.stringContaining("needs to create role assignments on key vault upstream-kv as well"));
  });
});

test("a grant on a vault covers only the credential set it is for: another set reading that vault still gets its step", async () => {
  const run = await runProgram({
    stack: "cache-shared-vault",
    program: () => {
      new ContainerRegistry("acr", {
        location: "westeurope",
        servicePrincipal: { enabled: false },
        credentialSets: [
          { ...DOCKER_HUB, keyVaultId: VAULT_ID },
          { ...DOCKER_HUB, name: "github", loginServer: "ghcr.io" },
        ],
        cacheRules: [NGINX],
      });
    },
  });
  const grants = manualSteps(run.resources, {}).filter((step) => step.startsWith("Grant credential set"));
  expect(grants).toEqual([
    expect.stringContaining("Grant credential set github's identity Key Vault Secrets User on key vault upstream-kv"),
  ]);
});

describe("the offline plan", () => {
  const STACK = path.join(ROOT, "tests", "fixtures", "cache-stack", "Pulumi.cache.yaml");

  test("shows the credential sets, the grant, the rules and the step left by hand; exit 0", () => {
    const result = runPlan("--config", STACK, "--stack", "cache");
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    for (const line of [
      `${T.credentialSet} acr-credset-dockerhub`,
      "authCredentials[0].usernameSecretIdentifier: https://acr-upstream-kv.vault.azure.net/secrets/dockerhub-username",
      `${T.roleAssignment} acr-credset-dockerhub-secrets`,
      `roleDefinitionId: /subscriptions/11111111-2222-3333-4444-555555555555/providers/Microsoft.Authorization/roleDefinitions/${KEY_VAULT_SECRETS_USER.id}`,
      `${T.cacheRule} acr-cache-docker-library`,
      "sourceRepository: docker.io/library/*",
      "targetRepository: library/*",
      "Grant credential set github's identity Key Vault Secrets User on key vault team-kv",
    ]) {
      expect(result.stdout).toContain(line);
    }
  });

  test("exit 1 for a rule naming an unknown credential set, with the message and no stack trace", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "acr-cache-"));
    const file = path.join(dir, "Pulumi.cache.yaml");
    fs.writeFileSync(file, fs.readFileSync(STACK, "utf8").replace("credentialSet: github", "credentialSet: gitlab"));
    const result = runPlan("--config", file, "--stack", "cache");
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      'error: acr-infra:cacheRules[3].credentialSet: "gitlab" is not a credential set: credentialSets declares dockerhub or github (did you mean github?)\n',
    );
  });
});
