import * as pulumi from "@pulumi/pulumi";
import * as containerregistry from "@pulumi/azure-native/containerregistry";
import * as resources from "@pulumi/azure-native/resources";
import { ResolvedArgs } from "../settings";
import { createReplicas } from "./replicas";
import { REGISTRY_API } from "../azure-facts";
import { PartContext } from "../context";
import { roleAssignmentMode } from "./repository-permissions";

export interface RegistryPart {
  /** The registry, declared through azure-native's generic resource at `REGISTRY_API.version`. */
  registry: resources.Resource;
  loginServer: pulumi.Output<string>;
  replicas: containerregistry.Replication[];
  /** Present only when the admin user is on; the password is a secret, the username (the registry name) is not. */
  adminCredentials?: { username: pulumi.Output<string>; password: pulumi.Output<string> };
}

/** The registry's ARM body: the API version, and what the PUT sends besides location and tags. */
export interface RegistryBody {
  apiVersion: string;
  sku: { name: string };
  identity?: { type: resources.ResourceIdentityType; userAssignedIdentities?: string[] };
  properties: Record<string, unknown>;
}

const status = (on: boolean) => (on ? "enabled" : "disabled");

/** A registry that the public internet cannot reach freely: closed, or open to an allow list only. */
function isNetworkRestricted(args: Pick<ResolvedArgs, "publicNetworkAccess" | "ipRules">): boolean {
  return args.publicNetworkAccess === "Disabled" || args.ipRules.length > 0;
}

/** The registry's identity block, or undefined when it has none. */
function registryIdentity(args: ResolvedArgs): RegistryBody["identity"] {
  const { systemAssigned, userAssignedIdentityIds } = args.identity;
  const userAssigned = userAssignedIdentityIds.length > 0;
  if (!systemAssigned && !userAssigned) return undefined;
  const type =
    systemAssigned && userAssigned
      ? resources.ResourceIdentityType.SystemAssigned_UserAssigned
      : systemAssigned
        ? resources.ResourceIdentityType.SystemAssigned
        : resources.ResourceIdentityType.UserAssigned;
  // azure-native's generic resource takes the user-assigned identities as a list of ARM ids and
  // sends them to ARM as the map { <id>: {} } the API expects.
  return { type, ...(userAssigned ? { userAssignedIdentities: [...userAssignedIdentityIds] } : {}) };
}

/** The registry's content and access policies; each is set explicitly so the plan and policies see the choice. */
function registryPolicies(args: ResolvedArgs): Record<string, unknown> {
  return {
    azureADAuthenticationAsArmPolicy: { status: status(args.armAudienceTokensEnabled) },
    // Quarantine, retention and export policies are Premium features: below Premium, Azure's defaults stand.
    ...(args.sku === "Premium"
      ? {
          quarantinePolicy: { status: status(args.quarantine) },
          retentionPolicy: args.retentionDays === undefined ? { status: "disabled" } : { status: "enabled", days: args.retentionDays },
          exportPolicy: { status: status(args.exportEnabled) },
        }
      : {}),
    // Soft delete is sent only at the preview version. 0 turns it off there: leaving the setting out
    // would go back to the GA version, which cannot say so, and leave it on in Azure.
    ...(args.softDeleteDays === undefined
      ? {}
      : {
          softDeletePolicy: args.softDeleteDays === 0 ? { status: "disabled" } : { status: "enabled", retentionDays: args.softDeleteDays },
        }),
  };
}

/**
 * The registry's body at `REGISTRY_API.version` (or its soft-delete version), from the resolved settings. A pure function, so the
 * tests check it against Microsoft's OpenAPI specification of that version.
 */
export function registryBody(args: ResolvedArgs): RegistryBody {
  const premium = args.sku === "Premium";
  const identity = registryIdentity(args);
  return {
    // Soft delete exists only in preview API versions; everything else is in the GA version.
    apiVersion: args.softDeleteDays === undefined ? REGISTRY_API.version : REGISTRY_API.softDeleteVersion,
    sku: { name: args.sku },
    ...(identity ? { identity } : {}),
    properties: {
      adminUserEnabled: args.adminUserEnabled,
      anonymousPullEnabled: false,
      publicNetworkAccess: args.publicNetworkAccess,
      // Network rules exist on Premium only.
      ...(premium
        ? {
            networkRuleBypassOptions: args.trustedServicesBypass ? "AzureServices" : "None",
            // ACR Tasks (the scheduled purge) reach a network-restricted registry only with this
            // (ACR docs, "Manage network bypass policy for tasks"); off otherwise, as Azure's default.
            networkRuleBypassAllowedForTasks: args.purge.length > 0 && isNetworkRestricted(args),
            // With an allow list everything else is denied; without one, Deny would shut everyone out
            // of the public endpoint while it stays Enabled.
            networkRuleSet: {
              defaultAction: args.ipRules.length > 0 ? "Deny" : "Allow",
              ipRules: args.ipRules.map((range) => ({ action: "Allow", value: range })),
            },
            zoneRedundancy: args.zoneRedundancy ? "Enabled" : "Disabled",
            dataEndpointEnabled: args.dataEndpointEnabled,
          }
        : {}),
      policies: registryPolicies(args),
      // Sent either way: Microsoft says ABAC mode will become the default, and a registry the component
      // made in rbac mode must stay there (its AcrPush and AcrPull grants mean nothing in ABAC mode).
      // Azure changes the mode of an existing registry in place (ACR docs, ABAC repository permissions).
      roleAssignmentMode: roleAssignmentMode(args.repositoryPermissions),
      // Sent either way, so that adding or removing a customer-managed key is a change of
      // encryption.status, which replaces the registry (Azure sets a key only at creation).
      encryption: args.encryption
        ? {
            status: "enabled",
            keyVaultProperties: { keyIdentifier: args.encryption.keyVaultKeyId, identity: args.encryption.identityClientId },
          }
        : { status: "disabled" },
    },
  };
}

/** Input paths (of the generic resource) whose change Azure cannot apply to an existing registry. */
export const REGISTRY_REPLACE_ON_CHANGES = ["location", "properties.encryption.status"];
/**
 * Input paths the program never updates on an existing registry. `zoneRedundancy` is "a legacy
 * artifact that no longer controls behavior" and may read back as Disabled (ACR docs,
 * zone-redundancy.md): a refresh must not turn it into a diff on every run. Read-only properties are
 * not listed: an ignored path keeps its old value in the inputs, so a read-only value a refresh
 * copied there would be sent back on every later update; not ignored, it shows once as a change
 * and the next update leaves it out.
 */
export const REGISTRY_IGNORE_CHANGES = ["properties.zoneRedundancy"];

/** The registry itself (SKU, admin user, network, policies, encryption, identity) and its replicas. */
export function createRegistry(ctx: PartContext, args: ResolvedArgs, registryName: pulumi.Input<string>): RegistryPart {
  const body = registryBody(args);
  const registry = new resources.Resource(
    `${ctx.name}-registry`,
    {
      resourceProviderNamespace: REGISTRY_API.namespace,
      parentResourcePath: "",
      resourceType: REGISTRY_API.type,
      resourceName: registryName,
      resourceGroupName: ctx.resourceGroupName,
      location: ctx.location,
      ...body,
      tags: ctx.tags,
    },
    {
      parent: ctx.parent,
      protect: ctx.protect,
      replaceOnChanges: REGISTRY_REPLACE_ON_CHANGES,
      // The name is globally unique: the old registry must go before a new one can take its name.
      deleteBeforeReplace: true,
      ignoreChanges: REGISTRY_IGNORE_CHANGES,
    },
  );
  const loginServer = registry.properties.apply((properties: { loginServer?: string } | undefined) => {
    if (!properties?.loginServer) throw new Error(`the registry ${ctx.name}-registry was created, but Azure returned no loginServer`);
    return properties.loginServer;
  });

  const replicas = createReplicas(ctx, registry.name, args.replicas);

  // listRegistryCredentials fails when the admin user is off, so the plain boolean decides whether
  // to ask at all. Invoke results are never marked secret: wrap them here.
  if (!args.adminUserEnabled) return { registry, loginServer, replicas };
  const credentials = containerregistry.listRegistryCredentialsOutput(
    { registryName: registry.name, resourceGroupName: ctx.resourceGroupName },
    { parent: ctx.parent },
  );
  return {
    registry,
    loginServer,
    replicas,
    adminCredentials: {
      username: credentials.apply((c) => c.username ?? ""),
      password: pulumi.secret(credentials.apply((c) => c.passwords?.[0]?.value ?? "")),
    },
  };
}
