import * as pulumi from "@pulumi/pulumi";
import {
  GUID,
  PRINCIPAL_TYPES,
  PRIVILEGED_ROLES,
  PrincipalType,
  REGISTRY_NAME,
  RESOURCE_GROUP_NAME,
  ROLE_NAMES,
  RoleName,
  SERVICE_PRINCIPAL_ROLES,
  SKUS,
  Sku,
} from "./azure-facts";
import { PurgeRule, parseDuration, parseFilter, validateCron } from "./purge-rules";
import { ValidationError, oneOfText, read, show } from "./validation";

/** The Entra ID application and service principal the component creates for CI. */
export interface ServicePrincipalArgs {
  /** Create the application, service principal, credential and role assignment. Default `true`. */
  enabled?: boolean;
  /** Role on the registry. Default `AcrPush` (push and pull: what CI needs). */
  role?: RoleName;
  /** Days a client secret stays valid. Default 180; 1 to 730. */
  passwordLifetimeDays?: number;
  /**
   * Days after which the next `pulumi up` issues a new client secret, so it is replaced well before
   * it expires. Default 90; 1 to 730, less than `passwordLifetimeDays`.
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

/** Arguments of the ContainerRegistry component; stack config keys (`acr-infra:<name>`) carry the same names. */
export interface ContainerRegistryArgs {
  /**
   * Registry name: 5 to 50 letters and digits, globally unique (`<name>.azurecr.io`). Default: made
   * from the project, stack and component names plus a random suffix that stays the same across runs.
   */
  registryName?: string;
  /** Use this existing resource group instead of creating one. */
  resourceGroupName?: string;
  /** Azure region. Default: the `azure-native:location` provider setting. */
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
}

/** The arguments with every default applied and every rule checked. */
export interface ResolvedArgs {
  registryName?: string;
  resourceGroupName?: string;
  location?: string;
  sku: Sku;
  adminUserEnabled: boolean;
  servicePrincipal: Required<ServicePrincipalArgs>;
  roleAssignments: Required<RoleAssignmentArgs>[];
  logRetentionDays: number;
  protect: boolean;
  tags: Record<string, string>;
  purge: Required<PurgeRule>[];
}

/** Defaults of the settings that have one; Pulumi.yaml declares the same (a test keeps them equal). */
export const DEFAULTS = {
  sku: "Standard",
  adminUserEnabled: false,
  servicePrincipal: {
    enabled: true,
    role: "AcrPush",
    passwordLifetimeDays: 180,
    rotationDays: 90,
    allowPrivilegedRole: false,
  },
  logRetentionDays: 90,
  protect: false,
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
];

const LOCATION = { pattern: /^[a-z][a-z0-9]{2,39}$/i, rule: "an Azure region name such as westeurope or eastus2" };

/**
 * Checks every setting, its type and range, and the combinations, and applies defaults. Runs before
 * any resource is declared; throws a ValidationError naming the setting, the value and what is allowed.
 */
export function resolveArgs(input: unknown): ResolvedArgs {
  const args = read.object("", input, SETTINGS) as Record<keyof ContainerRegistryArgs, unknown>;
  return {
    registryName: read.optionalString("registryName", args.registryName, REGISTRY_NAME.pattern, REGISTRY_NAME.rule),
    resourceGroupName: read.optionalString(
      "resourceGroupName",
      args.resourceGroupName,
      RESOURCE_GROUP_NAME.pattern,
      RESOURCE_GROUP_NAME.rule,
    ),
    location: read.optionalString("location", args.location, LOCATION.pattern, LOCATION.rule),
    sku: read.oneOf("sku", args.sku, SKUS, DEFAULTS.sku),
    adminUserEnabled: read.boolean("adminUserEnabled", args.adminUserEnabled, DEFAULTS.adminUserEnabled),
    servicePrincipal: resolveServicePrincipal(args.servicePrincipal),
    roleAssignments: read.array("roleAssignments", args.roleAssignments).map(resolveRoleAssignment),
    logRetentionDays: read.integer("logRetentionDays", args.logRetentionDays, 1, 3650, DEFAULTS.logRetentionDays),
    protect: read.boolean("protect", args.protect, DEFAULTS.protect),
    tags: read.stringMap("tags", args.tags),
    purge: read.array("purge", args.purge).map(resolvePurgeRule),
  };
}

function resolveServicePrincipal(value: unknown): Required<ServicePrincipalArgs> {
  const setting = "servicePrincipal";
  const defaults = DEFAULTS.servicePrincipal;
  const sp = read.object(setting, value, Object.keys(defaults));
  const resolved = {
    enabled: read.boolean(`${setting}.enabled`, sp.enabled, defaults.enabled),
    role: read.oneOf(`${setting}.role`, sp.role, SERVICE_PRINCIPAL_ROLES, defaults.role),
    passwordLifetimeDays: read.integer(`${setting}.passwordLifetimeDays`, sp.passwordLifetimeDays, 1, 730, defaults.passwordLifetimeDays),
    rotationDays: read.integer(`${setting}.rotationDays`, sp.rotationDays, 1, 730, defaults.rotationDays),
    allowPrivilegedRole: read.boolean(`${setting}.allowPrivilegedRole`, sp.allowPrivilegedRole, defaults.allowPrivilegedRole),
  };
  if (resolved.enabled) {
    requireOptInForPrivilegedRole(setting, resolved.role, resolved.allowPrivilegedRole);
    if (resolved.rotationDays >= resolved.passwordLifetimeDays) {
      throw new ValidationError(
        `${setting}.rotationDays`,
        `${resolved.rotationDays} is not allowed: use fewer days than servicePrincipal.passwordLifetimeDays (${resolved.passwordLifetimeDays}), so a new secret is issued before the old one expires`,
      );
    }
  }
  return resolved;
}

function resolveRoleAssignment(value: unknown, index: number): Required<RoleAssignmentArgs> {
  const setting = `roleAssignments[${index}]`;
  const entry = read.object(setting, value, ["principalId", "principalType", "role", "allowPrivilegedRole"]);
  const principalId = entry.principalId;
  if (principalId === undefined) throw new ValidationError(`${setting}.principalId`, "is missing: use the object id (a GUID) of the user, group or service principal");
  if (!pulumi.Output.isInstance(principalId) && (typeof principalId !== "string" || !GUID.test(principalId))) {
    throw new ValidationError(`${setting}.principalId`, `${show(principalId)} is not allowed: use an object id, a GUID such as 00000000-0000-0000-0000-000000000000`);
  }
  if (entry.principalType === undefined) throw new ValidationError(`${setting}.principalType`, `is missing: use ${oneOfText(PRINCIPAL_TYPES)}`);
  if (entry.role === undefined) throw new ValidationError(`${setting}.role`, `is missing: use ${oneOfText(ROLE_NAMES)}`);
  const resolved = {
    principalId: principalId as pulumi.Input<string>,
    principalType: read.oneOf(`${setting}.principalType`, entry.principalType, PRINCIPAL_TYPES, "ServicePrincipal"),
    role: read.oneOf(`${setting}.role`, entry.role, ROLE_NAMES, "AcrPull"),
    allowPrivilegedRole: read.boolean(`${setting}.allowPrivilegedRole`, entry.allowPrivilegedRole, false),
  };
  requireOptInForPrivilegedRole(setting, resolved.role, resolved.allowPrivilegedRole);
  return resolved;
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
  const rule = read.object(setting, value, ["schedule", "filter", "ago", "keep", "untagged"]);
  for (const key of ["schedule", "filter", "ago"] as const) {
    if (typeof rule[key] !== "string") {
      throw new ValidationError(`${setting}.${key}`, `${rule[key] === undefined ? "is missing" : `${show(rule[key])} is not allowed`}: use a string`);
    }
  }
  const schedule = rule.schedule as string;
  const filter = rule.filter as string;
  const ago = rule.ago as string;
  checkWith(`${setting}.schedule`, () => validateCron(schedule));
  checkWith(`${setting}.filter`, () => parseFilter(filter));
  if (filter.includes("'")) throw new ValidationError(`${setting}.filter`, `${show(filter)} is not allowed: a filter cannot contain a single quote`);
  checkWith(`${setting}.ago`, () => parseDuration(ago));
  return {
    schedule,
    filter,
    ago,
    keep: read.integer(`${setting}.keep`, rule.keep, 0, 10000, 0),
    untagged: read.boolean(`${setting}.untagged`, rule.untagged, false),
  };
}

/** Runs a parser that throws a plain Error and names the setting in what it throws. */
function checkWith(setting: string, check: () => unknown): void {
  try {
    check();
  } catch (error) {
    throw new ValidationError(setting, (error as Error).message);
  }
}
