import * as pulumi from "@pulumi/pulumi";
import * as containerregistry from "@pulumi/azure-native/containerregistry";
import { ResolvedArgs } from "./args";
import { PartContext } from "./context";

export interface RegistryPart {
  registry: containerregistry.Registry;
  replicas: containerregistry.Replication[];
  /** Present only when the admin user is on; the password is a secret, the username (the registry name) is not. */
  adminCredentials?: { username: pulumi.Output<string>; password: pulumi.Output<string> };
}

const status = (on: boolean) => (on ? "enabled" : "disabled");

/** The registry's identity block, or undefined when it has none. */
function registryIdentity(args: ResolvedArgs): containerregistry.RegistryArgs["identity"] {
  const { systemAssigned, userAssignedIdentityIds } = args.identity;
  const userAssigned = userAssignedIdentityIds.length > 0;
  if (!systemAssigned && !userAssigned) return undefined;
  const type = systemAssigned && userAssigned ? "SystemAssigned, UserAssigned" : systemAssigned ? "SystemAssigned" : "UserAssigned";
  return {
    type,
    ...(userAssigned ? { userAssignedIdentities: Object.fromEntries(userAssignedIdentityIds.map((id) => [id, {}])) } : {}),
  };
}

/** The registry's content and access policies; each is set explicitly so the plan and policies see the choice. */
function registryPolicies(args: ResolvedArgs): containerregistry.RegistryArgs["policies"] {
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
    ...(args.softDeleteDays === undefined ? {} : { softDeletePolicy: { status: "enabled", retentionDays: args.softDeleteDays } }),
  };
}

/** The registry itself (SKU, admin user, network, policies, encryption, identity) and its replicas. */
export function createRegistry(ctx: PartContext, args: ResolvedArgs, registryName: pulumi.Input<string>): RegistryPart {
  const premium = args.sku === "Premium";
  const registry = new containerregistry.Registry(
    `${ctx.name}-registry`,
    {
      registryName,
      resourceGroupName: ctx.resourceGroupName,
      location: ctx.location,
      sku: { name: args.sku },
      adminUserEnabled: args.adminUserEnabled,
      anonymousPullEnabled: false,
      publicNetworkAccess: args.publicNetworkAccess,
      // Network rules exist on Premium only.
      ...(premium
        ? {
            networkRuleBypassOptions: args.trustedServicesBypass ? "AzureServices" : "None",
            // With an allow list everything else is denied; without one, Deny would shut everyone out
            // of the public endpoint while it stays Enabled.
            networkRuleSet: {
              defaultAction: args.ipRules.length > 0 ? "Deny" : "Allow",
              ipRules: args.ipRules.map((range) => ({ action: "Allow", iPAddressOrRange: range })),
            },
            zoneRedundancy: args.zoneRedundancy ? "Enabled" : "Disabled",
            dataEndpointEnabled: args.dataEndpointEnabled,
          }
        : {}),
      policies: registryPolicies(args),
      identity: registryIdentity(args),
      encryption: args.encryption
        ? {
            status: "enabled",
            keyVaultProperties: { keyIdentifier: args.encryption.keyVaultKeyId, identity: args.encryption.identityClientId },
          }
        : undefined,
      tags: ctx.tags,
    },
    { parent: ctx.parent, protect: ctx.protect },
  );

  const replicas = args.replicas.map(
    (replica) =>
      new containerregistry.Replication(
        `${ctx.name}-replica-${replica.location.toLowerCase()}`,
        {
          registryName: registry.name,
          resourceGroupName: ctx.resourceGroupName,
          location: replica.location,
          replicationName: replica.location.toLowerCase(),
          zoneRedundancy: replica.zoneRedundancy ? "Enabled" : "Disabled",
          regionEndpointEnabled: replica.regionalEndpointEnabled,
          tags: ctx.tags,
        },
        { parent: ctx.parent },
      ),
  );

  // listRegistryCredentials fails when the admin user is off, so the plain boolean decides whether
  // to ask at all. Invoke results are never marked secret: wrap them here.
  if (!args.adminUserEnabled) return { registry, replicas };
  const credentials = containerregistry.listRegistryCredentialsOutput(
    { registryName: registry.name, resourceGroupName: ctx.resourceGroupName },
    { parent: ctx.parent },
  );
  return {
    registry,
    replicas,
    adminCredentials: {
      username: credentials.apply((c) => c.username ?? ""),
      password: pulumi.secret(credentials.apply((c) => c.passwords?.[0]?.value ?? "")),
    },
  };
}
