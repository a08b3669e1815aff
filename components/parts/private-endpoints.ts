import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";
import * as network from "@pulumi/azure-native/network";
import { ARM_ID, REGISTRY_PRIVATE_DNS_ZONE } from "../azure-facts";
import { PartContext } from "../context";
import { list, readRegion } from "../setting-kinds";
import { ValidationError, read } from "../validation";

/** A private endpoint for the registry in an existing subnet (Premium). */
export interface PrivateEndpointArgs {
  /** ARM id of the subnet. */
  subnetId: string;
  /** ARM id of the `privatelink.azurecr.io` private DNS zone to register in; omit when DNS is managed elsewhere. */
  privateDnsZoneId?: string;
  /** The subnet's region, when it is not the registry's. */
  location?: string;
}

function readPrivateEndpoint(value: unknown, setting: string): PrivateEndpointArgs {
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
  const location = readRegion(`${setting}.location`, entry.location);
  return { subnetId, ...(privateDnsZoneId ? { privateDnsZoneId } : {}), ...(location ? { location } : {}) };
}

export const privateEndpointsSetting = list(
  "Private endpoints in existing subnets, one per subnet, each named from its subnet and placed in its region",
  {
    type: "PrivateEndpointArgs",
    typeFrom: "./parts/private-endpoints",
    read: readPrivateEndpoint,
    unique: { key: (endpoint) => endpoint.subnetId, what: "subnet (one endpoint per subnet)" },
  },
  {
    premium: (endpoints) => endpoints.length > 0,
    details:
      "Each endpoint is named from its subnet, so reordering the list changes nothing; a new subnet is a new endpoint (ARM cannot move one). With endpoints and no IP rules, publicNetworkAccess defaults to Disabled.",
  },
);

/** azure-native names an endpoint after its logical name plus a random suffix; Azure allows 64 characters. */
const MAX_ENDPOINT_LOGICAL_NAME = 55;

/**
 * The logical name of a registry's private endpoint: from its subnet (virtual network and subnet
 * names, cut to fit, and a short hash of the whole id so two networks with the same names stay
 * apart), never its place in the list, so reordering the list changes nothing.
 */
export function privateEndpointName(component: string, subnetId: string): string {
  const [, vnet, subnet] = /virtualNetworks\/([^/]+)\/subnets\/([^/]+)$/i.exec(subnetId) ?? [];
  const hash = crypto.createHash("sha256").update(subnetId.toLowerCase()).digest("hex").slice(0, 8);
  const readable = `${component}-pe-${vnet}-${subnet}`.toLowerCase().slice(0, MAX_ENDPOINT_LOGICAL_NAME - hash.length - 1);
  return `${readable}-${hash}`;
}

/**
 * Private endpoints for the registry in existing subnets, each registered in the
 * privatelink.azurecr.io zone when one is given (Premium). An endpoint cannot move to another
 * subnet (ARM answers CannotChangeSubnetOnExistingPrivateEndpoint): a different subnet is a
 * different endpoint, under another name. 0.1 named endpoints by their place in the list; the alias
 * keeps such an endpoint when a stack is upgraded.
 */
export function createPrivateEndpoints(
  ctx: PartContext,
  registryId: pulumi.Input<string>,
  endpoints: readonly PrivateEndpointArgs[],
): network.PrivateEndpoint[] {
  return endpoints.map((endpoint, index) => {
    const name = privateEndpointName(ctx.name, endpoint.subnetId);
    const upgradedFrom = `${ctx.name}-pe-${index}`;
    const privateEndpoint = new network.PrivateEndpoint(
      name,
      {
        resourceGroupName: ctx.resourceGroupName,
        // A private endpoint lives in its subnet's region, which may not be the registry's.
        location: endpoint.location ?? ctx.location,
        subnet: { id: endpoint.subnetId },
        privateLinkServiceConnections: [{ name: `${ctx.name}-registry`, privateLinkServiceId: registryId, groupIds: ["registry"] }],
        tags: ctx.tags,
      },
      { parent: ctx.parent, aliases: [{ name: upgradedFrom }] },
    );
    if (endpoint.privateDnsZoneId) {
      new network.PrivateDnsZoneGroup(
        `${name}-dns`,
        {
          resourceGroupName: ctx.resourceGroupName,
          privateEndpointName: privateEndpoint.name,
          privateDnsZoneGroupName: "default",
          privateDnsZoneConfigs: [{ name: REGISTRY_PRIVATE_DNS_ZONE.replace(/\./g, "-"), privateDnsZoneId: endpoint.privateDnsZoneId }],
        },
        { parent: ctx.parent, aliases: [{ name: `${upgradedFrom}-dns` }] },
      );
    }
    return privateEndpoint;
  });
}
