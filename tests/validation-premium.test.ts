import { resolveArgs } from "../components";
import { GUID, messageFor } from "./support/validation";

describe("production features: SKU gates and combinations Azure refuses", () => {
  const SUBNET = "/subscriptions/0/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/vnet/subnets/pe";
  const IDENTITY = "/subscriptions/0/resourceGroups/sec/providers/Microsoft.ManagedIdentity/userAssignedIdentities/cmk";
  test.each<[string, Record<string, unknown>, string]>([
    ["zoneRedundancy on Basic", { sku: "Basic", zoneRedundancy: true }, 'zoneRedundancy: true needs sku Premium; sku is "Basic"'],
    ["ipRules on Standard", { ipRules: ["203.0.113.7"] }, 'ipRules: ["203.0.113.7"] needs sku Premium; sku is "Standard"'],
    ["private endpoints on Standard", { privateEndpoints: [{ subnetId: SUBNET }] }, "privateEndpoints: "],
    ["replicas on Standard", { replicas: [{ location: "northeurope" }] }, "replicas: "],
    ["retentionDays on Standard", { retentionDays: 7 }, 'retentionDays: 7 needs sku Premium; sku is "Standard"'],
    [
      "retentionDays above 365",
      { sku: "Premium", retentionDays: 366 },
      "retentionDays: 366 is not allowed: use a whole number from 0 to 365",
    ],
    ["dataEndpointEnabled on Basic", { sku: "Basic", dataEndpointEnabled: true }, "dataEndpointEnabled: true needs sku Premium"],
    ["public access Disabled on Standard", { publicNetworkAccess: "Disabled" }, 'publicNetworkAccess: "Disabled" needs sku Premium'],
    ["softDeleteDays out of range", { softDeleteDays: 91 }, "softDeleteDays: 91 is not allowed: use a whole number from 0 to 90"],
    [
      "soft delete with retention",
      { sku: "Premium", retentionDays: 7, softDeleteDays: 7 },
      "softDeleteDays: 7 is not allowed together with retentionDays",
    ],
    [
      "soft delete with replicas",
      { sku: "Premium", location: "westeurope", replicas: [{ location: "northeurope" }], softDeleteDays: 7 },
      "softDeleteDays: 7 is not allowed together with replicas",
    ],
    [
      "exports off with public access on",
      { sku: "Premium", exportEnabled: false },
      "exportEnabled: false needs publicNetworkAccess: Disabled",
    ],
    [
      "IP rules with public access off",
      { sku: "Premium", publicNetworkAccess: "Disabled", ipRules: ["10.0.0.0/8"] },
      'ipRules: ["10.0.0.0/8"] is not allowed with publicNetworkAccess: Disabled',
    ],
    [
      "IP rule that is not IPv4",
      { sku: "Premium", ipRules: ["10.0.0.300"] },
      'ipRules[0]: "10.0.0.300" is not allowed: use an IPv4 address or CIDR range',
    ],
    [
      "subnet that is not a subnet id",
      { sku: "Premium", privateEndpoints: [{ subnetId: "pe-subnet" }] },
      'privateEndpoints[0].subnetId: "pe-subnet" is not allowed: use the ARM id of a subnet',
    ],
    [
      "replica in the registry's own region",
      { sku: "Premium", location: "westeurope", replicas: [{ location: "WestEurope" }] },
      'replicas[0].location: "westeurope" is not allowed: it is the registry\'s own region',
    ],
    [
      "key URI with a version",
      {
        sku: "Premium",
        encryption: { keyVaultKeyId: "https://v1.vault.azure.net/keys/k/0123456789abcdef", identityId: IDENTITY, identityClientId: GUID },
      },
      "encryption.keyVaultKeyId: ",
    ],
    [
      "encryption without identity",
      { sku: "Premium", encryption: { keyVaultKeyId: "https://vault1.vault.azure.net/keys/k" } },
      "encryption: needs keyVaultKeyId, identityId and identityClientId",
    ],
    [
      "encryption on Standard",
      { encryption: { keyVaultKeyId: "https://vault1.vault.azure.net/keys/k", identityId: IDENTITY, identityClientId: GUID } },
      "encryption: ",
    ],
    [
      "webhook over http",
      { webhooks: [{ name: "hook1", serviceUri: "http://example.com/hook?token=s3cr3t", actions: ["push"] }] },
      "webhooks[0].serviceUri: is not allowed: use an https:// URI",
    ],
    [
      "webhook action unknown",
      { webhooks: [{ name: "hook1", serviceUri: "https://example.com", actions: ["pull"] }] },
      'webhooks[0].actions[0]: "pull" is not allowed: use push, delete, quarantine, chart_push or chart_delete',
    ],
    [
      "webhook name with dash",
      { webhooks: [{ name: "my-hook", serviceUri: "https://example.com", actions: ["push"] }] },
      'webhooks[0].name: "my-hook" is not allowed: use 5 to 50 letters and digits',
    ],
    ["scope map action", { scopeMaps: [{ name: "readers", actions: ["app:pull"] }] }, 'scopeMaps[0].actions[0]: "app:pull" is not allowed'],
    [
      "token name",
      { scopeMaps: [{ name: "readers", actions: ["repositories/app/content/read"], tokens: [{ name: "ab" }] }] },
      'scopeMaps[0].tokens[0].name: "ab" is not allowed',
    ],
    [
      "federated without github",
      { servicePrincipal: { credential: "federated" } },
      "servicePrincipal.github: is missing: credential federated needs",
    ],
    [
      "federated with two subjects",
      { servicePrincipal: { credential: "federated", github: { repository: "o/r", branch: "main", environment: "prod" } } },
      'servicePrincipal.github: ["branch","environment"] is not allowed: give exactly one of branch, environment, tag or pullRequest',
    ],
    [
      "federated repository",
      { servicePrincipal: { credential: "federated", github: { repository: "just-a-name", branch: "main" } } },
      'servicePrincipal.github.repository: "just-a-name" is not allowed: use owner/repository',
    ],
    [
      "github with a password",
      { servicePrincipal: { github: { repository: "o/r", branch: "main" } } },
      "servicePrincipal.github: is only used with servicePrincipal.credential: federated",
    ],
    [
      "credential kind",
      { servicePrincipal: { credential: "certificate" } },
      'servicePrincipal.credential: "certificate" is not allowed: use password or federated',
    ],
    ["quarantine on Standard", { quarantine: true }, 'quarantine: true needs sku Premium; sku is "Standard"'],
    [
      "webhook names that differ only in case",
      {
        webhooks: [
          { name: "deploy1", serviceUri: "https://a.example.com", actions: ["push"] },
          { name: "Deploy1", serviceUri: "https://b.example.com", actions: ["push"] },
        ],
      },
      'webhooks: "Deploy1" appears twice: each webhook name must be unique (names ignore case)',
    ],
    [
      "one token name in two scope maps",
      {
        scopeMaps: [
          { name: "readers", actions: ["repositories/a/content/read"], tokens: [{ name: "ci-pull" }] },
          { name: "writers", actions: ["repositories/a/content/write"], tokens: [{ name: "ci-pull" }] },
        ],
      },
      'scopeMaps: "ci-pull" appears twice: each token name, across all scope maps, must be unique',
    ],
    [
      "two replicas in one region",
      { sku: "Premium", replicas: [{ location: "northeurope" }, { location: "NorthEurope" }] },
      'replicas: "northeurope" appears twice: each replica region must be unique',
    ],
    [
      "the same grant twice",
      {
        roleAssignments: [
          { principalId: GUID, principalType: "User", role: "AcrPull" },
          { principalId: GUID, principalType: "User", role: "AcrPull" },
        ],
      },
      `roleAssignments: "${GUID} AcrPull" appears twice: each principal and role pair must be unique`,
    ],
    [
      "an empty identity id",
      { identity: { userAssignedIdentityIds: [""] } },
      "identity.userAssignedIdentityIds[0]: is missing: use the ARM id of a user-assigned identity",
    ],
  ])("%s", (_, args, expected) => {
    expect(messageFor(args)).toContain(expected);
  });

  test("an http webhook URI is never echoed: it may carry a token", () => {
    expect(
      messageFor({ webhooks: [{ name: "hook1", serviceUri: "http://example.com/hook?token=s3cr3t", actions: ["push"] }] }),
    ).not.toContain("s3cr3t");
  });

  test("GitHub repositories may be named by their immutable ids, as newer repositories' OIDC subjects do", () => {
    expect(
      messageFor({ servicePrincipal: { credential: "federated", github: { repository: "contoso@1234/app@5678", branch: "main" } } }),
    ).toBeUndefined();
  });

  test("a private endpoint may sit in another region than the registry", () => {
    const resolved = resolveArgs({
      sku: "Premium",
      location: "westeurope",
      privateEndpoints: [{ subnetId: SUBNET, location: "northeurope" }],
    });
    expect(resolved.privateEndpoints).toEqual([{ subnetId: SUBNET, location: "northeurope" }]);
  });

  test("a federated credential does not check password rotation", () => {
    expect(
      messageFor({
        servicePrincipal: {
          credential: "federated",
          github: { repository: "o/r", branch: "main" },
          rotationDays: 300,
          passwordLifetimeDays: 30,
        },
      }),
    ).toBeUndefined();
  });
});
