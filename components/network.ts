import * as pulumi from "@pulumi/pulumi";
import * as network from "@pulumi/azure-native/network";
import { ResolvedArgs } from "./args";
import { REGISTRY_PRIVATE_DNS_ZONE } from "./azure-facts";
import { PartContext } from "./context";

/**
 * Private endpoints for the registry in existing subnets, each registered in the
 * privatelink.azurecr.io zone when one is given (Premium).
 */
export function createPrivateEndpoints(
  ctx: PartContext,
  registryId: pulumi.Input<string>,
  endpoints: ResolvedArgs["privateEndpoints"],
): network.PrivateEndpoint[] {
  return endpoints.map((endpoint, index) => {
    const privateEndpoint = new network.PrivateEndpoint(
      `${ctx.name}-pe-${index}`,
      {
        resourceGroupName: ctx.resourceGroupName,
        // A private endpoint lives in its subnet's region, which may not be the registry's.
        location: endpoint.location ?? ctx.location,
        subnet: { id: endpoint.subnetId },
        privateLinkServiceConnections: [{ name: `${ctx.name}-registry`, privateLinkServiceId: registryId, groupIds: ["registry"] }],
        tags: ctx.tags,
      },
      { parent: ctx.parent },
    );
    if (endpoint.privateDnsZoneId) {
      new network.PrivateDnsZoneGroup(
        `${ctx.name}-pe-${index}-dns`,
        {
          resourceGroupName: ctx.resourceGroupName,
          privateEndpointName: privateEndpoint.name,
          privateDnsZoneGroupName: "default",
          privateDnsZoneConfigs: [{ name: REGISTRY_PRIVATE_DNS_ZONE.replace(/\./g, "-"), privateDnsZoneId: endpoint.privateDnsZoneId }],
        },
        { parent: ctx.parent },
      );
    }
    return privateEndpoint;
  });
}
