// The prod stack against Microsoft's built-in Azure Policy definitions: every definition of the
// category "Container Registry" whose effect can be Audit, Deny or AuditIfNotExists, the storage
// account definitions that apply to the audit-log account, and "Resource logs should be enabled for
// Audit on supported resources". Each rule below is the definition's policyRule, ported: the `if`
// block describes what is non-compliant. Source: Azure/azure-policy at commit
// f4a50bacae07ddb096943c597669bcae494a6e29 (built-in-policies/policyDefinitions/<category>/<file>).
import { ProgramRun } from "../testing";
import { T, ofType, registrySettings, runStack, single } from "./support/stacks";

type Props = Record<string, unknown>;
interface Prod {
  registry: Props;
  storage: Props;
  diagnosticSettings: Props[];
  privateEndpoints: Props[];
  tokens: Props[];
  cacheRules: Props[];
}

/** Whether a value equals another as Azure Policy compares them: case-insensitive, "true" equals true. */
const same = (a: unknown, b: unknown) => String(a).toLowerCase() === String(b).toLowerCase();
const get = (props: Props, path: string): unknown =>
  path.split(".").reduce<unknown>((value, key) => (value as Props | undefined)?.[key], props);

/** [GUID, display name (version), file, non-compliant when]. */
type Definition = [guid: string, name: string, file: string, nonCompliant: (prod: Prod) => boolean];

const CONTAINER_REGISTRY: Definition[] = [
  [
    "dc921057-6b28-4fbe-9b83-f7bec05db6c2",
    "local admin account disabled (1.0.1)",
    "ACR_AdminAccountDisabled_AuditDeny.json",
    ({ registry }) => same(registry.adminUserEnabled, true),
  ],
  [
    "9f2dea28-e834-476c-99c5-3507b4728395",
    "anonymous authentication disabled (1.0.0)",
    "ACR_AnonymousPullDisabled_AuditDeny.json",
    ({ registry }) => same(registry.anonymousPullEnabled, true),
  ],
  [
    "42781ec6-6127-4c30-bdfa-fb423a0047d3",
    "ARM audience token authentication disabled (1.0.0)",
    "ACR_AADAuthenticationAsArmPolicy_AuditDeny.json",
    ({ registry }) => {
      const status = get(registry, "policies.azureADAuthenticationAsArmPolicy.status");
      return status === undefined || same(status, "enabled");
    },
  ],
  [
    "524b0254-c285-4903-bee6-bb8126cde579",
    "exports disabled (1.0.0)",
    "ACR_ExportPolicy_AuditDeny.json",
    ({ registry }) => !same(get(registry, "policies.exportPolicy.status"), "Disabled") || !same(registry.publicNetworkAccess, "Disabled"),
  ],
  [
    "d0793b48-0edc-4296-a390-4c75d1bdfd71",
    "no unrestricted network access (2.0.0)",
    "ACR_NetworkRulesExist_AuditDeny.json",
    ({ registry }) => {
      const action = get(registry, "networkRuleSet.defaultAction");
      const access = registry.publicNetworkAccess;
      return (action === undefined || same(action, "Allow")) && (access === undefined || same(access, "Enabled"));
    },
  ],
  [
    "0fdf0491-d080-4575-b627-ad0e843cba0f",
    "public network access disabled (1.0.0)",
    "ACR_PublicNetworkAccess_AuditDeny.json",
    ({ registry }) => !same(registry.publicNetworkAccess, "Disabled"),
  ],
  [
    "bd560fc0-3c69-498a-ae9f-aa8eb7de0e13",
    "SKUs that support Private Links (1.0.0)",
    "ACR_SkuSupportsPrivateEndpoints_AuditDeny.json",
    ({ registry }) => !same(get(registry, "sku.name"), "Premium"),
  ],
  // Counts Approved private endpoint connections, which Azure makes when an endpoint of ours is
  // created (same tenant, with rights on the registry: approved automatically). Approximated here
  // by an endpoint that links to the registry's "registry" group.
  [
    "e8eef0a8-67cf-4eb4-9386-14b0e78733d4",
    "use private link (1.0.1; approximated: an endpoint to the registry)",
    "ACR_PrivateEndpointEnabled_Audit.json",
    ({ privateEndpoints }) =>
      !privateEndpoints.some((e) =>
        ((e.privateLinkServiceConnections ?? []) as Props[]).some((c) => (c.groupIds as string[]).includes("registry")),
      ),
  ],
  [
    "ff05e24e-195c-447e-b322-5e90c9f9f366",
    "repository scoped access token disabled (1.0.0)",
    "ACR_TokenDisabled_AuditDeny.json",
    ({ tokens }) => tokens.some((t) => !same(t.status, "disabled")),
  ],
  [
    "84497762-32b6-4ab3-80b6-732ea48b85a2",
    "prevent cache rule creation (1.0.0)",
    "ACR_PTCDisabled_AuditDeny.json",
    ({ cacheRules }) => cacheRules.length > 0,
  ],
];

/** Left to the team, with the reason docs/policies.md's "What prod meets" gives. */
const EXCEPTIONS: Definition[] = [
  [
    "5b9159ae-1701-4a6f-9a7a-aa9c8ddd0580",
    "encrypted with a customer-managed key (1.1.2)",
    "ACR_CMKEncryptionEnabled_Audit.json",
    ({ registry }) => !same(get(registry, "encryption.status"), "enabled"),
  ],
];

const STORAGE: Definition[] = [
  [
    "404c3081-a854-4457-ae30-26a93ef643f9",
    "secure transfer (2.0.0)",
    "Storage_AuditForHTTPSEnabled_Audit.json",
    ({ storage }) => same(storage.enableHttpsTrafficOnly, false),
  ],
  [
    "fe83a0eb-a853-422d-aac2-1bffd182c5d0",
    "minimum TLS version TLS1_2 (1.0.0)",
    "StorageAccountMinimumTLSVersion_Audit.json",
    ({ storage }) => storage.minimumTlsVersion === undefined || !same(storage.minimumTlsVersion, "TLS1_2"),
  ],
  [
    "4fa4b6c0-31ca-4c0d-b10d-24b96f62a751",
    "public access disallowed (3.1.1)",
    "ASC_Storage_DisallowPublicBlobAccess_Audit.json",
    ({ storage }) => !same(storage.allowBlobPublicAccess, false),
  ],
  [
    "8c6a50c6-9ffd-4ae7-986f-5fa6111f9a54",
    "prevent shared key access (2.0.0)",
    "StorageAccountAllowSharedKeyAccess_Audit.json",
    ({ storage }) =>
      storage.allowSharedKeyAccess === undefined || storage.allowSharedKeyAccess === "" || same(storage.allowSharedKeyAccess, true),
  ],
  [
    "4733ea7b-a883-42fe-8cac-97454c2a9e4a",
    "infrastructure encryption (1.0.0)",
    "StorageAccountInfrastructureEncryptionEnabled_Audit.json",
    ({ storage }) => !same(get(storage, "encryption.requireInfrastructureEncryption"), true),
  ],
  // azure-native's networkRuleSet is ARM's networkAcls.
  [
    "34c877ad-507e-4c82-993e-3452a6e0ad3c",
    "restrict network access (1.1.1)",
    "Storage_NetworkAcls_Audit.json",
    ({ storage }) => !same(get(storage, "networkRuleSet.defaultAction"), "Deny"),
  ],
  [
    "2a1a9cdf-e04d-429a-8416-3bfb72a1b26f",
    "restrict network access using virtual network rules (1.0.1)",
    "StorageAccountOnlyVnetRulesEnabled_Audit.json",
    ({ storage }) =>
      !same(get(storage, "networkRuleSet.defaultAction"), "Deny") ||
      ((get(storage, "networkRuleSet.ipRules") as unknown[]) ?? []).length >= 1,
  ],
  [
    "c9d007d0-c057-4772-b18c-01e546713bcd",
    "allow access from trusted Microsoft services (1.0.0)",
    "StorageAccess_TrustedMicrosoftServices_Audit.json",
    ({ storage }) => {
      const bypass = get(storage, "networkRuleSet.bypass");
      return bypass !== undefined && !(typeof bypass === "string" && bypass.includes("AzureServices"));
    },
  ],
  [
    "92a89a79-6c52-4a7e-a03f-61306fc49312",
    "prevent cross tenant object replication (1.0.0)",
    "StorageAccountAllowCrossTenantReplication_Audit.json",
    ({ storage }) => !same(storage.allowCrossTenantReplication, false),
  ],
];

const MONITORING: Definition[] = [
  // AuditIfNotExists: a diagnostic setting with an enabled log of category group audit or allLogs
  // (requiredLogLevel Audit, the default); a list of single categories does not count.
  [
    "187242f4-89c6-4c43-9a4e-188c0efacc5f",
    "resource logs enabled for Audit (1.0.0)",
    "DiagnosticSettingsExistsAudit_Audit.json",
    ({ diagnosticSettings }) =>
      !diagnosticSettings.some((s) =>
        ((s.logs ?? []) as Props[]).some(
          (l) => same(l.enabled, true) && (same(l.categoryGroup, "audit") || same(l.categoryGroup, "allLogs")),
        ),
      ),
  ],
];

let run: ProgramRun;
let prod: Prod;
beforeAll(async () => {
  run = await runStack("prod");
  const registry = single(run, T.registry);
  prod = {
    registry: registrySettings(registry),
    storage: single(run, T.storageAccount).inputs,
    diagnosticSettings: ofType(run, T.diagnosticSetting)
      .filter((s) => (s.propertyDependencies.resourceUri ?? []).includes(registry.urn))
      .map((s) => s.inputs),
    privateEndpoints: ofType(run, T.privateEndpoint)
      .filter((e) => (e.propertyDependencies.privateLinkServiceConnections ?? []).includes(registry.urn))
      .map((e) => e.inputs),
    tokens: ofType(run, T.token).map((t) => t.inputs),
    cacheRules: ofType(run, "azure-native:containerregistry:CacheRule").map((c) => c.inputs),
  };
});

describe.each([
  ["Container Registry", CONTAINER_REGISTRY],
  ["Storage (the audit-log account)", STORAGE],
  ["Monitoring (the registry)", MONITORING],
])("prod meets the built-in definitions: %s", (_, definitions) => {
  test.each(definitions)("%s %s (%s)", (_guid, _name, _file, nonCompliant) => {
    expect(nonCompliant(prod)).toBe(false);
  });
});

test.each(EXCEPTIONS)("prod's one exception: %s %s (%s) is not met, as documented", (_guid, _name, _file, nonCompliant) => {
  expect(nonCompliant(prod)).toBe(true);
});

/** For each ported rule, a change of prod that the definition reports: each rule can fail. */
const NON_COMPLIANT: Record<string, (prod: Prod) => Prod> = {
  "dc921057-6b28-4fbe-9b83-f7bec05db6c2": (p) => ({ ...p, registry: { ...p.registry, adminUserEnabled: true } }),
  "9f2dea28-e834-476c-99c5-3507b4728395": (p) => ({ ...p, registry: { ...p.registry, anonymousPullEnabled: true } }),
  "42781ec6-6127-4c30-bdfa-fb423a0047d3": (p) => ({ ...p, registry: { ...p.registry, policies: {} } }),
  "524b0254-c285-4903-bee6-bb8126cde579": (p) => ({ ...p, registry: { ...p.registry, policies: { exportPolicy: { status: "enabled" } } } }),
  "d0793b48-0edc-4296-a390-4c75d1bdfd71": (p) => ({
    ...p,
    registry: { ...p.registry, publicNetworkAccess: "Enabled", networkRuleSet: undefined },
  }),
  "0fdf0491-d080-4575-b627-ad0e843cba0f": (p) => ({ ...p, registry: { ...p.registry, publicNetworkAccess: undefined } }),
  "bd560fc0-3c69-498a-ae9f-aa8eb7de0e13": (p) => ({ ...p, registry: { ...p.registry, sku: { name: "Standard" } } }),
  "e8eef0a8-67cf-4eb4-9386-14b0e78733d4": (p) => ({ ...p, privateEndpoints: [] }),
  "ff05e24e-195c-447e-b322-5e90c9f9f366": (p) => ({ ...p, tokens: [{ status: "enabled" }] }),
  "84497762-32b6-4ab3-80b6-732ea48b85a2": (p) => ({ ...p, cacheRules: [{}] }),
  "404c3081-a854-4457-ae30-26a93ef643f9": (p) => ({ ...p, storage: { ...p.storage, enableHttpsTrafficOnly: false } }),
  "fe83a0eb-a853-422d-aac2-1bffd182c5d0": (p) => ({ ...p, storage: { ...p.storage, minimumTlsVersion: "TLS1_1" } }),
  "4fa4b6c0-31ca-4c0d-b10d-24b96f62a751": (p) => ({ ...p, storage: { ...p.storage, allowBlobPublicAccess: undefined } }),
  "8c6a50c6-9ffd-4ae7-986f-5fa6111f9a54": (p) => ({ ...p, storage: { ...p.storage, allowSharedKeyAccess: undefined } }),
  "4733ea7b-a883-42fe-8cac-97454c2a9e4a": (p) => ({ ...p, storage: { ...p.storage, encryption: {} } }),
  "34c877ad-507e-4c82-993e-3452a6e0ad3c": (p) => ({ ...p, storage: { ...p.storage, networkRuleSet: { defaultAction: "Allow" } } }),
  "2a1a9cdf-e04d-429a-8416-3bfb72a1b26f": (p) => ({
    ...p,
    storage: { ...p.storage, networkRuleSet: { defaultAction: "Deny", ipRules: [{ iPAddressOrRange: "203.0.113.7" }] } },
  }),
  "c9d007d0-c057-4772-b18c-01e546713bcd": (p) => ({
    ...p,
    storage: { ...p.storage, networkRuleSet: { defaultAction: "Deny", bypass: "None" } },
  }),
  "92a89a79-6c52-4a7e-a03f-61306fc49312": (p) => ({ ...p, storage: { ...p.storage, allowCrossTenantReplication: undefined } }),
  "187242f4-89c6-4c43-9a4e-188c0efacc5f": (p) => ({
    ...p,
    diagnosticSettings: [{ logs: [{ category: "ContainerRegistryLoginEvents", enabled: true }] }],
  }),
};

test.each([...CONTAINER_REGISTRY, ...STORAGE, ...MONITORING])("%s can fail: %s", (guid, _name, _file, nonCompliant) => {
  expect(NON_COMPLIANT[guid]).toBeDefined();
  expect(nonCompliant(NON_COMPLIANT[guid](prod))).toBe(true);
});

test("the ported rules can fail: a registry open to the internet breaks three of them", () => {
  const open = { ...prod, registry: { ...prod.registry, publicNetworkAccess: "Enabled", networkRuleSet: { defaultAction: "Allow" } } };
  const failing = CONTAINER_REGISTRY.filter(([, , , nonCompliant]) => nonCompliant(open)).map(([guid]) => guid);
  expect(failing).toEqual([
    "524b0254-c285-4903-bee6-bb8126cde579",
    "d0793b48-0edc-4296-a390-4c75d1bdfd71",
    "0fdf0491-d080-4575-b627-ad0e843cba0f",
  ]);
  const byCategory = { ...prod, diagnosticSettings: [{ logs: [{ category: "ContainerRegistryLoginEvents", enabled: true }] }] };
  expect(MONITORING[0][3](byCategory)).toBe(true);
});
