import { ContainerRegistry } from "../components";
import { privateEndpointName } from "../components/parts/private-endpoints";
import { githubSubject } from "../components/parts/ci-principal";
import { ProgramRun } from "../testing";
import { runProgram } from "../testing/harness";
import { T, registrySettings } from "./support/stacks";

const SUBNET =
  "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/vnet/subnets/pe";
const IDENTITY =
  "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/sec/providers/Microsoft.ManagedIdentity/userAssignedIdentities/acr-cmk";
const IDENTITY_CLIENT_ID = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";

let run: ProgramRun;
let locked: ContainerRegistry;

beforeAll(async () => {
  run = await runProgram({
    stack: "features",
    program: () => {
      // Private, encrypted, with webhooks and scoped tokens.
      locked = new ContainerRegistry("locked", {
        sku: "Premium",
        location: "westeurope",
        privateEndpoints: [{ subnetId: SUBNET }],
        encryption: {
          keyVaultKeyId: "https://acr-keys.vault.azure.net/keys/registry",
          identityId: IDENTITY,
          identityClientId: IDENTITY_CLIENT_ID,
        },
        identity: { systemAssigned: true },
        quarantine: true,
        armAudienceTokensEnabled: true,
        webhooks: [{ name: "deploybot", serviceUri: "https://hooks.example.com/acr?token=abc", actions: ["push"], scope: "app:*" }],
        scopeMaps: [
          {
            name: "app-readers",
            actions: ["repositories/app/content/read"],
            tokens: [{ name: "partner-pull" }, { name: "audit-pull", enabled: false }],
          },
        ],
        servicePrincipal: { credential: "federated", github: { repository: "contoso/app", branch: "main" } },
      });
      // Soft delete on Standard, which needs neither retention nor replicas.
      new ContainerRegistry("soft", { sku: "Standard", location: "westeurope", softDeleteDays: 7, servicePrincipal: { enabled: false } });
      return {};
    },
  });
});

const of = (component: string, type: string) =>
  run.resources.filter((r) => r.type === type && r.parent === `urn:pulumi:features::acr-infra::${T.component}::${component}`);

describe("network", () => {
  test("private endpoints and no IP rules: public access Disabled and exports disabled by default", () => {
    const [registry] = of("locked", T.registry);
    expect(registrySettings(registry)).toMatchObject({
      publicNetworkAccess: "Disabled",
      networkRuleSet: { defaultAction: "Allow", ipRules: [] },
    });
    expect((registrySettings(registry).policies as Record<string, unknown>).exportPolicy).toEqual({ status: "disabled" });
    const [endpoint] = of("locked", T.privateEndpoint);
    expect(endpoint.inputs.subnet).toMatchObject({ id: SUBNET });
    expect(endpoint.name).toBe(privateEndpointName("locked", SUBNET));
    expect(endpoint.dependsOn).toContain(registry.urn);
    // No DNS zone given: DNS is managed elsewhere, so no zone group.
    expect(of("locked", T.privateDnsZoneGroup)).toEqual([]);
  });
});

describe("stable names and settings Azure cannot change in place", () => {
  const other = SUBNET.replace("/subnets/pe", "/subnets/pe2");

  test("a private endpoint is named from its subnet, so reordering the list moves nothing", () => {
    expect(privateEndpointName("locked", SUBNET)).toMatch(/^locked-pe-vnet-pe-[0-9a-f]{8}$/);
    const names = (subnets: string[]) => subnets.map((id) => privateEndpointName("locked", id));
    expect(names([SUBNET, other])).toEqual(names([other, SUBNET]).reverse());
    // The same names in another network stay apart.
    expect(privateEndpointName("locked", SUBNET.replace("/resourceGroups/net/", "/resourceGroups/net2/"))).not.toBe(
      privateEndpointName("locked", SUBNET),
    );
  });

  test("a long network and subnet name still leaves room for azure-native's suffix in Azure's 64 characters", () => {
    const long = SUBNET.replace(
      "/virtualNetworks/vnet/subnets/pe",
      "/virtualNetworks/vnet-hub-westeurope-001/subnets/snet-private-endpoints",
    );
    const name = privateEndpointName("registry", long);
    expect(name.length).toBeLessThanOrEqual(55);
    expect(name).toMatch(/^registry-pe-vnet-hub-westeurope-001-snet-priva[a-z-]*-[0-9a-f]{8}$/);
    expect(name).not.toBe(privateEndpointName("registry", long.replace("snet-private-endpoints", "snet-private-endpoints-2")));
  });

  test("adding or removing a customer-managed key replaces the registry, old one first (its name is global)", () => {
    const [registry] = of("locked", T.registry);
    expect(registrySettings(registry).encryption).toMatchObject({ status: "enabled" });
    expect(registrySettings(of("soft", T.registry)[0]).encryption).toEqual({ status: "disabled" });
    expect(registry.replaceOnChanges).toEqual(expect.arrayContaining(["properties.encryption.status", "location"]));
    expect(registry.deleteBeforeReplace).toBe(true);
  });

  test("the audit-log storage account, whose name is global too, is deleted before its replacement", () => {
    const [account] = of("locked", T.storageAccount);
    expect(account.deleteBeforeReplace).toBe(true);
  });

  test("zone redundancy, which Azure may read back as Disabled, is never updated", () => {
    const [registry] = of("locked", T.registry);
    expect(registry.ignoreChanges).toContain("properties.zoneRedundancy");
  });
});

describe("content policies", () => {
  test("quarantine and ARM-audience tokens follow the settings, set explicitly", () => {
    const [registry] = of("locked", T.registry);
    expect(registrySettings(registry).policies).toMatchObject({
      quarantinePolicy: { status: "enabled" },
      azureADAuthenticationAsArmPolicy: { status: "enabled" },
      retentionPolicy: { status: "disabled" },
    });
  });

  test("soft delete on a Standard registry, and no Premium-only policies below Premium", () => {
    const [registry] = of("soft", T.registry);
    expect(registrySettings(registry).policies).toEqual({
      azureADAuthenticationAsArmPolicy: { status: "disabled" },
      softDeletePolicy: { status: "enabled", retentionDays: 7 },
    });
    expect(registrySettings(registry).networkRuleSet).toBeUndefined();
  });
});

describe("encryption and identity", () => {
  test("a customer-managed key with its user-assigned identity added to the registry's identities", () => {
    const [registry] = of("locked", T.registry);
    expect(registrySettings(registry).encryption).toEqual({
      status: "enabled",
      keyVaultProperties: { keyIdentifier: "https://acr-keys.vault.azure.net/keys/registry", identity: IDENTITY_CLIENT_ID },
    });
    expect(registry.inputs.identity).toEqual({ type: "SystemAssigned, UserAssigned", userAssignedIdentities: [IDENTITY] });
  });
});

describe("webhooks and scoped tokens", () => {
  test("a webhook with its actions and scope; the URI (which carries a token) is a secret", () => {
    const [webhook] = of("locked", T.webhook);
    expect(webhook.inputs).toMatchObject({
      webhookName: "deploybot",
      actions: ["push"],
      scope: "app:*",
      status: "enabled",
      serviceUri: "[secret]",
    });
    expect(JSON.stringify(run.resources)).not.toContain("token=abc");
    expect(webhook.additionalSecretOutputs).toEqual(["serviceUri"]);
  });

  test("a scope map with its actions and tokens; whatever credentials come back stay secret in state", () => {
    const [scopeMap] = of("locked", T.scopeMap);
    expect(scopeMap.inputs).toMatchObject({ scopeMapName: "app-readers", actions: ["repositories/app/content/read"] });
    const tokens = of("locked", T.token);
    expect(tokens.map((t) => [t.inputs.tokenName, t.inputs.status])).toEqual([
      ["audit-pull", "disabled"],
      ["partner-pull", "enabled"],
    ]);
    for (const token of tokens) {
      expect(token.dependsOn).toContain(scopeMap.urn);
      // Passwords are generated outside the PUT (generateCredentials); none is asked for here.
      expect(token.inputs.credentials).toBeUndefined();
      expect(token.additionalSecretOutputs).toEqual(["credentials"]);
    }
  });
});

describe("federated CI identity", () => {
  test("a federated credential for the branch, and neither password nor rotation", () => {
    const [credential] = of("locked", T.federatedCredential);
    const [application] = of("locked", T.application);
    expect(credential.inputs).toMatchObject({
      subject: "repo:contoso/app:ref:refs/heads/main",
      issuer: "https://token.actions.githubusercontent.com",
    });
    expect(credential.dependsOn).toContain(application.urn);
    expect(of("locked", T.password)).toEqual([]);
    expect(locked.servicePrincipalClientSecret).toBeUndefined();
  });

  test("subjects for each kind of GitHub run", () => {
    expect(githubSubject({ repository: "o/r", tag: "v1" })).toBe("repo:o/r:ref:refs/tags/v1");
    expect(githubSubject({ repository: "o/r", environment: "prod" })).toBe("repo:o/r:environment:prod");
    expect(githubSubject({ repository: "o/r", pullRequest: true })).toBe("repo:o/r:pull_request");
  });
});

describe("locks", () => {
  test("no locks unless asked for", () => {
    expect(run.resources.filter((r) => r.type === T.lock)).toEqual([]);
  });
});
