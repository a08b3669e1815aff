/**
 * The settings table: every setting of the ContainerRegistry component once, in the order the
 * generated ContainerRegistryArgs (args.ts), Pulumi.yaml's config block and docs/configuration.md
 * list them (`npm run generate` writes all three; a test names any drift). A child resource's
 * setting is declared in its own module under parts/, with its argument type and checks.
 *
 * Adding a plain registry setting: one entry here, one line in parts/registry.ts where it is sent
 * to Azure, then `npm run generate`. Its type must be one the Pulumi package's schema analyzer reads
 * (docs/multi-language.md); tests/package-schema.test.ts names a setting it cannot.
 */
import { ABAC_EQUIVALENTS, REGISTRY_NAME, RESOURCE_GROUP_NAME, SKUS } from "./azure-facts";
import { Setting, ValueOf, choice, flag, optionalText, optionalWholeNumber, region, textMap, list } from "./setting-kinds";
import { Problems, ValidationError, oneOfText, read, show } from "./validation";
import { logRetentionDaysSetting } from "./parts/audit-logs";
import { CACHE_COMBINATIONS, cacheRulesSetting, credentialSetsSetting } from "./parts/cache";
import { servicePrincipalSetting } from "./parts/ci-principal";
import { diagnosticsSetting } from "./parts/diagnostics";
import { encryptionSetting } from "./parts/encryption";
import { identitySetting } from "./parts/identity";
import { lockSetting } from "./parts/locks";
import { privateEndpointsSetting } from "./parts/private-endpoints";
import { pullIdentitySetting } from "./parts/pull-identity";
import { purgeSetting } from "./parts/purge";
import { replicasSetting } from "./parts/replicas";
import { repositoryPermissionsSetting } from "./parts/repository-permissions";
import { roleAssignmentsSetting } from "./parts/role-assignments";
import { scopeMapsSetting } from "./parts/scope-maps";
import { webhooksSetting } from "./parts/webhooks";

const IPV4_RANGE = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d{1,2}))?$/;

function readIpRule(value: unknown, setting: string): string {
  const match = typeof value === "string" ? IPV4_RANGE.exec(value) : null;
  const valid =
    match !== null && match.slice(1, 5).every((octet) => Number(octet) <= 255) && (match[5] === undefined || Number(match[5]) <= 32);
  if (!valid) throw new ValidationError(setting, `${show(value)} is not allowed: use an IPv4 address or CIDR range such as 203.0.113.0/24`);
  return value as string;
}

export const SETTINGS = {
  registryName: optionalText(
    "Registry name, globally unique (<name>.azurecr.io); not set: the project, stack and component names plus a random suffix that stays the same across runs",
    REGISTRY_NAME,
  ),
  resourceGroupName: optionalText("An existing resource group to use; not set: the component creates one", RESOURCE_GROUP_NAME),
  location: region(
    "Azure region of the registry and its resources; not set: the azure-native:location provider setting (one of the two is required)",
  ),
  sku: choice(SKUS, "The registry's SKU: Premium has network rules, private endpoints, replicas and the content policies", {
    default: "Standard",
  }),
  adminUserEnabled: flag("Turn on the registry's admin user (one shared username and password; the password is a secret output)", false),
  servicePrincipal: servicePrincipalSetting,
  roleAssignments: roleAssignmentsSetting,
  repositoryPermissions: repositoryPermissionsSetting,
  logRetentionDays: logRetentionDaysSetting,
  diagnostics: diagnosticsSetting,
  protect: flag("Protect the registry and the storage account against deletion (Pulumi's protect option)", false),
  tags: textMap("Tags for every taggable resource; managed-by: acr-infra and stack: <stack> are added"),
  purge: purgeSetting,
  publicNetworkAccess: choice(
    ["Enabled", "Disabled"] as const,
    "Whether the registry's public endpoint is open (to everyone, or to ipRules when there are any)",
    {
      derivedDefault: {
        text: "Disabled with private endpoints and no IP rules, else Enabled",
        // Verified-module default, stricter: once private endpoints exist and no IP is allowed in, close the public door.
        from: (s) => ((s.privateEndpoints as unknown[]).length > 0 && (s.ipRules as unknown[]).length === 0 ? "Disabled" : "Enabled"),
      },
    },
    { premium: (access) => access === "Disabled" },
  ),
  ipRules: list(
    "IPv4 addresses or CIDR ranges allowed in; everything else is denied",
    { type: "string", configType: "array", read: readIpRule },
    { premium: (rules) => rules.length > 0 },
  ),
  trustedServicesBypass: flag(
    "Let trusted Azure services (Defender for Cloud, Container Instances, Machine Learning, ACR import) through the network rules; the purge tasks pass by networkRuleBypassAllowedForTasks, which the component sets",
    true,
  ),
  privateEndpoints: privateEndpointsSetting,
  zoneRedundancy: flag(
    "Spread the registry over availability zones; sent when the registry is created, never updated after (Azure calls the property legacy)",
    false,
    {
      premium: (on) => on,
      details:
        "Registries in regions with availability zones are zone-redundant either way; Azure may read the property back as Disabled, so the component ignores it after creation.",
    },
  ),
  replicas: replicasSetting,
  retentionDays: optionalWholeNumber(
    "Delete untagged manifests after this many days; not set: no retention policy",
    { min: 0, max: 365 },
    { premium: (days) => days !== undefined },
  ),
  softDeleteDays: optionalWholeNumber(
    "Keep deleted artifacts this many days (preview API version); not with retentionDays or replicas; 0 turns soft delete off on a registry that had it",
    { min: 0, max: 90 },
    {
      details:
        "Set, the registry is declared at the preview API version that has soft delete (docs/registry-api.md). Removing the setting would go back to the GA version, which cannot say soft delete is off, and leave it on in Azure: set 0 first.",
    },
  ),
  quarantine: flag("Hold pushed images in quarantine until a scanner releases them", false, { premium: (on) => on }),
  exportEnabled: flag("Allow exporting artifacts; false needs publicNetworkAccess Disabled", true, {
    derivedDefault: { text: "false when publicNetworkAccess is Disabled, else true", from: (s) => s.publicNetworkAccess === "Enabled" },
    premium: (on) => !on,
  }),
  dataEndpointEnabled: flag("Dedicated data endpoints <name>.<region>.data.azurecr.io", false, { premium: (on) => on }),
  armAudienceTokensEnabled: flag(
    "Accept Entra ID tokens with the ARM audience (set explicitly either way; Azure Policy 42781ec6); App Service and Container Apps pulling with a managed identity need true",
    false,
  ),
  encryption: encryptionSetting,
  identity: identitySetting,
  lock: lockSetting,
  webhooks: webhooksSetting,
  scopeMaps: scopeMapsSetting,
  pullIdentity: pullIdentitySetting,
  credentialSets: credentialSetsSetting,
  cacheRules: cacheRulesSetting,
} satisfies Record<string, Setting<unknown>>;

export type SettingName = keyof typeof SETTINGS;
export const SETTING_NAMES = Object.keys(SETTINGS) as SettingName[];

/** The arguments with every default applied and every rule checked. */
export type ResolvedArgs = { -readonly [K in SettingName]: ValueOf<(typeof SETTINGS)[K]> };

/** Whether a setting's default is one value worth naming: not a derived one, and not an empty list or map. */
type HasDefault<S> = S extends { default: infer D } ? (D extends readonly [] | Record<string, never> ? false : true) : false;
type Defaults = { [K in SettingName as HasDefault<(typeof SETTINGS)[K]> extends true ? K : never]: ValueOf<(typeof SETTINGS)[K]> };

const isEmpty = (value: unknown) => typeof value === "object" && value !== null && Object.keys(value).length === 0;

/** The settings' defaults that are one value (Pulumi.yaml declares the same); empty lists and maps are left out. */
export const DEFAULTS = Object.fromEntries(
  Object.entries(SETTINGS).flatMap(([name, setting]) =>
    "default" in setting && !isEmpty(setting.default) ? [[name, setting.default]] : [],
  ),
) as Defaults;

/**
 * Checks every setting, its type and range, and the combinations, and applies defaults. Runs before
 * any resource is declared; throws a ValidationError naming every setting with a value that is not
 * allowed, the value and what is allowed.
 */
export function resolveArgs(input: unknown): ResolvedArgs {
  // Every mistake is found in one run: each setting is read on its own, its problems collected.
  const problems = new Problems();
  if (input !== undefined && (typeof input !== "object" || input === null || Array.isArray(input))) {
    throw new ValidationError("args", `${show(input)} is not allowed: use an object`);
  }
  const record = (input ?? {}) as Record<string, unknown>;
  problems.attempt(() => read.object("", record, SETTING_NAMES), {});
  const resolved: Record<string, unknown> = {};
  for (const name of SETTING_NAMES) {
    const setting: Setting<unknown> = SETTINGS[name];
    // An empty string, as Pulumi.yaml declares for settings without a default, means "not set".
    const value = record[name] === "" ? undefined : record[name];
    resolved[name] = problems.attempt(() => setting.read(value, name, resolved), setting.fallback);
  }
  for (const name of SETTING_NAMES) {
    const setting: Setting<unknown> = SETTINGS[name];
    if (resolved[name] === undefined && setting.derivedDefault) resolved[name] = setting.derivedDefault.from(resolved);
  }
  const settings = resolved as ResolvedArgs;
  // Rules across settings judge the values read: each runs unless a setting it reads is already wrong
  // (its value then is a stand-in, and the rule would only add noise).
  check([...PREMIUM_GATES, ...COMBINATIONS, ...REPOSITORY_PERMISSION_RULES], settings, problems, problems.failedSettings());
  problems.throwIfAny();
  return settings;
}

/** A rule across settings: the settings it reads, and the problem when it is broken. */
interface Combination {
  reads: readonly SettingName[];
  /** The setting to name and what is wrong, or nothing when the rule holds. */
  broken: (args: ResolvedArgs) => [setting: string, problem: string] | undefined;
}

/** Features Azure will not combine. */
const COMBINATIONS: readonly Combination[] = [
  {
    reads: ["publicNetworkAccess", "ipRules", "privateEndpoints"],
    broken: (a) =>
      a.publicNetworkAccess === "Disabled" && a.ipRules.length > 0
        ? ["ipRules", `${show(a.ipRules)} is not allowed with publicNetworkAccess: Disabled: IP rules filter public access, which is off`]
        : undefined,
  },
  {
    // "To disable export of artifacts, public access to the registry must also be disabled" (ACR docs,
    // data-loss-prevention.md, "Other requirements to disable exports", azure-management-docs d923d588).
    reads: ["exportEnabled", "publicNetworkAccess", "privateEndpoints", "ipRules"],
    broken: (a) =>
      !a.exportEnabled && a.publicNetworkAccess !== "Disabled"
        ? ["exportEnabled", "false needs publicNetworkAccess: Disabled: Azure only disables exports on a registry without public access"]
        : undefined,
  },
  {
    // The admin password comes from listCredentials, a POST, on every run; a ReadOnly lock refuses
    // POSTs to ARM (Azure Resource Manager docs, "Lock your resources"): no deployment would pass.
    reads: ["lock", "adminUserEnabled"],
    broken: (a) =>
      a.lock === "ReadOnly" && a.adminUserEnabled
        ? [
            "lock",
            `"ReadOnly" is not allowed with adminUserEnabled: the admin password is read with a POST that a ReadOnly lock refuses, on every run`,
          ]
        : undefined,
  },
  // The soft delete policy's limitations: it "doesn't support registries configured for
  // geo-replication", and ACR "doesn't allow enabling both the retention policy and the soft delete
  // policy" (ACR docs, container-registry-soft-delete-policy.md, azure-management-docs d923d588).
  {
    reads: ["softDeleteDays", "retentionDays"],
    broken: (a) =>
      a.softDeleteDays && a.retentionDays !== undefined
        ? ["softDeleteDays", `${a.softDeleteDays} is not allowed together with retentionDays: Azure takes one of the two`]
        : undefined,
  },
  {
    reads: ["softDeleteDays", "replicas"],
    broken: (a) =>
      a.softDeleteDays && a.replicas.length > 0
        ? ["softDeleteDays", `${a.softDeleteDays} is not allowed together with replicas: soft delete does not work with geo-replication`]
        : undefined,
  },
  ...CACHE_COMBINATIONS,
];

/** ABAC repository permissions (ACR docs, container-registry-rbac-abac-repository-permissions.md, azure-management-docs d923d588). */
const REPOSITORY_PERMISSION_RULES: readonly Combination[] = [
  {
    reads: ["repositoryPermissions", "roleAssignments"],
    broken: (a) => {
      const index = a.repositoryPermissions === "abac" ? -1 : a.roleAssignments.findIndex((grant) => grant.repositories !== undefined);
      return index < 0
        ? undefined
        : [
            `roleAssignments[${index}].repositories`,
            `${show(a.roleAssignments[index].repositories)} needs repositoryPermissions: abac: a registry in rbac mode ignores conditions naming repositories`,
          ];
    },
  },
  {
    reads: ["repositoryPermissions", "roleAssignments"],
    broken: (a) => {
      const index = a.repositoryPermissions === "abac" ? a.roleAssignments.findIndex((grant) => grant.role in ABAC_EQUIVALENTS) : -1;
      if (index < 0) return undefined;
      const role = a.roleAssignments[index].role;
      return [
        `roleAssignments[${index}].role`,
        `${show(role)} is not allowed with repositoryPermissions: abac: a registry in ABAC mode does not honour it; use ${show(ABAC_EQUIVALENTS[role])}`,
      ];
    },
  },
  {
    // The CI identity is for pushing: Owner, Contributor and Reader keep only the registry's management
    // in ABAC mode, and only AcrPull/AcrPush/AcrDelete have a Repository equivalent the component grants.
    reads: ["repositoryPermissions", "servicePrincipal"],
    broken: (a) =>
      a.repositoryPermissions === "abac" && a.servicePrincipal.enabled && !(a.servicePrincipal.role in ABAC_EQUIVALENTS)
        ? [
            "servicePrincipal.role",
            `${show(a.servicePrincipal.role)} is not allowed with repositoryPermissions: abac: it gives no push or pull on a registry in ABAC mode; use ${oneOfText(Object.keys(ABAC_EQUIVALENTS))}, which the component grants as their Container Registry Repository roles`,
          ]
        : undefined,
  },
  {
    // ACR Tasks lose their data-plane access to an ABAC registry unless the task signs in to it with an
    // identity of its own (`--source-acr-auth-id`), which azure-native's Task (API 2019-06-01-preview) cannot set
    // (@pulumi/azure-native 3.28.0, containerregistry/task.d.ts; its source registry credentials take a loginMode only).
    reads: ["repositoryPermissions", "purge"],
    broken: (a) =>
      a.repositoryPermissions === "abac" && a.purge.length > 0
        ? [
            "purge",
            "is not allowed with repositoryPermissions: abac: ACR Tasks have no access to the repositories of a registry in ABAC mode",
          ]
        : undefined,
  },
];

/** The Premium gates of the table, as rules across `sku` and the setting. */
const PREMIUM_GATES: readonly Combination[] = SETTING_NAMES.flatMap((name) => {
  const setting: Setting<unknown> = SETTINGS[name];
  if (!setting.premium) return [];
  return [
    {
      reads: ["sku", name],
      broken: (a: ResolvedArgs) =>
        a.sku !== "Premium" && setting.premium?.(a[name]) ? [name, `${show(a[name])} needs sku Premium; sku is ${show(a.sku)}`] : undefined,
    } satisfies Combination,
  ];
});

/** Runs rules across settings, each unless a setting it reads has failed (its value is then a stand-in). */
function check(rules: readonly Combination[], args: ResolvedArgs, problems: Problems, failed: ReadonlySet<string>): void {
  for (const { reads, broken } of rules) {
    const found = reads.some((name) => failed.has(name)) ? undefined : broken(args);
    if (found) problems.attempt(() => fail(...found), undefined);
  }
}

function fail(setting: string, problem: string): never {
  throw new ValidationError(setting, problem);
}
