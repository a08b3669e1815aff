import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import * as azuread from "@pulumi/azuread";
import * as time from "@pulumiverse/time";
import { ServicePrincipalArgs } from "./args";
import { PrincipalType, RoleName, roleDefinitionId } from "./azure-facts";
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
  dependsOn: pulumi.Resource[] = [],
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
    { parent: ctx.parent, dependsOn },
  );
}

export interface CiPrincipalPart {
  application: azuread.Application;
  servicePrincipal: azuread.ServicePrincipal;
  password: azuread.ApplicationPassword;
  roleAssignment: authorization.RoleAssignment;
  clientId: pulumi.Output<string>;
  objectId: pulumi.Output<string>;
  /** The client secret: a Pulumi secret. */
  clientSecret: pulumi.Output<string>;
}

/**
 * The CI identity: an Entra ID application, its service principal, a client secret that is replaced
 * every `rotationDays` (and expires after `passwordLifetimeDays`), and its role on the registry.
 */
export function createCiPrincipal(
  ctx: PartContext,
  settings: Required<ServicePrincipalArgs>,
  registryId: pulumi.Input<string>,
  subscriptionId: pulumi.Input<string>,
): CiPrincipalPart {
  const displayName = `${pulumi.getProject()}-${pulumi.getStack()}-${ctx.name}-ci`;
  const application = new azuread.Application(
    `${ctx.name}-ci`,
    { displayName, notes: "Pushes and pulls images on the registry; managed by acr-infra." },
    { parent: ctx.parent },
  );
  const servicePrincipal = new azuread.ServicePrincipal(`${ctx.name}-ci`, { clientId: application.clientId }, { parent: ctx.parent });

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

  const roleAssignment = assignRole(ctx, `${ctx.name}-ci-role`, registryId, subscriptionId, {
    principalId: servicePrincipal.objectId,
    principalType: "ServicePrincipal",
    role: settings.role,
  });

  return {
    application,
    servicePrincipal,
    password,
    roleAssignment,
    clientId: application.clientId,
    objectId: servicePrincipal.objectId,
    clientSecret: pulumi.secret(password.value),
  };
}

/** An RFC 3339 time plus whole days, in the same format. */
export function addDays(rfc3339: string, days: number): string {
  const date = new Date(rfc3339);
  if (Number.isNaN(date.getTime())) throw new Error(`not an RFC 3339 time: ${rfc3339}`);
  return new Date(date.getTime() + days * 86_400_000).toISOString().replace(/\.000Z$/, "Z");
}
