// The registry's body, checked against Microsoft's OpenAPI specification of the API version it is
// sent at (tests/fixtures/azure-specs: Azure/azure-rest-api-specs, Microsoft.ContainerRegistry
// Registry stable/2025-11-01 and preview/2026-03-01-preview, each file names its commit). The mocks
// accept any body; this is what stands for Azure's own validation.
import * as path from "path";
import { REGISTRY_API } from "../components/azure-facts";
import { ContainerRegistryArgs } from "../components/args";
import { resolveArgs } from "../components/settings";
import { REGISTRY_IGNORE_CHANGES, RegistryBody, registryBody } from "../components/parts/registry";
import { ContainerRegistry } from "../components";
import { readStackFile } from "../testing";
import { runProgram } from "../testing/harness";
import { checkAgainst, registrySpec } from "./support/openapi";
import { ROOT } from "./support/stacks";

const SUBNET = "/subscriptions/s/resourceGroups/n/providers/Microsoft.Network/virtualNetworks/v/subnets/pe";
const IDENTITY = "/subscriptions/s/resourceGroups/i/providers/Microsoft.ManagedIdentity/userAssignedIdentities/acr-key";

/** The component's args from a stack file's acr-infra:* keys, as the stack program reads them. */
function stackArgs(stack: string): ContainerRegistryArgs {
  const { config } = readStackFile(path.join(ROOT, `Pulumi.${stack}.yaml`));
  const args: Record<string, unknown> = { location: config["azure-native:location"] };
  for (const [key, value] of Object.entries(config)) if (key.startsWith("acr-infra:")) args[key.slice("acr-infra:".length)] = value;
  return args;
}

/** The ARM document a PUT sends: azure-native's generic resource turns the identity list into ARM's map. */
function armDocument(body: RegistryBody): Record<string, unknown> {
  const identity = body.identity && {
    type: body.identity.type,
    ...(body.identity.userAssignedIdentities
      ? { userAssignedIdentities: Object.fromEntries(body.identity.userAssignedIdentities.map((id) => [id, {}])) }
      : {}),
  };
  return {
    location: "westeurope",
    tags: { "managed-by": "acr-infra" },
    sku: body.sku,
    ...(identity ? { identity } : {}),
    properties: body.properties,
  };
}

const configurations: [string, ContainerRegistryArgs][] = [
  ["the dev stack", stackArgs("dev")],
  ["the prod stack", stackArgs("prod")],
  ["defaults", { location: "westeurope" }],
  [
    "Premium with every registry feature",
    {
      location: "westeurope",
      sku: "Premium",
      adminUserEnabled: true,
      ipRules: ["203.0.113.0/24", "198.51.100.7"],
      trustedServicesBypass: false,
      zoneRedundancy: true,
      retentionDays: 7,
      quarantine: true,
      dataEndpointEnabled: true,
      armAudienceTokensEnabled: true,
      purge: [{ schedule: "0 3 * * *", filter: "app:.*", ago: "7d" }],
      identity: { systemAssigned: true },
      encryption: {
        keyVaultKeyId: "https://acr-keys.vault.azure.net/keys/registry",
        identityId: IDENTITY,
        identityClientId: "11111111-2222-4333-8444-555555555555",
      },
    },
  ],
  ["private, exports disabled", { location: "westeurope", sku: "Premium", privateEndpoints: [{ subnetId: SUBNET }] }],
  ["soft delete (preview API)", { location: "westeurope", sku: "Standard", softDeleteDays: 7 }],
  ["soft delete turned off (preview API)", { location: "westeurope", sku: "Premium", softDeleteDays: 0, retentionDays: 7 }],
  ["ABAC repository permissions", { location: "westeurope", sku: "Basic", repositoryPermissions: "abac" }],
  [
    "ABAC repository permissions with soft delete (preview API)",
    { location: "westeurope", repositoryPermissions: "abac", softDeleteDays: 7 },
  ],
];

describe.each(configurations)("%s", (_, args) => {
  const body = registryBody(resolveArgs(args));
  test("conforms to the OpenAPI specification of the API version it is sent at", () => {
    expect(checkAgainst(registrySpec(body.apiVersion), "Registry", armDocument(body))).toEqual([]);
  });
});

test("what the component registers (not only registryBody) conforms, for every configuration", async () => {
  for (const [, args] of configurations) {
    const run = await runProgram({ stack: "spec", program: () => void new ContainerRegistry("full", { location: "westeurope", ...args }) });
    const [registry] = run.resources.filter((r) => r.type === REGISTRY_API.token);
    const { sku, identity, properties, apiVersion, location, tags } = registry.inputs as Record<string, never>;
    const document = armDocument({ apiVersion, sku, identity, properties });
    expect(checkAgainst(registrySpec(apiVersion), "Registry", { ...document, location, tags })).toEqual([]);
  }
});

test("the GA version is used unless soft delete (a preview feature) is asked for", () => {
  expect(registryBody(resolveArgs({})).apiVersion).toBe(REGISTRY_API.version);
  expect(registryBody(resolveArgs({ softDeleteDays: 7 })).apiVersion).toBe(REGISTRY_API.softDeleteVersion);
  // Turning it off is said at the preview version too: the GA version cannot say it.
  expect(registryBody(resolveArgs({ softDeleteDays: 0 }))).toMatchObject({
    apiVersion: REGISTRY_API.softDeleteVersion,
    properties: { policies: { softDeletePolicy: { status: "disabled" } } },
  });
  // The extracts are of the versions the component sends.
  expect(registrySpec(REGISTRY_API.version).source.apiVersion).toBe(REGISTRY_API.version);
  expect(registrySpec(REGISTRY_API.softDeleteVersion).source.apiVersion).toBe(REGISTRY_API.softDeleteVersion);
});

test("the chosen version carries the settings older ones lack: task bypass and ABAC repository permissions", () => {
  const body = registryBody(
    resolveArgs({ sku: "Premium", ipRules: ["203.0.113.0/24"], purge: [{ schedule: "0 3 * * *", filter: "a:b", ago: "1d" }] }),
  );
  expect(body.properties.networkRuleBypassAllowedForTasks).toBe(true);
  const abac = registryBody(resolveArgs({ repositoryPermissions: "abac" }));
  expect([abac.apiVersion, abac.properties.roleAssignmentMode]).toEqual([REGISTRY_API.version, "AbacRepositoryPermissions"]);
  expect(checkAgainst(registrySpec(REGISTRY_API.version), "Registry", armDocument(abac))).toEqual([]);
});

test("the role assignment mode is always sent, LegacyRegistryPermissions unless abac: the spec's default, said explicitly", () => {
  // Microsoft says ABAC mode will become the default (ACR docs, ABAC repository permissions): a registry
  // declared in rbac mode must not follow, or its AcrPush and AcrPull grants would stop working.
  expect(registryBody(resolveArgs({})).properties.roleAssignmentMode).toBe("LegacyRegistryPermissions");
  const property = (
    registrySpec(REGISTRY_API.version).definitions.RegistryProperties as { properties: Record<string, { default?: string }> }
  ).properties.roleAssignmentMode;
  expect(property.default).toBe("LegacyRegistryPermissions");
  // A misspelt mode is what the checker refuses.
  const bad = registryBody(resolveArgs({}));
  bad.properties.roleAssignmentMode = "Abac";
  expect(checkAgainst(registrySpec(REGISTRY_API.version), "Registry", armDocument(bad))).toContainEqual(
    expect.stringContaining("Registry.properties.roleAssignmentMode"),
  );
});

describe("the checker finds what Azure would refuse", () => {
  const base = registryBody(resolveArgs({ sku: "Premium", ipRules: ["203.0.113.0/24"] }));
  const check = (properties: Record<string, unknown>) =>
    checkAgainst(
      registrySpec(REGISTRY_API.version),
      "Registry",
      armDocument({ ...base, properties: { ...base.properties, ...properties } }),
    );

  test.each([
    [
      "the typed SDK's name for an IP rule's value",
      { networkRuleSet: { defaultAction: "Deny", ipRules: [{ action: "Allow", iPAddressOrRange: "203.0.113.0/24" }] } },
      "Registry.properties.networkRuleSet.ipRules[0].value: required, missing",
    ],
    [
      "soft delete at the GA version",
      { policies: { softDeletePolicy: { status: "enabled", retentionDays: 7 } } },
      "Registry.properties.policies.softDeletePolicy: not a property of this API version",
    ],
    ["a read-only property", { loginServer: "x.azurecr.io" }, "Registry.properties.loginServer: read-only, must not be sent"],
    ["an enum value in the wrong case", { zoneRedundancy: "enabled" }, 'Registry.properties.zoneRedundancy: "enabled" is not one of'],
    ["a string where a boolean belongs", { adminUserEnabled: "false" }, "Registry.properties.adminUserEnabled: expected a boolean"],
  ])("%s", (_, properties, problem) => {
    expect(check(properties)).toContainEqual(expect.stringContaining(problem));
  });

  test("an unknown property is named", () => {
    expect(
      check({ networkRuleSet: { defaultAction: "Deny", ipRules: [{ action: "Allow", value: "203.0.113.0/24", note: "x" }] } }),
    ).toEqual(["Registry.properties.networkRuleSet.ipRules[0].note: not a property of this API version"]);
  });
});

test("read-only properties are never sent, nor ignored (an ignored path would send a stale copied value back)", () => {
  const spec = registrySpec(REGISTRY_API.version);
  const readOnly = Object.entries(spec.definitions.RegistryProperties.properties ?? {})
    .filter(([, schema]) => schema.readOnly)
    .map(([name]) => name);
  expect(readOnly).toEqual(expect.arrayContaining(["loginServer", "privateEndpointConnections"]));
  for (const [, args] of configurations) {
    expect(Object.keys(registryBody(resolveArgs(args)).properties).filter((key) => readOnly.includes(key))).toEqual([]);
  }
  expect(REGISTRY_IGNORE_CHANGES.filter((path) => readOnly.includes(path.replace("properties.", "")))).toEqual([]);
  expect(REGISTRY_IGNORE_CHANGES).toEqual(["properties.zoneRedundancy"]);
});
