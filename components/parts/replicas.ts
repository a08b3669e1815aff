import * as pulumi from "@pulumi/pulumi";
import * as containerregistry from "@pulumi/azure-native/containerregistry";
import { PartContext } from "../context";
import { Earlier, list, requireRegion } from "../setting-kinds";
import { ValidationError, read, show } from "../validation";

/** A read replica of the registry in another region (Premium). */
export interface ReplicaArgs {
  /** The replica's region: another than the registry's. */
  location: string;
  /** Default `true`; set `false` in a region without availability zones. Set when the replica is created, as the registry's. */
  zoneRedundancy?: boolean;
  /** Serve pulls from this region's own endpoint. Default `true`. */
  regionalEndpointEnabled?: boolean;
}

/** A replica; `earlier.location` is the registry's own region (read before replicas), which a replica cannot take. */
function readReplica(value: unknown, setting: string, earlier: Earlier): Required<ReplicaArgs> {
  const entry = read.object(setting, value, ["location", "zoneRedundancy", "regionalEndpointEnabled"]);
  const location = requireRegion(`${setting}.location`, entry.location);
  if (earlier.location && location === earlier.location) {
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

export const replicasSetting = list(
  "Geo-replicas in other regions than the registry's",
  {
    type: "ReplicaArgs",
    typeFrom: "./parts/replicas",
    read: readReplica,
    unique: { key: (replica) => replica.location, what: "replica region" },
  },
  { premium: (replicas) => replicas.length > 0 },
);

/** The registry's replicas, one per region, each named from its region. */
export function createReplicas(
  ctx: PartContext,
  registryName: pulumi.Input<string>,
  replicas: readonly Required<ReplicaArgs>[],
): containerregistry.Replication[] {
  return replicas.map(
    (replica) =>
      new containerregistry.Replication(
        `${ctx.name}-replica-${replica.location.toLowerCase()}`,
        {
          registryName,
          resourceGroupName: ctx.resourceGroupName,
          location: replica.location,
          replicationName: replica.location.toLowerCase(),
          zoneRedundancy: replica.zoneRedundancy ? "Enabled" : "Disabled",
          regionEndpointEnabled: replica.regionalEndpointEnabled,
          tags: ctx.tags,
        },
        // A replica's zone redundancy is set when it is created, as the registry's is.
        { parent: ctx.parent, ignoreChanges: ["zoneRedundancy"] },
      ),
  );
}
