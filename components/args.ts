import * as pulumi from "@pulumi/pulumi";
import {
  ARM_ID,
  GUID,
  PRINCIPAL_TYPES,
  PRIVILEGED_ROLES,
  PrincipalType,
  REGISTRY_NAME,
  RESOURCE_GROUP_NAME,
  ROLE_NAMES,
  RoleName,
  SERVICE_PRINCIPAL_ROLES,
  SCOPE_MAP_NAME,
  SKUS,
  Sku,
  VERSIONLESS_KEY_URI,
  WEBHOOK_ACTIONS,
  WEBHOOK_NAME,
  WebhookAction,
} from "./azure-facts";
import { PurgeRule, parseDuration, parseFilter, purgeCommand, validateCron } from "./purge-rules";
import { AZURE_REGIONS, AZURE_REGIONS_AS_OF, isAzureRegion } from "./azure-regions";
import { Problems, ValidationError, closest, oneOfText, read, readFields, show } from "./validation";

/** Which GitHub Actions runs may sign in as the CI identity (one of branch, environment, tag, pullRequest). */
export interface GitHubSubjectArgs {
  /** `owner/repository`. */
  repository: string;
  /** Runs on this branch, e.g. `main` (or `refs/heads/main`). */
  branch?: string;
  /** Jobs that use this GitHub environment, e.g. `production`. */
  environment?: string;
  /** Runs for this tag, e.g. `v1.0.0` (or `refs/tags/v1.0.0`). */
  tag?: string;
  /** Pull-request runs. */
  pullRequest?: boolean;
}

/** The Entra ID application and service principal the component creates for CI. */
export interface ServicePrincipalArgs {
  /** Create the application, service principal, credential and role assignment. Default `true`. */
  enabled?: boolean;
  /** Role on the registry. Default `AcrPush` (push and pull: what CI needs). */
  role?: RoleName;
  /**
   * `password` (default): a client secret that rotates. `federated`: GitHub Actions signs in with
   * OIDC (`github` says which runs); no secret exists at all.
   */
  credential?: "password" | "federated";
  /** For `credential: federated`: the GitHub repository and the branch, environment, tag or pull requests. */
  github?: GitHubSubjectArgs;
  /** Days each client secret stays valid. Default 180; 1 to 730, more than twice `rotationDays`. */
  passwordLifetimeDays?: number;
  /**
   * Days between new client secrets. Two secrets are kept in turn: each period of this many days
   * has a new one, issued by its first deployment; a replaced secret is left valid until its own end
   * date. Default 60; 1 to 365, less than half of `passwordLifetimeDays`.
   */
  rotationDays?: number;
  /** Accept `Owner` or `Contributor` as `role`. Default `false`: CI should not manage the registry. */
  allowPrivilegedRole?: boolean;
}

/** A role on the registry for an identity that already exists (a user, a group, another principal). */
export interface RoleAssignmentArgs {
  /** Object id (a GUID) of the user, group or service principal. */
  principalId: pulumi.Input<string>;
  principalType: PrincipalType;
  role: RoleName;
  /** Accept `Owner` or `Contributor` as `role`. Default `false`. */
  allowPrivilegedRole?: boolean;
}

/** A private endpoint for the registry in an existing subnet (Premium). */
export interface PrivateEndpointArgs {
  /** ARM id of the subnet. */
  subnetId: string;
  /** ARM id of the `privatelink.azurecr.io` private DNS zone to register in; omit when DNS is managed elsewhere. */
  privateDnsZoneId?: string;
  /** The subnet's region, when it is not the registry's. */
  location?: string;
}

/** A read replica of the registry in another region (Premium). */
export interface ReplicaArgs {
  location: string;
  /** Default `true`. */
  zoneRedundancy?: boolean;
  /** Serve pulls from this region's own endpoint. Default `true`. */
  regionalEndpointEnabled?: boolean;
}

/** Encryption with a customer-managed key (Premium). */
export interface EncryptionArgs {
  /** Versionless Key Vault key URI (`https://<vault>.vault.azure.net/keys/<name>`), so key rotation is followed. */
  keyVaultKeyId: string;
  /** ARM id of the user-assigned identity that may use the key (wrap/unwrap). */
  identityId: string;
  /** Client id of that identity. */
  identityClientId: string;
}

/** Managed identities on the registry itself (for ACR Tasks, CMK, artifact cache). */
export interface RegistryIdentityArgs {
  /** Default `false`. */
  systemAssigned?: boolean;
  /** ARM ids of user-assigned identities. */
  userAssignedIdentityIds?: string[];
}

export interface WebhookArgs {
  /** 5 to 50 letters and digits. */
  name: string;
  /** https only. Kept as a secret, as such URIs often carry a token. */
  serviceUri: string;
  /** push, delete, quarantine, chart_push, chart_delete. */
  actions: WebhookAction[];
  /** Repositories and tags it fires for, e.g. `app:*`; default all. */
  scope?: string;
  /** Default `true`. */
  enabled?: boolean;
}

/** A repository-scoped token (a token can only do what its scope map allows). */
export interface TokenArgs {
  /** 5 to 50 letters, digits and '-'. */
  name: string;
  /** Default `true`. */
  enabled?: boolean;
}

/** Repository-scoped access: a scope map (the allowed actions) and the tokens that use it. */
export interface ScopeMapArgs {
  /** 5 to 50 letters, digits and '-'. */
  name: string;
  /** e.g. `repositories/app/content/read`, `repositories/app/content/write`. */
  actions: string[];
  tokens?: TokenArgs[];
}

/** Arguments of the ContainerRegistry component; stack config keys (`acr-infra:<name>`) carry the same names. */
export interface ContainerRegistryArgs {
  /**
   * Registry name: 5 to 50 letters and digits, globally unique (`<name>.azurecr.io`). Default: made
   * from the project, stack and component names plus a random suffix that stays the same across runs.
   */
  registryName?: string;
  /** Use this existing resource group instead of creating one. */
  resourceGroupName?: string;
  /**
   * Azure region, one of the dated list in azure-regions.ts. Default: the `azure-native:location`
   * provider setting; without either the component refuses to declare anything.
   */
  location?: string;
  /** `Basic`, `Standard` (default) or `Premium`. */
  sku?: Sku;
  /** Turn on the registry's admin user (one shared username and password). Default `false`. */
  adminUserEnabled?: boolean;
  /** The CI identity: an Entra ID application and service principal with a role on the registry. */
  servicePrincipal?: ServicePrincipalArgs;
  /** Roles on the registry for identities that already exist. */
  roleAssignments?: RoleAssignmentArgs[];
  /** Days the registry's audit logs are kept in the backing storage account. Default 90; 1 to 3650. */
  logRetentionDays?: number;
  /** Protect the registry and the storage account against deletion. Default `false`. */
  protect?: boolean;
  /** Tags for every taggable resource; `managed-by: acr-infra` and `stack: <stack>` are added. */
  tags?: Record<string, string>;
  /** Scheduled purge rules: each becomes an ACR Task that runs `acr purge` on a timer. */
  purge?: PurgeRule[];
  /** `Enabled` or `Disabled`. Default: `Disabled` with private endpoints and no IP rules, else `Enabled`. */
  publicNetworkAccess?: "Enabled" | "Disabled";
  /** IPv4 addresses or CIDR ranges allowed in; everything else is denied (Premium). */
  ipRules?: string[];
  /**
   * Let trusted Azure services (Defender for Cloud, Container Instances, Machine Learning, ACR import)
   * through the network rules. Default `true`. ACR Tasks are not among them since 2025: the purge
   * tasks pass with `networkRuleBypassAllowedForTasks`, which the component sets itself.
   */
  trustedServicesBypass?: boolean;
  /** Private endpoints in existing subnets (Premium), one per subnet; each is named from its subnet. */
  privateEndpoints?: PrivateEndpointArgs[];
  /**
   * Spread the registry over availability zones (Premium). Default `false`. Sent when the registry
   * is created, never updated after (Azure calls the property legacy and may read it back as Disabled).
   */
  zoneRedundancy?: boolean;
  /** Geo-replicas in other regions (Premium). */
  replicas?: ReplicaArgs[];
  /** Delete untagged manifests after this many days, 0 to 365 (Premium). Default: no retention policy. */
  retentionDays?: number;
  /**
   * Keep deleted artifacts this many days, 1 to 90 (preview: the registry is then declared at a
   * preview API version); not with retentionDays or replicas. 0 turns soft delete off on a registry
   * that had it (leaving the setting out would not).
   */
  softDeleteDays?: number;
  /** Hold pushed images in quarantine until a scanner releases them (Premium). Default `false`. */
  quarantine?: boolean;
  /** Allow exporting artifacts. Default `true`, `false` when public network access is Disabled; `false` needs that and Premium. */
  exportEnabled?: boolean;
  /** Dedicated data endpoints `<name>.<region>.data.azurecr.io` (Premium). Default `false`. */
  dataEndpointEnabled?: boolean;
  /**
   * Accept Entra ID tokens with the ARM audience for registry access. Default `false` (set
   * explicitly; Azure Policy 42781ec6). App Service and Container Apps pull with such tokens: a
   * registry they pull from with a managed identity needs `true`.
   */
  armAudienceTokensEnabled?: boolean;
  /** Customer-managed key encryption (Premium). Azure sets it only at creation: adding or removing it replaces the registry. */
  encryption?: EncryptionArgs;
  /** Managed identities on the registry. */
  identity?: RegistryIdentityArgs;
  /** A CanNotDelete lock on the registry and the storage account. Default `false`. */
  lock?: boolean;
  webhooks?: WebhookArgs[];
  scopeMaps?: ScopeMapArgs[];
  /** A user-assigned managed identity with AcrPull that workloads (AKS, App Service, Container Apps) attach to pull. Default `false`. */
  pullIdentity?: boolean;
}

/** Whether a setting needs the Premium SKU, and whether the resolved args use it. */
const PREMIUM_ONLY: ReadonlyArray<[setting: string, inUse: (args: ResolvedArgs) => unknown]> = [
  ["ipRules", (a) => a.ipRules.length > 0],
  ["privateEndpoints", (a) => a.privateEndpoints.length > 0],
  // After privateEndpoints, whose presence makes Disabled the default.
  ["publicNetworkAccess", (a) => a.publicNetworkAccess === "Disabled"],
  ["zoneRedundancy", (a) => a.zoneRedundancy],
  ["replicas", (a) => a.replicas.length > 0],
  ["retentionDays", (a) => a.retentionDays !== undefined],
  ["dataEndpointEnabled", (a) => a.dataEndpointEnabled],
  ["quarantine", (a) => a.quarantine],
  ["encryption", (a) => a.encryption],
  ["exportEnabled", (a) => !a.exportEnabled],
];

/** The arguments with every default applied and every rule checked. */
export interface ResolvedArgs {
  registryName?: string;
  resourceGroupName?: string;
  location?: string;
  sku: Sku;
  adminUserEnabled: boolean;
  servicePrincipal: Required<Omit<ServicePrincipalArgs, "github">> & { github?: GitHubSubjectArgs };
  roleAssignments: Required<RoleAssignmentArgs>[];
  logRetentionDays: number;
  protect: boolean;
  tags: Record<string, string>;
  purge: Required<PurgeRule>[];
  publicNetworkAccess: "Enabled" | "Disabled";
  ipRules: string[];
  trustedServicesBypass: boolean;
  privateEndpoints: PrivateEndpointArgs[];
  zoneRedundancy: boolean;
  replicas: Required<ReplicaArgs>[];
  retentionDays?: number;
  softDeleteDays?: number;
  quarantine: boolean;
  exportEnabled: boolean;
  dataEndpointEnabled: boolean;
  armAudienceTokensEnabled: boolean;
  encryption?: EncryptionArgs;
  identity: Required<RegistryIdentityArgs>;
  lock: boolean;
  webhooks: (Required<Omit<WebhookArgs, "scope">> & { scope?: string })[];
  scopeMaps: (Omit<ScopeMapArgs, "tokens"> & { tokens: Required<TokenArgs>[] })[];
  pullIdentity: boolean;
}

/** Defaults of the settings that have one; Pulumi.yaml declares the same (a test keeps them equal). */
export const DEFAULTS = {
  sku: "Standard",
  adminUserEnabled: false,
  servicePrincipal: {
    enabled: true,
    role: "AcrPush",
    credential: "password",
    passwordLifetimeDays: 180,
    rotationDays: 60,
    allowPrivilegedRole: false,
  },
  logRetentionDays: 90,
  protect: false,
  trustedServicesBypass: true,
  zoneRedundancy: false,
  quarantine: false,
  dataEndpointEnabled: false,
  armAudienceTokensEnabled: false,
  lock: false,
  pullIdentity: false,
} as const satisfies Partial<ResolvedArgs>;

const SETTINGS: readonly (keyof ContainerRegistryArgs)[] = [
  "registryName",
  "resourceGroupName",
  "location",
  "sku",
  "adminUserEnabled",
  "servicePrincipal",
  "roleAssignments",
  "logRetentionDays",
  "protect",
  "tags",
  "purge",
  "publicNetworkAccess",
  "ipRules",
  "trustedServicesBypass",
  "privateEndpoints",
  "zoneRedundancy",
  "replicas",
  "retentionDays",
  "softDeleteDays",
  "quarantine",
  "exportEnabled",
  "dataEndpointEnabled",
  "armAudienceTokensEnabled",
  "encryption",
  "identity",
  "lock",
  "webhooks",
  "scopeMaps",
  "pullIdentity",
];

const LOCATION = { pattern: /^[a-z][a-z0-9]{2,39}$/i, rule: "an Azure region name such as westeurope or eastus2" };

/** An optional Azure region: a name Azure has (AZURE_REGIONS), or a message with the closest ones. */
function readLocation(setting: string, value: unknown): string | undefined {
  // Azure ignores case in region names; written in one case, a case-only edit is no change (a
  // change of the registry's region replaces it).
  const location = read.optionalString(setting, value, LOCATION.pattern, LOCATION.rule)?.toLowerCase();
  if (location === undefined || isAzureRegion(location)) return location;
  const near = closest(location, AZURE_REGIONS);
  throw new ValidationError(
    setting,
    `${show(location)} is not an Azure region${near.length > 0 ? `: did you mean ${oneOfText(near)}?` : `: use ${LOCATION.rule}`} (regions known as of ${AZURE_REGIONS_AS_OF})`,
  );
}

/**
 * Checks every setting, its type and range, and the combinations, and applies defaults. Runs before
 * any resource is declared; throws a ValidationError naming the setting, the value and what is allowed.
 */
export function resolveArgs(input: unknown): ResolvedArgs {
  // Every mistake is found in one run: each setting is read on its own, its problems collected.
  const problems = new Problems();
  if (input !== undefined && (typeof input !== "object" || input === null || Array.isArray(input))) {
    throw new ValidationError("args", `${show(input)} is not allowed: use an object`);
  }
  const record = (input ?? {}) as Record<string, unknown>;
  problems.attempt(() => read.object("", record, SETTINGS), {});
  // An empty string, as Pulumi.yaml declares for settings without a default, means "not set".
  const args = Object.fromEntries(
    Object.entries(record).filter(([key, value]) => value !== "" && SETTINGS.includes(key as keyof ContainerRegistryArgs)),
  ) as Record<keyof ContainerRegistryArgs, unknown>;
  const each = <T>(setting: string, items: unknown, resolve: (item: unknown, index: number) => T): T[] =>
    problems
      .attempt(() => read.array(setting, items), [])
      .flatMap((item, index) => problems.attempt(() => [resolve(item, index)], [] as T[]));
  const take = <T>(check: () => T, fallback: T): T => problems.attempt(check, fallback);

  const location = take(() => readLocation("location", args.location), undefined);
  const ipRules = each("ipRules", args.ipRules, (rule, i) => resolveIpRule(`ipRules[${i}]`, rule));
  const privateEndpoints = each("privateEndpoints", args.privateEndpoints, resolvePrivateEndpoint);
  // Verified-module default, stricter: once private endpoints exist and no IP is allowed in, close the public door.
  const publicDefault = privateEndpoints.length > 0 && ipRules.length === 0 ? "Disabled" : "Enabled";
  const publicNetworkAccess = take(
    () => read.oneOf("publicNetworkAccess", args.publicNetworkAccess, ["Enabled", "Disabled"] as const, publicDefault),
    publicDefault,
  );
  const encryption = take(() => resolveEncryption(args.encryption), undefined);
  const resolved: ResolvedArgs = {
    registryName: take(() => read.optionalString("registryName", args.registryName, REGISTRY_NAME.pattern, REGISTRY_NAME.rule), undefined),
    resourceGroupName: take(
      () => read.optionalString("resourceGroupName", args.resourceGroupName, RESOURCE_GROUP_NAME.pattern, RESOURCE_GROUP_NAME.rule),
      undefined,
    ),
    location,
    sku: take(() => read.oneOf("sku", args.sku, SKUS, DEFAULTS.sku), DEFAULTS.sku),
    adminUserEnabled: take(() => read.boolean("adminUserEnabled", args.adminUserEnabled, DEFAULTS.adminUserEnabled), false),
    servicePrincipal: take(() => resolveServicePrincipal(args.servicePrincipal), { ...DEFAULTS.servicePrincipal, enabled: false }),
    roleAssignments: each("roleAssignments", args.roleAssignments, resolveRoleAssignment),
    logRetentionDays: take(
      () => read.integer("logRetentionDays", args.logRetentionDays, 1, 3650, DEFAULTS.logRetentionDays),
      DEFAULTS.logRetentionDays,
    ),
    protect: take(() => read.boolean("protect", args.protect, DEFAULTS.protect), DEFAULTS.protect),
    tags: take(() => read.stringMap("tags", args.tags), {}),
    purge: each("purge", args.purge, resolvePurgeRule),
    publicNetworkAccess,
    ipRules,
    trustedServicesBypass: take(
      () => read.boolean("trustedServicesBypass", args.trustedServicesBypass, DEFAULTS.trustedServicesBypass),
      DEFAULTS.trustedServicesBypass,
    ),
    privateEndpoints,
    zoneRedundancy: take(() => read.boolean("zoneRedundancy", args.zoneRedundancy, DEFAULTS.zoneRedundancy), false),
    replicas: each("replicas", args.replicas, (replica, i) => resolveReplica(replica, i, location)),
    retentionDays: take(() => read.optionalInteger("retentionDays", args.retentionDays, 0, 365), undefined),
    softDeleteDays: take(() => read.optionalInteger("softDeleteDays", args.softDeleteDays, 0, 90), undefined),
    quarantine: take(() => read.boolean("quarantine", args.quarantine, DEFAULTS.quarantine), false),
    exportEnabled: take(() => read.boolean("exportEnabled", args.exportEnabled, publicNetworkAccess === "Enabled"), true),
    dataEndpointEnabled: take(() => read.boolean("dataEndpointEnabled", args.dataEndpointEnabled, DEFAULTS.dataEndpointEnabled), false),
    armAudienceTokensEnabled: take(
      () => read.boolean("armAudienceTokensEnabled", args.armAudienceTokensEnabled, DEFAULTS.armAudienceTokensEnabled),
      false,
    ),
    encryption,
    identity: take(() => resolveIdentity(args.identity, encryption), { systemAssigned: false, userAssignedIdentityIds: [] }),
    lock: take(() => read.boolean("lock", args.lock, DEFAULTS.lock), false),
    webhooks: each("webhooks", args.webhooks, resolveWebhook),
    scopeMaps: each("scopeMaps", args.scopeMaps, resolveScopeMap),
    pullIdentity: take(() => read.boolean("pullIdentity", args.pullIdentity, DEFAULTS.pullIdentity), false),
  };
  // Rules across settings judge the values read: each runs unless a setting it reads is already wrong
  // (its value then is a stand-in, and the rule would only add noise).
  checkCombinations(resolved, problems, problems.failedSettings());
  problems.throwIfAny();
  return resolved;
}

/** Names that become resource names must be unique, or the deployment fails on a duplicate URN. */
function requireUnique(setting: string, values: readonly string[], what: string): void {
  const seen = new Set<string>();
  for (const value of values) {
    const key = value.toLowerCase();
    if (seen.has(key)) throw new ValidationError(setting, `${show(value)} appears twice: each ${what} must be unique (names ignore case)`);
    seen.add(key);
  }
}

/** Rules that span settings: SKU gates, unique names, and features Azure will not combine. */
function checkCombinations(args: ResolvedArgs, problems: Problems, failed: ReadonlySet<string>): void {
  const check = (reads: readonly string[], rule: () => void) => {
    if (!reads.some((setting) => failed.has(setting))) problems.attempt(rule, undefined);
  };
  check(["webhooks"], () =>
    requireUnique(
      "webhooks",
      args.webhooks.map((w) => w.name),
      "webhook name",
    ),
  );
  check(["scopeMaps"], () =>
    requireUnique(
      "scopeMaps",
      args.scopeMaps.map((m) => m.name),
      "scope map name",
    ),
  );
  check(["scopeMaps"], () =>
    requireUnique(
      "scopeMaps",
      args.scopeMaps.flatMap((m) => m.tokens.map((t) => t.name)),
      "token name, across all scope maps,",
    ),
  );
  check(["privateEndpoints"], () =>
    requireUnique(
      "privateEndpoints",
      args.privateEndpoints.map((e) => e.subnetId),
      "subnet (one endpoint per subnet)",
    ),
  );
  check(["replicas"], () =>
    requireUnique(
      "replicas",
      args.replicas.map((r) => r.location),
      "replica region",
    ),
  );
  check(["roleAssignments"], () =>
    requireUnique(
      "roleAssignments",
      args.roleAssignments.flatMap((g) => (typeof g.principalId === "string" ? [`${g.principalId} ${g.role}`] : [])),
      "principal and role pair",
    ),
  );
  if (args.sku !== "Premium") {
    for (const [setting, inUse] of PREMIUM_ONLY) {
      const value = (args as unknown as Record<string, unknown>)[setting];
      if (inUse(args)) check(["sku", setting], () => fail(setting, `${show(value)} needs sku Premium; sku is ${show(args.sku)}`));
    }
  }
  if (args.publicNetworkAccess === "Disabled" && args.ipRules.length > 0) {
    check(["publicNetworkAccess", "ipRules", "privateEndpoints"], () =>
      fail(
        "ipRules",
        `${show(args.ipRules)} is not allowed with publicNetworkAccess: Disabled: IP rules filter public access, which is off`,
      ),
    );
  }
  if (!args.exportEnabled && args.publicNetworkAccess !== "Disabled") {
    check(["exportEnabled", "publicNetworkAccess", "privateEndpoints", "ipRules"], () =>
      fail("exportEnabled", "false needs publicNetworkAccess: Disabled: Azure only disables exports on a registry without public access"),
    );
  }
  if (args.softDeleteDays && args.retentionDays !== undefined) {
    check(["softDeleteDays", "retentionDays"], () =>
      fail("softDeleteDays", `${args.softDeleteDays} is not allowed together with retentionDays: Azure takes one of the two`),
    );
  }
  if (args.softDeleteDays && args.replicas.length > 0) {
    check(["softDeleteDays", "replicas"], () =>
      fail(
        "softDeleteDays",
        `${args.softDeleteDays} is not allowed together with replicas: soft delete does not work with geo-replication`,
      ),
    );
  }
}

function fail(setting: string, problem: string): never {
  throw new ValidationError(setting, problem);
}

function resolveIpRule(setting: string, value: unknown): string {
  const match = typeof value === "string" ? /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d{1,2}))?$/.exec(value) : null;
  const valid =
    match !== null && match.slice(1, 5).every((octet) => Number(octet) <= 255) && (match[5] === undefined || Number(match[5]) <= 32);
  if (!valid) throw new ValidationError(setting, `${show(value)} is not allowed: use an IPv4 address or CIDR range such as 203.0.113.0/24`);
  return value as string;
}

function resolvePrivateEndpoint(value: unknown, index: number): PrivateEndpointArgs {
  const setting = `privateEndpoints[${index}]`;
  const entry = read.object(setting, value, ["subnetId", "privateDnsZoneId", "location"]);
  const subnetId = read.optionalString(
    `${setting}.subnetId`,
    entry.subnetId,
    ARM_ID.subnet,
    "the ARM id of a subnet (/subscriptions/.../virtualNetworks/<vnet>/subnets/<subnet>)",
  );
  if (!subnetId) throw new ValidationError(`${setting}.subnetId`, "is missing: use the ARM id of the subnet the endpoint goes in");
  const privateDnsZoneId = read.optionalString(
    `${setting}.privateDnsZoneId`,
    entry.privateDnsZoneId,
    ARM_ID.privateDnsZone,
    "the ARM id of a privatelink.azurecr.io private DNS zone",
  );
  const location = readLocation(`${setting}.location`, entry.location);
  return { subnetId, ...(privateDnsZoneId ? { privateDnsZoneId } : {}), ...(location ? { location } : {}) };
}

function resolveReplica(value: unknown, index: number, registryLocation: string | undefined): Required<ReplicaArgs> {
  const setting = `replicas[${index}]`;
  const entry = read.object(setting, value, ["location", "zoneRedundancy", "regionalEndpointEnabled"]);
  const location = readLocation(`${setting}.location`, entry.location);
  if (!location) throw new ValidationError(`${setting}.location`, `is missing: use ${LOCATION.rule}`);
  if (registryLocation && location.toLowerCase() === registryLocation.toLowerCase()) {
    throw new ValidationError(
      `${setting}.location`,
      `${show(location)} is not allowed: it is the registry's own region; a replica goes to another`,
    );
  }
  return {
    location,
    zoneRedundancy: read.boolean(`${setting}.zoneRedundancy`, entry.zoneRedundancy, true),
    regionalEndpointEnabled: read.boolean(`${setting}.regionalEndpointEnabled`, entry.regionalEndpointEnabled, true),
  };
}

function resolveEncryption(value: unknown): EncryptionArgs | undefined {
  if (value === undefined || (typeof value === "object" && value !== null && Object.keys(value).length === 0)) return undefined;
  const entry = read.object("encryption", value, ["keyVaultKeyId", "identityId", "identityClientId"]);
  const keyVaultKeyId = read.optionalString(
    "encryption.keyVaultKeyId",
    entry.keyVaultKeyId,
    VERSIONLESS_KEY_URI,
    "a versionless Key Vault key URI such as https://my-vault.vault.azure.net/keys/acr (without a version, so the registry follows rotation)",
  );
  const identityId = read.optionalString(
    "encryption.identityId",
    entry.identityId,
    ARM_ID.userAssignedIdentity,
    "the ARM id of a user-assigned identity",
  );
  const identityClientId = read.optionalString(
    "encryption.identityClientId",
    entry.identityClientId,
    GUID,
    "the identity's client id (a GUID)",
  );
  if (!keyVaultKeyId || !identityId || !identityClientId) {
    throw new ValidationError("encryption", "needs keyVaultKeyId, identityId and identityClientId");
  }
  return { keyVaultKeyId, identityId, identityClientId };
}

/** The registry's identities; a customer-managed key's identity is added rather than asked for twice. */
function resolveIdentity(value: unknown, encryption: EncryptionArgs | undefined): Required<RegistryIdentityArgs> {
  const entry = read.object("identity", value, ["systemAssigned", "userAssignedIdentityIds"]);
  const ids = read
    .array("identity.userAssignedIdentityIds", entry.userAssignedIdentityIds)
    .map((id, i) =>
      read.requiredString(
        `identity.userAssignedIdentityIds[${i}]`,
        id,
        ARM_ID.userAssignedIdentity,
        "the ARM id of a user-assigned identity",
      ),
    );
  const keyIdentity = encryption?.identityId;
  const withKey = keyIdentity && !ids.some((id) => id.toLowerCase() === keyIdentity.toLowerCase()) ? [...ids, keyIdentity] : ids;
  return { systemAssigned: read.boolean("identity.systemAssigned", entry.systemAssigned, false), userAssignedIdentityIds: withKey };
}

function resolveWebhook(value: unknown, index: number): ResolvedArgs["webhooks"][number] {
  const setting = `webhooks[${index}]`;
  return readFields(setting, value, ["name", "serviceUri", "actions", "scope", "enabled"], (entry, take) => {
    const name = take(() => read.requiredString(`${setting}.name`, entry.name, WEBHOOK_NAME.pattern, WEBHOOK_NAME.rule), "");
    const serviceUri = take(() => {
      const uri = entry.serviceUri;
      // The URI may carry a token: name the setting, never echo the value.
      if (typeof uri !== "string" || !/^https:\/\/[^\s/]+/i.test(uri)) {
        throw new ValidationError(
          `${setting}.serviceUri`,
          "is not allowed: use an https:// URI (webhook payloads must not travel in clear text)",
        );
      }
      return uri;
    }, "");
    const actions = take(() => {
      const listed = read
        .array(`${setting}.actions`, entry.actions)
        .map((action, i) => read.oneOf(`${setting}.actions[${i}]`, action, WEBHOOK_ACTIONS, "push"));
      if (listed.length === 0)
        throw new ValidationError(`${setting}.actions`, `is empty: use one or more of ${oneOfText(WEBHOOK_ACTIONS)}`);
      return listed;
    }, []);
    const scope = take(
      () =>
        entry.scope === undefined
          ? undefined
          : read.optionalString(`${setting}.scope`, entry.scope, /^[^\s]{1,256}$/, "a repository[:tag] pattern such as app:*"),
      undefined,
    );
    const enabled = take(() => read.boolean(`${setting}.enabled`, entry.enabled, true), true);
    return { name, serviceUri, actions, enabled, ...(scope ? { scope } : {}) };
  });
}

function resolveScopeMap(value: unknown, index: number): ResolvedArgs["scopeMaps"][number] {
  const setting = `scopeMaps[${index}]`;
  const entry = read.object(setting, value, ["name", "actions", "tokens"]);
  const name = read.optionalString(`${setting}.name`, entry.name, SCOPE_MAP_NAME.pattern, SCOPE_MAP_NAME.rule);
  if (!name) throw new ValidationError(`${setting}.name`, `is missing: use ${SCOPE_MAP_NAME.rule}`);
  const actionPattern = /^repositories\/[a-z0-9._/*-]+\/(content\/(read|write|delete)|metadata\/(read|write))$/;
  const actions = read.array(`${setting}.actions`, entry.actions).map((action, i) => {
    if (typeof action !== "string" || !actionPattern.test(action)) {
      throw new ValidationError(
        `${setting}.actions[${i}]`,
        `${show(action)} is not allowed: use repositories/<repository>/content/read|write|delete or metadata/read|write`,
      );
    }
    return action;
  });
  if (actions.length === 0) throw new ValidationError(`${setting}.actions`, "is empty: a scope map needs at least one action");
  const tokens = read.array(`${setting}.tokens`, entry.tokens).map((token, i) => {
    const tokenSetting = `${setting}.tokens[${i}]`;
    const t = read.object(tokenSetting, token, ["name", "enabled"]);
    const tokenName = read.optionalString(`${tokenSetting}.name`, t.name, SCOPE_MAP_NAME.pattern, SCOPE_MAP_NAME.rule);
    if (!tokenName) throw new ValidationError(`${tokenSetting}.name`, `is missing: use ${SCOPE_MAP_NAME.rule}`);
    return { name: tokenName, enabled: read.boolean(`${tokenSetting}.enabled`, t.enabled, true) };
  });
  return { name, actions, tokens };
}

function resolveServicePrincipal(value: unknown): ResolvedArgs["servicePrincipal"] {
  const setting = "servicePrincipal";
  const defaults = DEFAULTS.servicePrincipal;
  return readFields(setting, value, [...Object.keys(defaults), "github"], (sp, take) => {
    const resolved = {
      enabled: take(() => read.boolean(`${setting}.enabled`, sp.enabled, defaults.enabled), defaults.enabled),
      role: take(() => read.oneOf(`${setting}.role`, sp.role, SERVICE_PRINCIPAL_ROLES, defaults.role), defaults.role),
      credential: take(
        () => read.oneOf(`${setting}.credential`, sp.credential, ["password", "federated"] as const, defaults.credential),
        defaults.credential,
      ),
      passwordLifetimeDays: take(
        () => read.integer(`${setting}.passwordLifetimeDays`, sp.passwordLifetimeDays, 1, 730, defaults.passwordLifetimeDays),
        defaults.passwordLifetimeDays,
      ),
      rotationDays: take(
        () => read.integer(`${setting}.rotationDays`, sp.rotationDays, 1, 365, defaults.rotationDays),
        defaults.rotationDays,
      ),
      allowPrivilegedRole: take(
        () => read.boolean(`${setting}.allowPrivilegedRole`, sp.allowPrivilegedRole, defaults.allowPrivilegedRole),
        defaults.allowPrivilegedRole,
      ),
    };
    if (!resolved.enabled) return resolved;
    take(() => requireOptInForPrivilegedRole(setting, resolved.role, resolved.allowPrivilegedRole), undefined);
    // Each secret is replaced two periods after its own period starts: it must still be valid then.
    if (resolved.credential === "password" && 2 * resolved.rotationDays >= resolved.passwordLifetimeDays) {
      take(() => {
        throw new ValidationError(
          `${setting}.rotationDays`,
          `${resolved.rotationDays} is not allowed: use less than half of servicePrincipal.passwordLifetimeDays (${resolved.passwordLifetimeDays}), so each of the two secrets is replaced before it expires`,
        );
      }, undefined);
    }
    if (resolved.credential === "password") {
      if (sp.github !== undefined) {
        take(() => {
          throw new ValidationError(`${setting}.github`, "is only used with servicePrincipal.credential: federated");
        }, undefined);
      }
      return resolved;
    }
    const github = take(() => resolveGitHubSubject(sp.github), undefined);
    return { ...resolved, ...(github ? { github } : {}) };
  });
}

const GITHUB_SUBJECT_KINDS = ["branch", "environment", "tag", "pullRequest"] as const;

function resolveGitHubSubject(value: unknown): GitHubSubjectArgs {
  const setting = "servicePrincipal.github";
  if (value === undefined) {
    throw new ValidationError(
      setting,
      "is missing: credential federated needs { repository: owner/name, and one of branch, environment, tag or pullRequest: true }",
    );
  }
  const entry = read.object(setting, value, ["repository", ...GITHUB_SUBJECT_KINDS]);
  // Newer repositories put immutable ids in the token's subject (owner@<id>/repository@<id>): the
  // subject must name them the same way.
  const repository = read.requiredString(
    `${setting}.repository`,
    entry.repository,
    /^[A-Za-z0-9_.-]+(?:@\d+)?\/[A-Za-z0-9_.-]+(?:@\d+)?$/,
    "owner/repository, or owner@<id>/repository@<id> as the repository's OIDC subject names it",
  );
  const given = GITHUB_SUBJECT_KINDS.filter((kind) => entry[kind] !== undefined && entry[kind] !== false);
  if (given.length !== 1) {
    throw new ValidationError(
      setting,
      `${show(given)} is not allowed: give exactly one of ${oneOfText(GITHUB_SUBJECT_KINDS)}, which the federated credential's subject names`,
    );
  }
  const kind = given[0];
  if (kind === "pullRequest") return { repository, pullRequest: read.boolean(`${setting}.pullRequest`, entry.pullRequest, false) };
  const written = read.optionalString(`${setting}.${kind}`, entry[kind], /^[^\s:]{1,255}$/, `a ${kind} name without spaces or ':'`);
  // GitHub's subject says ref:refs/heads/<branch> (ref:refs/tags/<tag>): a full ref is taken down to
  // its name, and a ref of the other kind is refused rather than turned into a subject no run has.
  const ownPrefix = kind === "branch" ? "refs/heads/" : kind === "tag" ? "refs/tags/" : undefined;
  const name = ownPrefix && written?.startsWith(ownPrefix) ? written.slice(ownPrefix.length) : written;
  if (ownPrefix && (!name || name.startsWith("refs/"))) {
    throw new ValidationError(
      `${setting}.${kind}`,
      `${show(written)} is not allowed: use the ${kind} name (such as ${kind === "branch" ? "main" : "v1.0.0"}) or its full ref ${ownPrefix}<name>`,
    );
  }
  return { repository, [kind]: name };
}

function resolveRoleAssignment(value: unknown, index: number): Required<RoleAssignmentArgs> {
  const setting = `roleAssignments[${index}]`;
  return readFields(setting, value, ["principalId", "principalType", "role", "allowPrivilegedRole"], (entry, take) => {
    const principalId = take(() => {
      const id = entry.principalId;
      if (id === undefined)
        throw new ValidationError(
          `${setting}.principalId`,
          "is missing: use the object id (a GUID) of the user, group or service principal",
        );
      if (!pulumi.Output.isInstance(id) && (typeof id !== "string" || !GUID.test(id))) {
        throw new ValidationError(
          `${setting}.principalId`,
          `${show(id)} is not allowed: use an object id, a GUID such as 00000000-0000-0000-0000-000000000000`,
        );
      }
      return id as pulumi.Input<string>;
    }, "");
    const principalType = take(() => {
      if (entry.principalType === undefined)
        throw new ValidationError(`${setting}.principalType`, `is missing: use ${oneOfText(PRINCIPAL_TYPES)}`);
      return read.oneOf(`${setting}.principalType`, entry.principalType, PRINCIPAL_TYPES, "ServicePrincipal");
    }, "ServicePrincipal" as const);
    const role = take(() => {
      if (entry.role === undefined) throw new ValidationError(`${setting}.role`, `is missing: use ${oneOfText(ROLE_NAMES)}`);
      return read.oneOf(`${setting}.role`, entry.role, ROLE_NAMES, "AcrPull");
    }, "AcrPull");
    const allowPrivilegedRole = take(() => read.boolean(`${setting}.allowPrivilegedRole`, entry.allowPrivilegedRole, false), false);
    take(() => requireOptInForPrivilegedRole(setting, role, allowPrivilegedRole), undefined);
    return { principalId, principalType, role, allowPrivilegedRole };
  });
}

function requireOptInForPrivilegedRole(setting: string, role: RoleName, allowed: boolean): void {
  if (PRIVILEGED_ROLES.includes(role) && !allowed) {
    throw new ValidationError(
      `${setting}.role`,
      `${show(role)} needs ${setting}.allowPrivilegedRole: true: ${oneOfText(PRIVILEGED_ROLES)} can change the registry and grant access to it; pushing needs only AcrPush, pulling AcrPull`,
    );
  }
}

function resolvePurgeRule(value: unknown, index: number): Required<PurgeRule> {
  const setting = `purge[${index}]`;
  return readFields(setting, value, ["schedule", "filter", "ago", "keep", "untagged"], (rule, take) => {
    const text = (key: "schedule" | "filter" | "ago") =>
      take(() => {
        if (typeof rule[key] !== "string") {
          throw new ValidationError(
            `${setting}.${key}`,
            `${rule[key] === undefined ? "is missing" : `${show(rule[key])} is not allowed`}: use a string`,
          );
        }
        return rule[key];
      }, undefined);
    const schedule = text("schedule");
    const filter = text("filter");
    const ago = text("ago");
    if (schedule !== undefined) take(() => checkWith(`${setting}.schedule`, () => validateCron(schedule)), undefined);
    const filterRead =
      filter !== undefined &&
      take(() => {
        checkWith(`${setting}.filter`, () => parseFilter(filter));
        // The filter is one shell word inside single quotes in a task definition that ACR renders as a
        // Go template first: no quote, no whitespace, no template braces.
        if (/['\s]|\{\{/.test(filter)) {
          throw new ValidationError(`${setting}.filter`, `${show(filter)} is not allowed: a filter cannot contain quotes, spaces or {{`);
        }
        return true;
      }, false);
    const agoRead = ago !== undefined && take(() => (checkWith(`${setting}.ago`, () => parseDuration(ago)), true), false);
    if (filterRead && agoRead)
      take(() => checkWith(`${setting}.filter`, () => purgeCommand({ schedule: schedule ?? "", filter, ago })), undefined);
    return {
      schedule: schedule ?? "",
      filter: filter ?? "",
      ago: ago ?? "",
      keep: take(() => read.integer(`${setting}.keep`, rule.keep, 0, 10000, 0), 0),
      untagged: take(() => read.boolean(`${setting}.untagged`, rule.untagged, false), false),
    };
  });
}

/** Runs a parser that throws a plain Error and names the setting in what it throws. */
function checkWith(setting: string, check: () => unknown): void {
  try {
    check();
  } catch (error) {
    throw new ValidationError(setting, (error as Error).message);
  }
}
