/**
 * Azure facts the component depends on, each kept once, as data; each names the source it was read from.
 */

/**
 * The built-in roles the component assigns on a registry. An object of names (not a list) so that the
 * SDK's schema analyzer reads it as an enum for other Pulumi languages (provider/schema.ts).
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
};

/** Roles that can change the registry or grant access to it: more than pushing or pulling needs. */
export const PRIVILEGED_ROLES: readonly RoleName[] = ["Owner", "Contributor"];

/** The roles a principal created by the component may hold on the registry. */
export const SERVICE_PRINCIPAL_ROLES: readonly RoleName[] = ["AcrPull", "AcrPush", "AcrDelete", "Reader", "Contributor", "Owner"];

/** The full ARM id of a built-in role definition in a subscription. */
export function roleDefinitionId(subscriptionId: string, role: RoleName): string {
  return `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${ROLE_DEFINITION_IDS[role]}`;
}

/** The type tokens of azure-native's generic resource, and of its typed registry (which a team's own stack may use). */
export const GENERIC_RESOURCE_TOKEN = "azure-native:resources:Resource";
export const TYPED_REGISTRY_TOKEN = "azure-native:containerregistry:Registry";

/**
 * The registry is declared with azure-native's generic resource at this API version, because
 * azure-native 3.x's typed `containerregistry.Registry` sends API 2023-01-01-preview, which has
 * neither `networkRuleBypassAllowedForTasks` nor `roleAssignmentMode` (ABAC repository permissions,
 * which the component does not set yet). The body is checked in the
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
export const REGISTRY_NAME = { pattern: /^[A-Za-z0-9]{5,50}$/, rule: "5 to 50 letters and digits" } as const;

/** Storage account names: 3 to 24 lower-case letters and digits, globally unique. */
export const STORAGE_ACCOUNT_NAME = { pattern: /^[a-z0-9]{3,24}$/, rule: "3 to 24 lower-case letters and digits" } as const;

/** Resource group names: 1 to 90 letters, digits, `-_.()`, not ending in a period. */
export const RESOURCE_GROUP_NAME = {
  pattern: /^[-\w.()]{0,89}[-\w()]$/,
  rule: "1 to 90 letters, digits, '-', '_', '.', '(' or ')', not ending in '.'",
} as const;

export const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** The registry's resource log categories that record who logged in and what was pushed, pulled or deleted. */
export const REGISTRY_AUDIT_LOG_CATEGORIES = ["ContainerRegistryLoginEvents", "ContainerRegistryRepositoryEvents"] as const;
/** The category groups Azure Policy 187242f4 accepts; allLogs holds every category above. */
export const AUDIT_CATEGORY_GROUPS = ["audit", "allLogs"] as const;
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
} as const;

/** A Key Vault key URI without a version, so the registry follows key rotation. */
export const VERSIONLESS_KEY_URI = /^https:\/\/[a-z0-9-]{3,24}\.vault\.azure\.net\/keys\/[A-Za-z0-9-]{1,127}\/?$/;
