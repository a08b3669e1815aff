import * as authorization from "@pulumi/azure-native/authorization";
import * as containerregistry from "@pulumi/azure-native/containerregistry";
import * as storage from "@pulumi/azure-native/storage";
import { PolicyResource, validateResourceOfType } from "@pulumi/policy";
import { AUDIT_CATEGORY_GROUPS, PRIVILEGED_ROLES, REGISTRY_AUDIT_LOG_CATEGORIES, ROLE_DEFINITION_IDS } from "../components/azure-facts";
import { SECRET_MASK } from "./secret-mask";
import {
  adminUserDisabled,
  anonymousPullDisabled,
  armAudienceTokensDisabled,
  customerManagedKey,
  dedicatedDataEndpoints,
  exportsDisabled,
  networkRestricted,
  quarantineEnabled,
  retentionPolicySet,
  skuStandardOrPremium,
} from "./registry-rules";
import {
  AcrPolicy,
  DIAGNOSTIC_SETTING,
  REPLICATION,
  RegistryView,
  TASK,
  isDisabled,
  isEnabled,
  isRegistry,
  registryView,
} from "./registry-view";

export * from "./registry-rules";
export { registryView } from "./registry-view";
export type { AcrPolicy, RegistryView } from "./registry-view";

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
