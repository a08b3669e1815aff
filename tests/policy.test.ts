import * as fs from "fs";
import * as path from "path";
import { AcrPolicy, policies } from "../policy/rules";
import * as rules from "../policy/rules";
import { evaluatePolicies } from "../policy/evaluate";
import type { PlannedResource } from "../testing";
import { ROOT } from "./support/stacks";

const STACK = "urn:pulumi:test::acr-infra";
let counter = 0;

function resource(type: string, inputs: Record<string, unknown>, extra: Partial<PlannedResource> = {}): PlannedResource {
  const name = `r${counter++}`;
  return {
    urn: `${STACK}::${type}::${name}`,
    type,
    name,
    parent: null,
    custom: true,
    protect: false,
    dependsOn: [],
    inputs,
    secretFingerprints: {},
    propertyDependencies: {},
    additionalSecretOutputs: [],
    replaceOnChanges: [],
    deleteBeforeReplace: false,
    ignoreChanges: [],
    retainOnDelete: false,
    ...extra,
  };
}

const REGISTRY = "azure-native:containerregistry:Registry";
const premium = (inputs: Record<string, unknown> = {}) => resource(REGISTRY, { sku: { name: "Premium" }, ...inputs });

/** The messages one policy reports for these resources. */
async function violations(policy: AcrPolicy, resources: PlannedResource[], outputs?: Record<string, unknown>): Promise<string[]> {
  // The stack's outputs are the props of its root resource.
  const stack = resource(
    "pulumi:pulumi:Stack",
    {},
    { urn: `${STACK}::pulumi:pulumi:Stack::acr-infra-test`, name: "acr-infra-test", custom: false },
  );
  const found = await evaluatePolicies(outputs ? [stack, ...resources] : resources, { production: false, policies: [policy], outputs });
  return found.map((v) => v.message);
}

type Case = [policy: AcrPolicy, passing: () => PlannedResource[], failing: () => PlannedResource[], message: string];

function auditSetup(logs: unknown[], destination: Record<string, unknown> = { storageAccountId: "/sa" }): PlannedResource[] {
  const registry = premium();
  const setting = resource(
    "azure-native:monitor:DiagnosticSetting",
    { logs, ...destination },
    { propertyDependencies: { resourceUri: [registry.urn] } },
  );
  return [registry, setting];
}

function replicated(zone: string, replicaZone?: string): PlannedResource[] {
  const registry = premium({ zoneRedundancy: zone });
  if (!replicaZone) return [registry];
  return [
    registry,
    resource(
      "azure-native:containerregistry:Replication",
      { zoneRedundancy: replicaZone },
      { propertyDependencies: { registryName: [registry.urn] } },
    ),
  ];
}

/** A registry and a purge task on it. */
function withTask(registrySettings: Record<string, unknown>): PlannedResource[] {
  const registry = premium(registrySettings);
  return [registry, resource("azure-native:containerregistry:Task", {}, { propertyDependencies: { registryName: [registry.urn] } })];
}

const AUDIT_GROUP = [{ categoryGroup: "audit", enabled: true }];
const AUDIT_LOGS = [
  { category: "ContainerRegistryLoginEvents", enabled: true },
  { category: "ContainerRegistryRepositoryEvents", enabled: true },
];
const OWNER = "/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635";
const ACR_PUSH = "/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/8311e382-0749-4cb8-b61a-304f252e45ec";
const HARDENED = {
  enableHttpsTrafficOnly: true,
  minimumTlsVersion: "TLS1_2",
  allowBlobPublicAccess: false,
  allowSharedKeyAccess: false,
  encryption: { requireInfrastructureEncryption: true },
};

const cases: Case[] = [
  [
    rules.adminUserDisabled,
    () => [premium({ adminUserEnabled: false })],
    () => [premium({ adminUserEnabled: true })],
    "The admin user is on",
  ],
  [
    rules.anonymousPullDisabled,
    () => [premium({ anonymousPullEnabled: false })],
    () => [premium({ anonymousPullEnabled: true })],
    "Anonymous pull is on",
  ],
  [
    rules.networkRestricted,
    () => [
      premium({ publicNetworkAccess: "Disabled" }),
      premium({ publicNetworkAccess: "Enabled", networkRuleSet: { defaultAction: "Deny" } }),
    ],
    () => [premium({ publicNetworkAccess: "Enabled", networkRuleSet: { defaultAction: "Allow" } })],
    "accepts connections from any network",
  ],
  [
    rules.skuStandardOrPremium,
    () => [resource(REGISTRY, { sku: { name: "Standard" } })],
    () => [resource(REGISTRY, { sku: { name: "Basic" } })],
    "The registry is Basic",
  ],
  [rules.zoneRedundantAndReplicated, () => replicated("Enabled", "Enabled"), () => replicated("Enabled", "Disabled"), "replica r"],
  [
    rules.quarantineEnabled,
    () => [premium({ policies: { quarantinePolicy: { status: "enabled" } } })],
    () => [premium({ policies: { quarantinePolicy: { status: "disabled" } } })],
    "quarantine policy is off",
  ],
  [
    rules.retentionPolicySet,
    () => [premium({ policies: { retentionPolicy: { status: "enabled", days: 7 } } })],
    () => [premium({ policies: { retentionPolicy: { status: "disabled" } } })],
    "No retention policy",
  ],
  [
    rules.dedicatedDataEndpoints,
    () => [premium({ dataEndpointEnabled: true })],
    () => [premium({ dataEndpointEnabled: false })],
    "Dedicated data endpoints are off",
  ],
  [
    rules.armAudienceTokensDisabled,
    () => [premium({ policies: { azureADAuthenticationAsArmPolicy: { status: "disabled" } } })],
    () => [premium({})],
    "ARM-audience tokens are not explicitly disabled",
  ],
  [
    rules.exportsDisabled,
    () => [premium({ policies: { exportPolicy: { status: "disabled" } } })],
    () => [premium({ policies: { exportPolicy: { status: "enabled" } } })],
    "Exports are allowed",
  ],
  [rules.customerManagedKey, () => [premium({ encryption: { status: "enabled" } })], () => [premium({})], "Microsoft-managed keys"],
  [
    rules.resourceLogsByCategoryGroup,
    () => [...auditSetup(AUDIT_GROUP), ...auditSetup([{ categoryGroup: "allLogs", enabled: true }])],
    () => auditSetup(AUDIT_LOGS),
    "has no diagnostic setting with the category group audit or allLogs enabled: Azure Policy 187242f4 reports it",
  ],
  [
    rules.auditLogsToStorage,
    () => [...auditSetup(AUDIT_GROUP), ...auditSetup([{ categoryGroup: "allLogs", enabled: true }]), ...auditSetup(AUDIT_LOGS)],
    () => auditSetup([AUDIT_LOGS[0]]),
    "has no diagnostic setting that keeps its login and repository events",
  ],
  [
    rules.storageHardened,
    () => [resource("azure-native:storage:StorageAccount", HARDENED)],
    () => [resource("azure-native:storage:StorageAccount", { ...HARDENED, minimumTlsVersion: "TLS1_0", allowBlobPublicAccess: true })],
    "TLS below 1.2 is allowed; public blob access is not turned off",
  ],
  [
    rules.webhooksUseHttps,
    () => [resource("azure-native:containerregistry:Webhook", { serviceUri: "https://hooks.example.com" })],
    () => [resource("azure-native:containerregistry:Webhook", { serviceUri: "http://hooks.example.com" })],
    "is not https",
  ],
  [
    rules.leastPrivilegeRoles,
    () => [resource("azure-native:authorization:RoleAssignment", { roleDefinitionId: ACR_PUSH })],
    () => [resource("azure-native:authorization:RoleAssignment", { roleDefinitionId: OWNER, principalType: "User", principalId: "p1" })],
    "User p1 gets Owner",
  ],
  [
    rules.secretsOnlyAsSecrets,
    () => [resource("azure-native:containerregistry:Token", { credentials: { password: "[secret]" } })],
    () => [resource("azure-native:containerregistry:Token", { credentials: { password: "hunter2" } })],
    "credentials.password holds a credential in plain text",
  ],
  [
    rules.purgeTasksReachRegistry,
    () => [
      ...withTask({ networkRuleSet: { defaultAction: "Allow" } }),
      ...withTask({ publicNetworkAccess: "Disabled", networkRuleBypassAllowedForTasks: true }),
      premium({ publicNetworkAccess: "Disabled" }),
    ],
    () => withTask({ networkRuleSet: { defaultAction: "Deny" } }),
    "is network-restricted and has 1 task(s) that would fail at every run: set networkRuleBypassAllowedForTasks: true",
  ],
  [
    rules.credentialOutputsSecret,
    () => [resource("azure-native:containerregistry:Token", {}, { additionalSecretOutputs: ["credentials"] })],
    () => [resource("azure-native:containerregistry:Token", {})],
    'credentials would be stored in state as plain text: add additionalSecretOutputs: ["credentials"]',
  ],
];

test("every policy has a passing and a failing case here", () => {
  expect(cases.map(([policy]) => policy.name).sort()).toEqual(policies.map((p) => p.name).sort());
});

describe.each(cases)("%s", (policy, passing, failing, message) => {
  test(`${policy.name}: passes`, async () => {
    expect(await violations(policy, passing())).toEqual([]);
  });
  test(`${policy.name}: fails with a message naming the problem`, async () => {
    const messages = await violations(policy, failing());
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain(message);
  });
});

describe("details", () => {
  test("a registry declared as the component does it (generic resource, settings under properties) is read the same", async () => {
    const generic = (properties: Record<string, unknown>) =>
      resource("azure-native:resources:Resource", {
        resourceProviderNamespace: "Microsoft.ContainerRegistry",
        resourceType: "registries",
        parentResourcePath: "",
        apiVersion: "2025-11-01",
        sku: { name: "Premium" },
        properties,
      });
    expect(await violations(rules.adminUserDisabled, [generic({ adminUserEnabled: true })])).toHaveLength(1);
    expect(await violations(rules.adminUserDisabled, [generic({ adminUserEnabled: false })])).toEqual([]);
    expect(await violations(rules.exportsDisabled, [generic({ policies: { exportPolicy: { status: "enabled" } } })])).toHaveLength(1);
    const storageAccount = resource("azure-native:resources:Resource", {
      resourceProviderNamespace: "Microsoft.Storage",
      resourceType: "storageAccounts",
      properties: { adminUserEnabled: true },
    });
    expect(await violations(rules.adminUserDisabled, [storageAccount])).toEqual([]);
  });

  test("Premium-only rules do not apply below Premium", async () => {
    const standard = resource(REGISTRY, { sku: { name: "Standard" } });
    for (const policy of [
      rules.retentionPolicySet,
      rules.dedicatedDataEndpoints,
      rules.exportsDisabled,
      rules.customerManagedKey,
      rules.zoneRedundantAndReplicated,
    ]) {
      expect(await violations(policy, [standard])).toEqual([]);
    }
  });

  test("audit logs: a setting for another registry does not count", async () => {
    const [registry, setting] = auditSetup(AUDIT_GROUP);
    const other = premium();
    expect(await violations(rules.auditLogsToStorage, [registry, setting, other])).toEqual([
      `Registry ${other.name} has no diagnostic setting that keeps its login and repository events.`,
    ]);
  });

  test("audit logs: a setting without a destination does not count", async () => {
    expect(await violations(rules.auditLogsToStorage, auditSetup(AUDIT_GROUP, {}))).toHaveLength(1);
  });

  test("resource logs: a disabled category group does not count", async () => {
    expect(await violations(rules.resourceLogsByCategoryGroup, auditSetup([{ categoryGroup: "audit", enabled: false }]))).toHaveLength(1);
  });

  test("secrets: stack outputs with credential names must be secrets", async () => {
    expect(await violations(rules.secretsOnlyAsSecrets, [], { adminPassword: "[secret]", loginServer: "x.azurecr.io" })).toEqual([]);
    expect(await violations(rules.secretsOnlyAsSecrets, [], { adminPassword: "p@ss" })).toEqual([
      "acr-infra-test: adminPassword holds a credential in plain text; wrap it in pulumi.secret().",
    ]);
  });

  test("production raises the production-only rules to mandatory", async () => {
    const registry = premium({ adminUserEnabled: true });
    const [dev] = await evaluatePolicies([registry], { production: false, policies: [rules.adminUserDisabled] });
    const [prod] = await evaluatePolicies([registry], { production: true, policies: [rules.adminUserDisabled] });
    expect([dev.enforcement, prod.enforcement]).toEqual(["advisory", "mandatory"]);
  });

  test("the policy pack's production config raises exactly the production-only rules", () => {
    const config = JSON.parse(fs.readFileSync(path.join(ROOT, "policy", "production.json"), "utf8"));
    const expected = Object.fromEntries(
      policies
        .filter((p) => p.inPolicyPack && p.productionEnforcementLevel !== p.enforcementLevel)
        .map((p) => [p.name, p.productionEnforcementLevel]),
    );
    expect(config).toEqual(expected);
  });
});
