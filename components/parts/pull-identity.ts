import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import { RoleName } from "../azure-facts";
import { PartContext } from "../context";
import { flag } from "../setting-kinds";
import { assignRole } from "./role-assignments";

export const pullIdentitySetting = flag(
  "A user-assigned managed identity with AcrPull (Container Registry Repository Reader with repositoryPermissions abac) that workloads (AKS, App Service, Container Apps) attach to pull; its ids are outputs",
  false,
);

export interface PullIdentityPart {
  identity: managedidentity.UserAssignedIdentity;
  roleAssignment: authorization.RoleAssignment;
}

/**
 * A user-assigned managed identity that can pull (AcrPull, or in ABAC mode Container Registry Repository
 * Reader: pulling names its repository, so the catalog-listing role is not granted), for workloads
 * (AKS, App Service, Container Apps) to pull with.
 */
export function createPullIdentity(
  ctx: PartContext,
  registryId: pulumi.Input<string>,
  subscriptionId: pulumi.Input<string>,
  role: RoleName,
): PullIdentityPart {
  const identity = new managedidentity.UserAssignedIdentity(
    `${ctx.name}-pull`,
    { resourceGroupName: ctx.resourceGroupName, location: ctx.location, tags: ctx.tags },
    { parent: ctx.parent },
  );
  const roleAssignment = assignRole(ctx, `${ctx.name}-pull-role`, registryId, subscriptionId, {
    principalId: identity.principalId,
    principalType: "ServicePrincipal",
    role,
  });
  return { identity, roleAssignment };
}
