import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import * as azuread from "@pulumi/azuread";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as time from "@pulumiverse/time";
import { GitHubSubjectArgs, ResolvedArgs } from "./args";
import { GITHUB_OIDC, PrincipalType, RoleName, roleDefinitionId } from "./azure-facts";
import { PartContext } from "./context";

export interface RoleGrant {
  principalId: pulumi.Input<string>;
  principalType: PrincipalType;
  role: RoleName;
}

/**
 * A role assignment name (a GUID) derived from the scope, principal and role, as Bicep's
 * `guid(scope, principalId, roleId)` does: the same on every run, and the same for the same grant.
 */
export function roleAssignmentName(scope: string, principalId: string, role: RoleName): string {
  const hash = crypto.createHash("sha256").update(`${scope}|${principalId}|${role}`).digest("hex");
  return [hash.slice(0, 8), hash.slice(8, 12), `5${hash.slice(13, 16)}`, `8${hash.slice(17, 20)}`, hash.slice(20, 32)].join("-");
}

/** Grants a role on a scope (the registry) to a principal. `principalType` is always set, which
 * avoids PrincipalNotFound while Entra ID replicates a principal that was just created. */
export function assignRole(
  ctx: PartContext,
  resourceName: string,
  scope: pulumi.Input<string>,
  subscriptionId: pulumi.Input<string>,
  grant: RoleGrant,
): authorization.RoleAssignment {
  return new authorization.RoleAssignment(
    resourceName,
    {
      scope,
      principalId: grant.principalId,
      principalType: grant.principalType,
      roleDefinitionId: pulumi.output(subscriptionId).apply((id) => roleDefinitionId(id, grant.role)),
      roleAssignmentName: pulumi
        .all([scope, grant.principalId])
        .apply(([s, principalId]) => roleAssignmentName(s, principalId, grant.role)),
      description: `${grant.role} on the registry, granted by acr-infra`,
    },
    { parent: ctx.parent },
  );
}

export interface CiPrincipalPart {
  application: azuread.Application;
  servicePrincipal: azuread.ServicePrincipal;
  roleAssignment: authorization.RoleAssignment;
  clientId: pulumi.Output<string>;
  objectId: pulumi.Output<string>;
  /** The client secret, a Pulumi secret; absent for a federated credential. */
  clientSecret?: pulumi.Output<string>;
}

/** The subject GitHub Actions puts in its OIDC token for the runs that may sign in. */
export function githubSubject(github: GitHubSubjectArgs): string {
  const prefix = `repo:${github.repository}`;
  if (github.branch) return `${prefix}:ref:refs/heads/${github.branch}`;
  if (github.tag) return `${prefix}:ref:refs/tags/${github.tag}`;
  if (github.environment) return `${prefix}:environment:${github.environment}`;
  return `${prefix}:pull_request`;
}

/**
 * The CI identity: an Entra ID application, its service principal, its role on the registry, and
 * either a client secret that is replaced every `rotationDays` (and expires after
 * `passwordLifetimeDays`) or a federated credential for GitHub Actions OIDC, which has no secret.
 */
export function createCiPrincipal(
  ctx: PartContext,
  settings: ResolvedArgs["servicePrincipal"],
  registryId: pulumi.Input<string>,
  subscriptionId: pulumi.Input<string>,
): CiPrincipalPart {
  const displayName = `${pulumi.getProject()}-${pulumi.getStack()}-${ctx.name}-ci`;
  const application = new azuread.Application(
    `${ctx.name}-ci`,
    { displayName, notes: `${settings.role} on the registry for CI; managed by acr-infra.` },
    { parent: ctx.parent },
  );
  const servicePrincipal = new azuread.ServicePrincipal(`${ctx.name}-ci`, { clientId: application.clientId }, { parent: ctx.parent });
  const roleAssignment = assignRole(ctx, `${ctx.name}-ci-role`, registryId, subscriptionId, {
    principalId: servicePrincipal.objectId,
    principalType: "ServicePrincipal",
    role: settings.role,
  });
  const part = { application, servicePrincipal, roleAssignment, clientId: application.clientId, objectId: servicePrincipal.objectId };

  if (settings.credential === "federated") {
    new azuread.ApplicationFederatedIdentityCredential(
      `${ctx.name}-ci-github`,
      {
        applicationId: application.id,
        displayName: "github-actions",
        description: `GitHub Actions OIDC for ${settings.github!.repository}`,
        issuer: GITHUB_OIDC.issuer,
        audiences: [GITHUB_OIDC.audience],
        subject: githubSubject(settings.github!),
      },
      { parent: ctx.parent },
    );
    return part;
  }

  // time.Rotating records when the current secret was issued and, once rotationDays have passed,
  // changes its id: rotateWhenChanged then makes the next `pulumi up` issue a new secret.
  const rotation = new time.Rotating(`${ctx.name}-ci-secret-rotation`, { rotationDays: settings.rotationDays }, { parent: ctx.parent });
  const password = new azuread.ApplicationPassword(
    `${ctx.name}-ci`,
    {
      applicationId: application.id,
      displayName: "acr-infra",
      endDate: rotation.rfc3339.apply((issued) => addDays(issued, settings.passwordLifetimeDays)),
      rotateWhenChanged: { rotation: rotation.id },
    },
    { parent: ctx.parent },
  );
  return { ...part, clientSecret: pulumi.secret(password.value) };
}

export interface PullIdentityPart {
  identity: managedidentity.UserAssignedIdentity;
  roleAssignment: authorization.RoleAssignment;
}

/** A user-assigned managed identity with AcrPull, for workloads (AKS, App Service, Container Apps) to pull with. */
export function createPullIdentity(
  ctx: PartContext,
  registryId: pulumi.Input<string>,
  subscriptionId: pulumi.Input<string>,
): PullIdentityPart {
  const identity = new managedidentity.UserAssignedIdentity(
    `${ctx.name}-pull`,
    { resourceGroupName: ctx.resourceGroupName, location: ctx.location, tags: ctx.tags },
    { parent: ctx.parent },
  );
  const roleAssignment = assignRole(ctx, `${ctx.name}-pull-role`, registryId, subscriptionId, {
    principalId: identity.principalId,
    principalType: "ServicePrincipal",
    role: "AcrPull",
  });
  return { identity, roleAssignment };
}

/** An RFC 3339 time plus whole days, in the same format. */
export function addDays(rfc3339: string, days: number): string {
  const date = new Date(rfc3339);
  if (Number.isNaN(date.getTime())) throw new Error(`not an RFC 3339 time: ${rfc3339}`);
  return new Date(date.getTime() + days * 86_400_000).toISOString().replace(/\.000Z$/, "Z");
}
