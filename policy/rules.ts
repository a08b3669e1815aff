import * as authorization from "@pulumi/azure-native/authorization";
import * as containerregistry from "@pulumi/azure-native/containerregistry";
import * as storage from "@pulumi/azure-native/storage";
import {
  EnforcementLevel,
  PolicyResource,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  ReportViolation,
  StackValidationPolicy,
  validateResourceOfType,
} from "@pulumi/policy";
import {
  AUDIT_CATEGORY_GROUPS,
  PRIVILEGED_ROLES,
  REGISTRY_AUDIT_LOG_CATEGORIES,
  ROLE_DEFINITION_IDS,
  TYPED_REGISTRY_TOKEN,
  isGenericRegistry,
} from "../components/azure-facts";
import { SECRET_MASK } from "./secret-mask";

/**
 * A security rule for registries, as a @pulumi/policy object plus how strict it is on production
 * stacks. The offline plan and the tests call these directly; policy/index.ts hands the same
 * objects to `pulumi preview --policy-pack policy`.
 */
export type AcrPolicy = (ResourceValidationPolicy | StackValidationPolicy) & {
  enforcementLevel: EnforcementLevel;
  /** The level on production stacks (named prod or production, or tagged environment: prod). */
  productionEnforcementLevel: EnforcementLevel;
  /**
   * False for rules that need the offline plan's view: a real preview hands policies every secret
   * already decrypted, so "is this value a secret" cannot be asked there.
   */
  inPolicyPack: boolean;
};

const REPLICATION = "azure-native:containerregistry:Replication";
const DIAGNOSTIC_SETTING = "azure-native:monitor:DiagnosticSetting";
const TASK = "azure-native:containerregistry:Task";

/** Rules for Premium-only features do not apply to a Basic or Standard registry (the SKU rule covers that choice). */
const premiumOnly = (sku: { name?: unknown } | undefined, args: { notApplicable(reason?: string): never }) => {
  if (sku?.name !== "Premium") args.notApplicable("the feature needs the Premium SKU");
};

/**
 * A registry's settings as the policies read them. This component declares the registry with
 * azure-native's generic resource (settings under `properties`, see REGISTRY_API); a team's own
 * stack may use azure-native's typed Registry (settings at the top). Both read the same here.
 */
export interface RegistryView {
  sku?: { name?: string };
  adminUserEnabled?: boolean;
  anonymousPullEnabled?: boolean;
  publicNetworkAccess?: string;
  networkRuleSet?: { defaultAction?: string };
  networkRuleBypassAllowedForTasks?: boolean;
  zoneRedundancy?: string;
  dataEndpointEnabled?: boolean;
  policies?: {
    quarantinePolicy?: { status?: string };
    retentionPolicy?: { status?: string };
    exportPolicy?: { status?: string };
    azureADAuthenticationAsArmPolicy?: { status?: string };
  };
  encryption?: { status?: string };
}

/** The settings of a registry resource, or undefined when the resource is not a registry. */
export function registryView(type: string, props: Record<string, unknown>): RegistryView | undefined {
  if (type === TYPED_REGISTRY_TOKEN) return props;
  if (!isGenericRegistry(type, props)) return undefined;
  return { ...(props.properties as RegistryView | undefined), sku: props.sku as RegistryView["sku"] };
}

const isRegistry = (resource: PolicyResource) => registryView(resource.type, resource.props) !== undefined;

/** A resource rule that looks at registries only, either way they are declared. */
const validateRegistry =
  (check: (registry: RegistryView, args: ResourceValidationArgs, report: ReportViolation) => void) =>
  (args: ResourceValidationArgs, report: ReportViolation) => {
    const registry = registryView(args.type, args.props);
    if (registry) check(registry, args, report);
  };

const isEnabled = (status: unknown) => typeof status === "string" && status.toLowerCase() === "enabled";
const isDisabled = (status: unknown) => typeof status === "string" && status.toLowerCase() === "disabled";

export const adminUserDisabled: AcrPolicy = {
  name: "acr-admin-user-disabled",
  description: "The registry's admin user is off (Checkov CKV_AZURE_137, Azure Policy dc921057).",
  enforcementLevel: "advisory",
  productionEnforcementLevel: "mandatory",
  inPolicyPack: true,
  validateResource: validateRegistry((registry, _, report) => {
    if (registry.adminUserEnabled === true) {
      report(
        "The admin user is on: one shared username and password with push rights. Use Entra ID identities (servicePrincipal, roleAssignments) instead.",
      );
    }
  }),
};

export const anonymousPullDisabled: AcrPolicy = {
  name: "acr-anonymous-pull-disabled",
  description: "Anonymous (unauthenticated) pull is off (CKV_AZURE_138, Azure Policy 9f2dea28).",
  enforcementLevel: "mandatory",
  productionEnforcementLevel: "mandatory",
  inPolicyPack: true,
  validateResource: validateRegistry((registry, _, report) => {
    if (registry.anonymousPullEnabled === true) report("Anonymous pull is on: anyone on the internet can pull every image.");
  }),
};

export const networkRestricted: AcrPolicy = {
  name: "acr-network-restricted",
  description:
    "Public network access is Disabled, or restricted by network rules with default action Deny (CKV_AZURE_139, Azure Policy 0fdf0491 / d0793b48).",
  enforcementLevel: "advisory",
  productionEnforcementLevel: "mandatory",
  inPolicyPack: true,
  validateResource: validateRegistry((registry, _, report) => {
    if (isDisabled(registry.publicNetworkAccess)) return;
    if (registry.networkRuleSet?.defaultAction === "Deny") return;
    report(
      "The registry accepts connections from any network. Set publicNetworkAccess: Disabled (with privateEndpoints) or ipRules (Premium).",
    );
  }),
};

export const skuStandardOrPremium: AcrPolicy = {
  name: "acr-sku-standard-or-premium",
  description: "The SKU is Standard or Premium (CKV_AZURE_163): Basic has the lowest limits and no network or retention features.",
  enforcementLevel: "advisory",
  productionEnforcementLevel: "mandatory",
  inPolicyPack: true,
  validateResource: validateRegistry((registry, _, report) => {
    if (registry.sku?.name === "Basic") report("The registry is Basic: use Standard or Premium.");
  }),
};

export const quarantineEnabled: AcrPolicy = {
  name: "acr-quarantine-enabled",
  description: "The quarantine policy is on (CKV_AZURE_166; Premium). Advisory: it holds every pushed image until a scanner releases it.",
  enforcementLevel: "advisory",
  productionEnforcementLevel: "advisory",
  inPolicyPack: true,
  validateResource: validateRegistry((registry, args, report) => {
    premiumOnly(registry.sku, args);
    if (!isEnabled(registry.policies?.quarantinePolicy?.status))
      report("The quarantine policy is off: set quarantine: true once a scanner releases quarantined images.");
  }),
};

export const retentionPolicySet: AcrPolicy = {
  name: "acr-retention-policy-set",
  description: "A retention policy deletes untagged manifests (CKV_AZURE_167; Premium).",
  enforcementLevel: "advisory",
  productionEnforcementLevel: "advisory",
  inPolicyPack: true,
  validateResource: validateRegistry((registry, args, report) => {
    premiumOnly(registry.sku, args);
    if (!isEnabled(registry.policies?.retentionPolicy?.status))
      report("No retention policy: untagged manifests stay forever. Set retentionDays (Premium).");
  }),
};

export const dedicatedDataEndpoints: AcrPolicy = {
  name: "acr-dedicated-data-endpoints",
  description: "Dedicated data endpoints are on (CKV_AZURE_237; Premium): firewall rules can name the registry's own data hosts.",
  enforcementLevel: "advisory",
  productionEnforcementLevel: "advisory",
  inPolicyPack: true,
  validateResource: validateRegistry((registry, args, report) => {
    premiumOnly(registry.sku, args);
    if (registry.dataEndpointEnabled !== true) report("Dedicated data endpoints are off: set dataEndpointEnabled: true (Premium).");
  }),
};

export const armAudienceTokensDisabled: AcrPolicy = {
  name: "acr-arm-audience-tokens-disabled",
  description:
    "Entra ID tokens with the ARM audience are refused for registry access, set explicitly (Azure Policy 42781ec6). Advisory everywhere: App Service and Container Apps pull with such tokens.",
  enforcementLevel: "advisory",
  // Azure's own definition audits rather than denies, and Azure's own App Service and Container
  // Apps need ARM-audience tokens to pull: a production stack that serves them must be able to.
  productionEnforcementLevel: "advisory",
  inPolicyPack: true,
  validateResource: validateRegistry((registry, _, report) => {
    if (!isDisabled(registry.policies?.azureADAuthenticationAsArmPolicy?.status)) {
      report(
        "ARM-audience tokens are not explicitly disabled: any ARM token of an identity with access can be used against the registry. Set armAudienceTokensEnabled: false unless App Service or Container Apps pull from it.",
      );
    }
  }),
};

export const exportsDisabled: AcrPolicy = {
  name: "acr-exports-disabled",
  description: "Exporting artifacts is disabled (Azure Policy 524b0254); only possible with public network access Disabled.",
  enforcementLevel: "advisory",
  productionEnforcementLevel: "advisory",
  inPolicyPack: true,
  validateResource: validateRegistry((registry, args, report) => {
    premiumOnly(registry.sku, args);
    if (!isDisabled(registry.policies?.exportPolicy?.status))
      report("Exports are allowed: set exportEnabled: false (needs publicNetworkAccess: Disabled).");
  }),
};

export const customerManagedKey: AcrPolicy = {
  name: "acr-customer-managed-key",
  description: "The registry is encrypted with a customer-managed key (Azure Policy 5b9159ae; Premium).",
  enforcementLevel: "advisory",
  productionEnforcementLevel: "advisory",
  inPolicyPack: true,
  validateResource: validateRegistry((registry, args, report) => {
    premiumOnly(registry.sku, args);
    if (!isEnabled(registry.encryption?.status))
      report(
        "Encryption uses Microsoft-managed keys: set encryption with a Key Vault key if your compliance needs a customer-managed key.",
      );
  }),
};

export const webhooksUseHttps: AcrPolicy = {
  name: "acr-webhook-https",
  description: "Webhooks call https URIs only (CKV2_AZURE_30).",
  enforcementLevel: "mandatory",
  productionEnforcementLevel: "mandatory",
  inPolicyPack: true,
  validateResource: validateResourceOfType(containerregistry.Webhook, (webhook, _, report) => {
    const uri = webhook.serviceUri;
    if (typeof uri === "string" && uri !== SECRET_MASK && !uri.toLowerCase().startsWith("https://")) {
      report("The webhook's serviceUri is not https: its payload and headers would travel in clear text.");
    }
  }),
};

export const storageHardened: AcrPolicy = {
  name: "storage-account-hardened",
  description: "Storage accounts: HTTPS only, TLS 1.2, no public blob access, no shared keys, infrastructure encryption.",
  enforcementLevel: "mandatory",
  productionEnforcementLevel: "mandatory",
  inPolicyPack: true,
  validateResource: validateResourceOfType(storage.StorageAccount, (account, _, report) => {
    const problems: string[] = [];
    if (account.enableHttpsTrafficOnly === false) problems.push("HTTP is allowed");
    if (account.minimumTlsVersion !== "TLS1_2" && account.minimumTlsVersion !== "TLS1_3") problems.push("TLS below 1.2 is allowed");
    if (account.allowBlobPublicAccess !== false) problems.push("public blob access is not turned off");
    if (account.allowSharedKeyAccess !== false) problems.push("shared key access is not turned off");
    if (account.encryption?.requireInfrastructureEncryption !== true) problems.push("infrastructure encryption is off");
    if (problems.length > 0) report(`The storage account is not hardened: ${problems.join("; ")}.`);
  }),
};

export const leastPrivilegeRoles: AcrPolicy = {
  name: "acr-least-privilege-roles",
  description: "Role assignments use AcrPull/AcrPush/AcrDelete-style roles: Owner and Contributor need an explicit exception.",
  enforcementLevel: "advisory",
  productionEnforcementLevel: "mandatory",
  inPolicyPack: true,
  validateResource: validateResourceOfType(authorization.RoleAssignment, (assignment, _, report) => {
    const roleId = String(assignment.roleDefinitionId ?? "")
      .split("/")
      .pop()
      ?.toLowerCase();
    const role = PRIVILEGED_ROLES.find((name) => ROLE_DEFINITION_IDS[name] === roleId);
    if (role) {
      report(
        `${assignment.principalType ?? "A principal"} ${String(assignment.principalId)} gets ${role}: it can change the registry and grant access. CI needs AcrPush, runtimes AcrPull.`,
      );
    }
  }),
};

/** Resources whose inputs reference this resource through one property. */
const referencing = (resources: PolicyResource[], target: PolicyResource, type: string, property: string) =>
  resources.filter((r) => r.type === type && (r.propertyDependencies[property] ?? []).some((d) => d.urn === target.urn));

/** The diagnostic settings with a destination that a registry's inputs reference, and their enabled log entries. */
function registryLogSettings(resources: PolicyResource[], registry: PolicyResource) {
  return referencing(resources, registry, DIAGNOSTIC_SETTING, "resourceUri")
    .filter((setting) => Boolean(setting.props.storageAccountId || setting.props.workspaceId || setting.props.eventHubAuthorizationRuleId))
    .map((setting) =>
      ((setting.props.logs ?? []) as { category?: string; categoryGroup?: string; enabled?: boolean }[]).filter((l) => l.enabled),
    );
}

const byCategoryGroup = (logs: { categoryGroup?: string }[]) => logs.some((l) => AUDIT_CATEGORY_GROUPS.some((g) => g === l.categoryGroup));

export const auditLogsToStorage: AcrPolicy = {
  name: "acr-audit-logs",
  description:
    "Each registry sends ContainerRegistryLoginEvents and ContainerRegistryRepositoryEvents to a destination, by category or by the category group audit or allLogs (PSRule Azure.ACR.AuditLogs).",
  enforcementLevel: "mandatory",
  productionEnforcementLevel: "mandatory",
  inPolicyPack: true,
  validateStack: (args, report) => {
    for (const registry of args.resources.filter(isRegistry)) {
      const covered = registryLogSettings(args.resources, registry).some(
        (logs) => byCategoryGroup(logs) || REGISTRY_AUDIT_LOG_CATEGORIES.every((c) => logs.some((l) => l.category === c)),
      );
      if (!covered) report(`Registry ${registry.name} has no diagnostic setting that keeps its login and repository events.`, registry.urn);
    }
  },
};

export const resourceLogsByCategoryGroup: AcrPolicy = {
  name: "acr-resource-logs-category-group",
  description:
    "Each registry's resource logs are enabled as the category group audit or allLogs, which Azure Policy 187242f4 (Resource logs should be enabled for Audit on supported resources) counts; a list of single categories it does not.",
  enforcementLevel: "advisory",
  productionEnforcementLevel: "mandatory",
  inPolicyPack: true,
  validateStack: (args, report) => {
    for (const registry of args.resources.filter(isRegistry)) {
      if (registryLogSettings(args.resources, registry).some(byCategoryGroup)) continue;
      report(
        `Registry ${registry.name} has no diagnostic setting with the category group audit or allLogs enabled: Azure Policy 187242f4 reports it.`,
        registry.urn,
      );
    }
  },
};

export const zoneRedundantAndReplicated: AcrPolicy = {
  name: "acr-zone-redundant-geo-replicated",
  description:
    "Premium registries are zone-redundant and geo-replicated, each replica zone-redundant too (CKV_AZURE_165, CKV_AZURE_233, Azure Policy 9d2b0a20). Advisory: availability, at the cost of a Premium registry per region.",
  enforcementLevel: "advisory",
  productionEnforcementLevel: "advisory",
  inPolicyPack: true,
  validateStack: (args, report) => {
    const premium = (r: PolicyResource) => registryView(r.type, r.props)?.sku?.name === "Premium";
    for (const registry of args.resources.filter((r) => isRegistry(r) && premium(r))) {
      const replicas = referencing(args.resources, registry, REPLICATION, "registryName");
      const problems: string[] = [];
      if (!isEnabled(registryView(registry.type, registry.props)?.zoneRedundancy)) problems.push("the registry is not zone-redundant");
      if (replicas.length === 0) problems.push("it has no replica in another region");
      for (const replica of replicas)
        if (!isEnabled(replica.props.zoneRedundancy)) problems.push(`replica ${replica.name} is not zone-redundant`);
      if (problems.length > 0) report(`Registry ${registry.name}: ${problems.join("; ")} (Premium).`, registry.urn);
    }
  },
};

const CREDENTIAL_NAME = /(password|secret|connectionstring|accesskey|apikey|token)$/i;

export const secretsOnlyAsSecrets: AcrPolicy = {
  name: "secrets-only-as-secrets",
  description: "Every credential in resource inputs and stack outputs is a Pulumi secret, never plain text in state.",
  enforcementLevel: "mandatory",
  productionEnforcementLevel: "mandatory",
  inPolicyPack: false,
  validateStack: (args, report) => {
    for (const resource of args.resources) {
      for (const path of plainCredentials(resource.props)) {
        report(`${resource.name}: ${path} holds a credential in plain text; wrap it in pulumi.secret().`, resource.urn);
      }
    }
  },
};

/** Paths of values under credential-like names that are not secrets. */
function plainCredentials(value: unknown, path = ""): string[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => plainCredentials(item, `${path}[${i}]`));
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value as Record<string, unknown>).flatMap(([key, item]) => {
    const here = path ? `${path}.${key}` : key;
    if (CREDENTIAL_NAME.test(key) && typeof item === "string" && item !== "" && item !== SECRET_MASK) return [here];
    return plainCredentials(item, here);
  });
}

/** A registry closed to the public internet, or open to an allow list only. */
const networkRestrictedRegistry = (registry: RegistryView) =>
  isDisabled(registry.publicNetworkAccess) || registry.networkRuleSet?.defaultAction === "Deny";

export const purgeTasksReachRegistry: AcrPolicy = {
  name: "acr-purge-tasks-network",
  description:
    "ACR Tasks (the scheduled purge) reach a network-restricted registry only when the registry lets tasks bypass its network rules (networkRuleBypassAllowedForTasks, API 2025-05-01-preview and later). Advisory: a registry declared with azure-native's typed Registry cannot set it in code.",
  enforcementLevel: "advisory",
  productionEnforcementLevel: "advisory",
  inPolicyPack: true,
  validateStack: (args, report) => {
    for (const resource of args.resources) {
      const registry = registryView(resource.type, resource.props);
      if (!registry || !networkRestrictedRegistry(registry) || registry.networkRuleBypassAllowedForTasks === true) continue;
      const tasks = referencing(args.resources, resource, TASK, "registryName");
      if (tasks.length === 0) continue;
      report(
        `Registry ${resource.name} is network-restricted and has ${tasks.length} task(s) that would fail at every run: ` +
          "set networkRuleBypassAllowedForTasks: true on the registry (API 2025-06-01-preview or later; azure-native's typed Registry cannot).",
        resource.urn,
      );
    }
  },
};

/** Outputs through which Azure or Entra ID hand back a credential, by resource type. */
const CREDENTIAL_OUTPUTS: Record<string, string[]> = {
  "azure-native:containerregistry:Token": ["credentials"],
  "azuread:index/applicationPassword:ApplicationPassword": ["value"],
  "azuread:index/servicePrincipalPassword:ServicePrincipalPassword": ["value"],
  "azure-native:containerregistry:Webhook": ["serviceUri"],
};

export const credentialOutputsSecret: AcrPolicy = {
  name: "credential-outputs-secret",
  description: "Resources that return a credential (token passwords, client secrets, webhook URIs) keep it secret in state.",
  enforcementLevel: "mandatory",
  productionEnforcementLevel: "mandatory",
  inPolicyPack: true,
  validateResource: (args, report) => {
    const missing = (CREDENTIAL_OUTPUTS[args.type] ?? []).filter((output) => !args.opts.additionalSecretOutputs.includes(output));
    if (missing.length > 0) {
      report(`${missing.join(", ")} would be stored in state as plain text: add additionalSecretOutputs: ${JSON.stringify(missing)}.`);
    }
  },
};

/** Every rule, in the order the plan reports them. */
export const policies: readonly AcrPolicy[] = [
  adminUserDisabled,
  anonymousPullDisabled,
  networkRestricted,
  skuStandardOrPremium,
  zoneRedundantAndReplicated,
  quarantineEnabled,
  retentionPolicySet,
  dedicatedDataEndpoints,
  armAudienceTokensDisabled,
  exportsDisabled,
  customerManagedKey,
  auditLogsToStorage,
  resourceLogsByCategoryGroup,
  storageHardened,
  webhooksUseHttps,
  leastPrivilegeRoles,
  purgeTasksReachRegistry,
  secretsOnlyAsSecrets,
  credentialOutputsSecret,
];
