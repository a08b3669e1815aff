import { GENERIC_RESOURCE_TOKEN } from "../../../components/azure-facts";
import { overlaps, parsePath, type Segment } from "./paths";

// ---------------------------------------------------------------------------------------------
// Replace or update, decided offline.
//
// `pulumi preview` asks each provider; offline, the same answer comes from what the providers
// are known to do:
//  1. The resource's own `replaceOnChanges` option: the engine replaces the resource when a changed
//     property is at or below a listed path ("properties.encryption" covers
//     "properties.encryption.status"; `*` matches any one segment). Our diff reports an object that
//     appears or disappears at its own path, which then covers the listed paths below it, so a
//     match either way round counts.
//  2. azure-native replaces a resource when an input that is part of its ARM resource id changes:
//     "All the parameters that are part of the resource path cause a replacement"
//     (pulumi-azure-native provider/pkg/provider/diff.go). For a child such as a Replication, the
//     parent's name (`registryName`) is in that path as well as its own: the replica cannot move to
//     another registry. The table lists the id inputs of the types this project declares, plus the
//     inputs Azure cannot update in place (a role assignment's principal and role).
//  3. azure-native: `location` (create-only for ARM resources); locations that differ only in case
//     and spaces ("West Europe", "westeurope") are no change, as the provider normalises them.
//  4. Resources of other providers whose arguments all force a new resource: azuread's
//     ApplicationPassword (a secret cannot be edited), and every random resource (a random value
//     changes only by being made again).
// Anything else is an update. A provider may still replace on a change this table does not know:
// the offline answer is the best guess, `pulumi preview` the authority.
// ---------------------------------------------------------------------------------------------

/** Inputs whose change replaces a resource, by type token; "all" for types with no update at all. */
const REPLACING_INPUTS: Readonly<Record<string, readonly string[] | "all">> = {
  "azure-native:resources:ResourceGroup": ["resourceGroupName"],
  [GENERIC_RESOURCE_TOKEN]: ["resourceName", "resourceGroupName", "resourceProviderNamespace", "resourceType", "parentResourcePath"],
  "azure-native:containerregistry:Registry": ["registryName", "resourceGroupName"],
  "azure-native:containerregistry:Replication": ["replicationName", "registryName", "resourceGroupName"],
  "azure-native:containerregistry:Task": ["taskName", "registryName", "resourceGroupName"],
  "azure-native:containerregistry:Webhook": ["webhookName", "registryName", "resourceGroupName"],
  "azure-native:containerregistry:ScopeMap": ["scopeMapName", "registryName", "resourceGroupName"],
  "azure-native:containerregistry:Token": ["tokenName", "registryName", "resourceGroupName"],
  "azure-native:storage:StorageAccount": ["accountName", "resourceGroupName"],
  "azure-native:storage:ManagementPolicy": ["managementPolicyName", "accountName", "resourceGroupName"],
  "azure-native:network:PrivateEndpoint": ["privateEndpointName", "resourceGroupName"],
  "azure-native:network:PrivateDnsZoneGroup": ["privateDnsZoneGroupName", "privateEndpointName", "resourceGroupName"],
  "azure-native:monitor:DiagnosticSetting": ["name", "resourceUri"],
  "azure-native:authorization:RoleAssignment": ["roleAssignmentName", "scope", "principalId", "roleDefinitionId"],
  "azure-native:authorization:ManagementLockByScope": ["lockName", "scope"],
  "azure-native:managedidentity:UserAssignedIdentity": ["resourceName", "resourceGroupName"],
  "azuread:index/applicationPassword:ApplicationPassword": "all",
};

export const AZURE_NATIVE = "azure-native:";
const RANDOM = "random:";

export function forcesReplacement(resource: { type: string; replaceOnChanges: readonly string[] }, path: readonly Segment[]): boolean {
  if (resource.replaceOnChanges.some((listed) => overlaps(parsePath(listed), path))) return true;
  if (resource.type.startsWith(RANDOM)) return true;
  const top = String(path[0]);
  const replacing = REPLACING_INPUTS[resource.type];
  if (replacing === "all" || replacing?.includes(top)) return true;
  return resource.type.startsWith(AZURE_NATIVE) && top === "location";
}
