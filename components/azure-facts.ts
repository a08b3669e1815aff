/**
 * Azure facts the component depends on, each kept once, as data; each names the source it was read from.
 */

/**
 * The built-in roles the component assigns on a registry. An object of names (not a list) so that the
 * SDK's schema analyzer reads it as an enum for other Pulumi languages (provider/schema.ts). The four
 * `Container Registry Repository` roles are the data-plane roles of a registry in ABAC mode
 * (MicrosoftDocs/azure-docs articles/role-based-access-control/built-in-roles/containers.md at
 * 0088bfa7, 2025-06-30).
 */
export const RoleName = {
  AcrPull: "AcrPull",
  AcrPush: "AcrPush",
  AcrDelete: "AcrDelete",
  Reader: "Reader",
  Contributor: "Contributor",
  Owner: "Owner",
  AcrQuarantineReader: "AcrQuarantineReader",
  AcrQuarantineWriter: "AcrQuarantineWriter",
  ContainerRegistryRepositoryReader: "Container Registry Repository Reader",
  ContainerRegistryRepositoryWriter: "Container Registry Repository Writer",
  ContainerRegistryRepositoryContributor: "Container Registry Repository Contributor",
  ContainerRegistryRepositoryCatalogLister: "Container Registry Repository Catalog Lister",
} as const;
export type RoleName = (typeof RoleName)[keyof typeof RoleName];
export const ROLE_NAMES = Object.values(RoleName);

/** Built-in role definition GUIDs: the same in every subscription. */
export const ROLE_DEFINITION_IDS: { readonly [role in RoleName]: string } = {
  AcrPull: "7f951dda-4ed3-4680-a7ca-43fe172d538d",
  AcrPush: "8311e382-0749-4cb8-b61a-304f252e45ec",
  AcrDelete: "c2f4ef07-c644-48eb-af81-4b1b4947fb11",
  Reader: "acdd72a7-3385-48ef-bd42-f606fba81ae7",
  Contributor: "b24988ac-6180-42a0-ab88-20f7382dd24c",
  Owner: "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
  AcrQuarantineReader: "cdda3590-29a3-44f6-95f2-9f980659eb04",
  AcrQuarantineWriter: "c8d4ff99-41c3-41a8-9f60-21dfdad59608",
  "Container Registry Repository Reader": "b93aa761-3e63-49ed-ac28-beffa264f7ac",
  "Container Registry Repository Writer": "2a1e307c-b015-4ebd-883e-5b7698a07328",
  "Container Registry Repository Contributor": "2efddaa5-3f1f-4df3-97df-af3f13818f4c",
  "Container Registry Repository Catalog Lister": "bfdb9389-c9a5-478a-bb2f-ba9ca092c3c7",
};

/** Roles that can change the registry or grant access to it: more than pushing or pulling needs. */
export const PRIVILEGED_ROLES: readonly RoleName[] = ["Owner", "Contributor"];

/**
 * The roles that take an ABAC condition naming repositories, each with every data action it grants:
 * a condition must name them all, or the actions left out stay granted on every repository (ACR docs,
 * container-registry-rbac-abac-repository-permissions.md, MicrosoftDocs/azure-management-docs
 * d923d588; the actions from the built-in roles page above). Catalog Lister takes no condition.
 */
export const REPOSITORY_ROLE_DATA_ACTIONS: Partial<Record<RoleName, readonly string[]>> = {
  "Container Registry Repository Reader": ["content/read", "metadata/read"],
  "Container Registry Repository Writer": ["content/read", "metadata/read", "content/write", "metadata/write"],
  "Container Registry Repository Contributor": [
    "content/read",
    "metadata/read",
    "content/write",
    "metadata/write",
    "content/delete",
    "metadata/delete",
  ],
};
export const REPOSITORY_SCOPED_ROLES = Object.keys(REPOSITORY_ROLE_DATA_ACTIONS) as RoleName[];

/**
 * The registry's role assignment modes (`roleAssignmentMode`, API 2025-11-01), and the legacy roles a
 * registry in ABAC mode does not honour, with what Microsoft names as their ABAC equivalents (ACR docs,
 * "Migrate from RBAC-only to ABAC-enabled mode"; AcrPull's also needs Catalog Lister to list repositories).
 */
export const ROLE_ASSIGNMENT_MODES = { rbac: "LegacyRegistryPermissions", abac: "AbacRepositoryPermissions" } as const;
export const ABAC_EQUIVALENTS: Partial<Record<RoleName, RoleName>> = {
  AcrPull: "Container Registry Repository Reader",
  AcrPush: "Container Registry Repository Writer",
  AcrDelete: "Container Registry Repository Contributor",
};

/** The roles a principal created by the component may hold on the registry. */
export const SERVICE_PRINCIPAL_ROLES: readonly RoleName[] = ["AcrPull", "AcrPush", "AcrDelete", "Reader", "Contributor", "Owner"];

/** The full ARM id of a built-in role definition in a subscription. */
export function roleDefinitionId(subscriptionId: string, role: RoleName): string {
  return builtInRoleDefinitionId(subscriptionId, ROLE_DEFINITION_IDS[role]);
}

/** The full ARM id of the built-in role definition with this GUID, in a subscription. */
export function builtInRoleDefinitionId(subscriptionId: string, definitionGuid: string): string {
  return `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${definitionGuid}`;
}

/** The type tokens of azure-native's generic resource, and of its typed registry (which a team's own stack may use). */
export const GENERIC_RESOURCE_TOKEN = "azure-native:resources:Resource";
export const TYPED_REGISTRY_TOKEN = "azure-native:containerregistry:Registry";

/**
 * The registry is declared with azure-native's generic resource at this API version, because
 * azure-native 3.x's typed `containerregistry.Registry` sends API 2023-01-01-preview, which has
 * neither `networkRuleBypassAllowedForTasks` nor `roleAssignmentMode` (ABAC repository permissions). The body is checked in the
 * tests against Microsoft's OpenAPI specification of this version (tests/fixtures/azure-specs/, each
 * file naming its source). See docs/registry-api.md for the choice and its trade-offs.
 */
export const REGISTRY_API = {
  namespace: "Microsoft.ContainerRegistry",
  type: "registries",
  version: "2025-11-01",
  /** Soft delete is in preview: a registry that uses it is declared at this version instead. */
  softDeleteVersion: "2026-03-01-preview",
  /** The Pulumi type token of the generic resource, as policies and tests see it. */
  token: GENERIC_RESOURCE_TOKEN,
} as const;

/**
 * The ARM resource type (`Microsoft.ContainerRegistry/registries`) that the inputs of azure-native's
 * generic resource stand for, from its namespace, parent path and type.
 */
export function genericResourceType(inputs: Record<string, unknown>): string {
  const text = (value: unknown) => (typeof value === "string" ? value : "");
  const parent = text(inputs.parentResourcePath);
  return `${text(inputs.resourceProviderNamespace)}/${parent ? `${parent}/` : ""}${text(inputs.resourceType)}`;
}

/**
 * The ARM type and API version a generic azure-native resource stands for, as the plan shows it
 * (`Microsoft.ContainerRegistry/registries@2025-11-01`); undefined for any other resource.
 */
export function genericArmType(type: string, inputs: Record<string, unknown>): string | undefined {
  if (type !== GENERIC_RESOURCE_TOKEN) return undefined;
  return `${genericResourceType(inputs)}${typeof inputs.apiVersion === "string" ? `@${inputs.apiVersion}` : ""}`;
}

/** Whether a resource is a registry, declared either way. */
export function isRegistryResource(type: string, inputs: Record<string, unknown>): boolean {
  return type === TYPED_REGISTRY_TOKEN || isGenericRegistry(type, inputs);
}

/** Whether a resource (type token and inputs) is a registry at REGISTRY_API, as the component declares it. */
export function isGenericRegistry(type: string, inputs: Record<string, unknown>): boolean {
  return (
    type === REGISTRY_API.token &&
    genericResourceType(inputs).toLowerCase() === `${REGISTRY_API.namespace}/${REGISTRY_API.type}`.toLowerCase()
  );
}

// The sets of words below are objects of names, each with a type of the same name, because the SDK's
// schema analyzer reads that form (or a TypeScript enum) as an enum for other languages, and not a
// union of string literals.
export const Sku = { Basic: "Basic", Standard: "Standard", Premium: "Premium" } as const;
export type Sku = (typeof Sku)[keyof typeof Sku];
export const SKUS = Object.values(Sku);

export const PrincipalType = { User: "User", Group: "Group", ServicePrincipal: "ServicePrincipal" } as const;
export type PrincipalType = (typeof PrincipalType)[keyof typeof PrincipalType];
export const PRINCIPAL_TYPES = Object.values(PrincipalType);

/** Registry names become `<name>.azurecr.io`: 5 to 50 letters and digits, globally unique. */
export const REGISTRY_NAME = { pattern: /^[A-Za-z0-9]{5,50}$/, rule: "5 to 50 letters and digits", maxLength: 50 } as const;

/** Storage account names: 3 to 24 lower-case letters and digits, globally unique. */
export const STORAGE_ACCOUNT_NAME = { pattern: /^[a-z0-9]{3,24}$/, rule: "3 to 24 lower-case letters and digits", maxLength: 24 } as const;

/** Resource group names: 1 to 90 letters, digits, `-_.()`, not ending in a period. */
export const RESOURCE_GROUP_NAME = {
  pattern: /^[-\w.()]{0,89}[-\w()]$/,
  rule: "1 to 90 letters, digits, '-', '_', '.', '(' or ')', not ending in '.'",
} as const;

export const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** The registry's resource log categories that record who logged in and what was pushed, pulled or deleted. */
export const REGISTRY_AUDIT_LOG_CATEGORIES = ["ContainerRegistryLoginEvents", "ContainerRegistryRepositoryEvents"] as const;
/**
 * The category groups Azure Policy 187242f4 accepts; allLogs holds every category above. They are
 * also the only two Azure Monitor has ("Currently, there are two category groups": allLogs, audit;
 * diagnostic-settings.md, "Category groups").
 */
export const CategoryGroup = { audit: "audit", allLogs: "allLogs" } as const;
export type CategoryGroup = (typeof CategoryGroup)[keyof typeof CategoryGroup];
export const AUDIT_CATEGORY_GROUPS = Object.values(CategoryGroup);
/** The group the component's diagnostic setting sends: all of the registry's categories. */
export const REGISTRY_LOG_CATEGORY_GROUP = "allLogs";

/** Tag every taggable resource carries so that its origin is plain in the portal and in cost reports. */
export const MANAGED_BY_TAG = { "managed-by": "acr-infra" } as const;

/** Webhook actions ACR can notify about. */
export const WebhookAction = {
  push: "push",
  delete: "delete",
  quarantine: "quarantine",
  chart_push: "chart_push",
  chart_delete: "chart_delete",
} as const;
export type WebhookAction = (typeof WebhookAction)[keyof typeof WebhookAction];
export const WEBHOOK_ACTIONS = Object.values(WebhookAction);

/** Webhook, scope map and token names: 5 to 50 letters and digits (tokens and scope maps also allow '-'). */
export const WEBHOOK_NAME = { pattern: /^[A-Za-z0-9]{5,50}$/, rule: "5 to 50 letters and digits" } as const;
export const SCOPE_MAP_NAME = { pattern: /^[A-Za-z0-9-]{5,50}$/, rule: "5 to 50 letters, digits and '-'" } as const;

/** ACR private endpoints resolve through this private DNS zone. */
export const REGISTRY_PRIVATE_DNS_ZONE = "privatelink.azurecr.io";

/** GitHub Actions OIDC: the issuer and audience Entra ID federated credentials trust. */
export const GITHUB_OIDC = { issuer: "https://token.actions.githubusercontent.com", audience: "api://AzureADTokenExchange" } as const;

/** ARM ids the settings refer to. */
export const ARM_ID = {
  subnet: /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Network\/virtualNetworks\/[^/]+\/subnets\/[^/]+$/i,
  privateDnsZone:
    /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Network\/privateDnsZones\/privatelink\.azurecr\.io$/i,
  userAssignedIdentity:
    /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.ManagedIdentity\/userAssignedIdentities\/[^/]+$/i,
  // Names as Azure's naming rules allow them (Azure Resource Manager docs, resource-name-rules.md):
  // workspaces 4-63 letters, digits and '-', starting and ending with a letter or digit; Event Hubs
  // namespaces 6-50 letters, digits and '-', starting with a letter; their authorization rules 1-50
  // letters, digits, '.', '-' and '_', starting and ending with a letter or digit.
  logAnalyticsWorkspace:
    /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.OperationalInsights\/workspaces\/[A-Za-z0-9][A-Za-z0-9-]{2,61}[A-Za-z0-9]$/i,
  /** An Event Hubs namespace's authorization rule (not an event hub's own: Azure Monitor streams through the namespace's). */
  eventHubNamespaceRule:
    /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.EventHub\/namespaces\/[A-Za-z][A-Za-z0-9-]{4,48}[A-Za-z0-9]\/authorizationRules\/[A-Za-z0-9](?:[A-Za-z0-9._-]{0,48}[A-Za-z0-9])?$/i,
} as const;

/** Event hub names: 1 to 256 letters, digits, '.', '-' and '_', starting and ending with a letter or digit (resource-name-rules.md). */
export const EVENT_HUB_NAME = {
  pattern: /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,254}[A-Za-z0-9])?$/,
  rule: "1 to 256 letters, digits, '.', '-' or '_', starting and ending with a letter or digit",
} as const;

/**
 * Azure Monitor: "A single diagnostic setting can define no more than one of each destination ...
 * Each resource can have up to five diagnostic settings" (azure-monitor-docs,
 * articles/azure-monitor/platform/diagnostic-settings.md, ms.date 03/31/2026).
 */
export const MAX_DIAGNOSTIC_SETTINGS_PER_RESOURCE = 5;

/** The only metric category a diagnostic setting takes for most services, ACR included (same page, "Metric category isn't supported"). */
export const ALL_METRICS = "AllMetrics";

/** A Key Vault key URI without a version, so the registry follows key rotation. */
export const VERSIONLESS_KEY_URI = /^https:\/\/[a-z0-9-]{3,24}\.vault\.azure\.net\/keys\/[A-Za-z0-9-]{1,127}\/?$/;

/**
 * Artifact cache (pull-through cache) facts. Available in Basic, Standard and Premium
 * (MicrosoftDocs/azure-management-docs articles/container-registry/artifact-cache-overview.md at
 * 77ed42b, 2026-06-11), so the component gates it on no SKU; at most 1,000 cache rules a registry.
 */
export const MAX_CACHE_RULES = 1000;

/**
 * Cache rule and credential set names: 5 to 50 letters, digits and '-' (Azure/azure-rest-api-specs
 * Registry/CacheRule.tsp and CredentialSet.tsp: NamePattern ^[a-zA-Z0-9-]*$, length 5..50).
 */
export const CACHE_NAME = { pattern: /^[A-Za-z0-9-]{5,50}$/, rule: "5 to 50 letters, digits and '-'" } as const;

/** How an upstream lets the cache pull: with a credential set only, without one only, or either way. */
export type UpstreamPulls = "authenticated" | "anonymous" | "either";

/**
 * The upstream registries artifact cache supports, by login server, and whether it needs (or refuses)
 * a credential set: the "Upstream support" table of artifact-cache-overview.md at 77ed42b
 * (2026-06-11). Azure Container Registry upstreams (`*.azurecr.io`) authenticate with a managed
 * identity on the cache rule (API 2026-01-01-preview, artifact-cache-acr-to-acr-cli.md), which
 * azure-native's CacheRule (2024-11-01-preview) cannot send: not offered.
 */
export const CACHE_UPSTREAMS: ReadonlyArray<{ host: string; name: string; pulls: UpstreamPulls }> = [
  { host: "docker.io", name: "Docker Hub", pulls: "authenticated" },
  { host: "dhi.io", name: "Docker Hardened Images", pulls: "authenticated" },
  { host: "mcr.microsoft.com", name: "Microsoft Artifact Registry", pulls: "anonymous" },
  { host: "public.ecr.aws", name: "AWS ECR Public Gallery", pulls: "anonymous" },
  { host: "ghcr.io", name: "GitHub Container Registry", pulls: "either" },
  { host: "quay.io", name: "Quay", pulls: "either" },
  { host: "registry.k8s.io", name: "Kubernetes registry", pulls: "either" },
  { host: "*.pkg.dev", name: "Google Artifact Registry", pulls: "authenticated" },
  { host: "gcr.io", name: "Google Container Registry (legacy)", pulls: "either" },
  { host: "nvcr.io", name: "NVIDIA NGC", pulls: "either" },
  { host: "registry.redhat.io", name: "Red Hat Registry", pulls: "authenticated" },
  { host: "registry.access.redhat.com", name: "Red Hat Public Registry", pulls: "anonymous" },
];

/** The upstream a login server is, if artifact cache supports it (`*.pkg.dev` stands for any `<location>-docker.pkg.dev`). */
export function cacheUpstream(host: string): (typeof CACHE_UPSTREAMS)[number] | undefined {
  const lower = host.toLowerCase();
  return CACHE_UPSTREAMS.find((u) => (u.host.startsWith("*.") ? /^[a-z0-9-]+\.pkg\.dev$/.test(lower) : u.host === lower));
}

/**
 * Key Vault Secrets User: reads secret values (vaults/secrets/getSecret/action), on vaults that use
 * the Azure RBAC permission model only (MicrosoftDocs/azure-docs
 * articles/role-based-access-control/built-in-roles/security.md, 2026-02-23). Artifact cache's
 * documented least-privileged role for a credential set's identity (artifact-cache-cli.md).
 */
export const KEY_VAULT_SECRETS_USER = { name: "Key Vault Secrets User", id: "4633458b-17de-408a-b874-0445c86b69e6" } as const;

/** The vault name a Key Vault secret URI points at, lower case ("" if it is none). */
export function vaultOfSecretUri(uri: string): string {
  return (KEY_VAULT_SECRET_URI.exec(uri)?.[1] ?? "").toLowerCase();
}

/** The vault name of a Key Vault's ARM id, lower case (undefined if it is none). */
export function vaultOfKeyVaultId(id: string): string | undefined {
  return KEY_VAULT_ID.exec(id)?.[2].toLowerCase();
}

/** A Key Vault's ARM id; the subscription and vault name are captured. */
export const KEY_VAULT_ID =
  /^\/subscriptions\/([^/]+)\/resourceGroups\/[^/]+\/providers\/Microsoft\.KeyVault\/vaults\/([A-Za-z0-9-]{3,24})$/i;

/**
 * A Key Vault secret URI, with or without a version; the vault name is captured
 * (`https://<vault>.vault.azure.net/secrets/<name>[/<version>]`, as the credential set examples of
 * the 2025-11-01 spec send them).
 */
export const KEY_VAULT_SECRET_URI = /^https:\/\/([a-z0-9-]{3,24})\.vault\.azure\.net\/secrets\/[A-Za-z0-9-]{1,127}(?:\/[0-9a-f]{32})?\/?$/i;

/**
 * The levels of an Azure management lock that refuse something: CanNotDelete refuses deletes,
 * ReadOnly refuses every change (Azure Resource Manager docs, "Lock your resources to protect your
 * infrastructure").
 */
export const LOCK_LEVELS = ["CanNotDelete", "ReadOnly"] as const;
export type LockLevel = (typeof LOCK_LEVELS)[number];

/**
 * A repository name's path component, and a whole repository name, in the OCI distribution spec's
 * grammar (spec.md, "Pulling manifests": `[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(\/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*`),
 * as regular-expression source to build patterns from.
 */
export const REPOSITORY_NAME_COMPONENT = "[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*";
export const REPOSITORY_NAME_PATH = `${REPOSITORY_NAME_COMPONENT}(?:/${REPOSITORY_NAME_COMPONENT})*`;
