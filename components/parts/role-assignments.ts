import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import { GUID, PRINCIPAL_TYPES, PRIVILEGED_ROLES, PrincipalType, ROLE_NAMES, RoleName, roleDefinitionId } from "../azure-facts";
import { PartContext } from "../context";
import { list } from "../setting-kinds";
import { ValidationError, oneOfText, read, readFields, show } from "../validation";
import { readRepositories, repositoryCondition } from "./repository-permissions";

/** A role on the registry for an identity that already exists (a user, a group, another principal). */
export interface RoleAssignmentArgs {
  /** Object id (a GUID) of the user, group or service principal. */
  principalId: pulumi.Input<string>;
  /** Set on the assignment, so Azure need not look the principal up (which fails while a new one replicates). */
  principalType: PrincipalType;
  /** The role on the registry; `Contributor` and `Owner` need `allowPrivilegedRole`. */
  role: RoleName;
  /** Accept `Owner` or `Contributor` as `role`. Default `false`. */
  allowPrivilegedRole?: boolean;
  /**
   * Grant the role on these repositories only (`team-a/app`; `team-a/*` for every repository under
   * team-a/; `team-*` for every name starting so), with an ABAC condition on the assignment. Needs
   * `repositoryPermissions: abac` and a Container Registry Repository Reader, Writer or Contributor
   * role. Not set: every repository.
   */
  repositories?: string[];
}

/** A role assignment as read: `repositories` stays undefined when the role covers every repository. */
export type ResolvedRoleAssignment = Required<Omit<RoleAssignmentArgs, "repositories">> & Pick<RoleAssignmentArgs, "repositories">;

function readRoleAssignment(value: unknown, setting: string): ResolvedRoleAssignment {
  return readFields(setting, value, ["principalId", "principalType", "role", "allowPrivilegedRole", "repositories"], (entry, take) => {
    const principalId = take(() => {
      const id = entry.principalId;
      if (id === undefined)
        throw new ValidationError(
          `${setting}.principalId`,
          "is missing: use the object id (a GUID) of the user, group or service principal",
        );
      if (!pulumi.Output.isInstance(id) && (typeof id !== "string" || !GUID.test(id))) {
        throw new ValidationError(
          `${setting}.principalId`,
          `${show(id)} is not allowed: use an object id, a GUID such as 00000000-0000-0000-0000-000000000000`,
        );
      }
      return id as pulumi.Input<string>;
    }, "");
    const principalType = take(() => {
      if (entry.principalType === undefined)
        throw new ValidationError(`${setting}.principalType`, `is missing: use ${oneOfText(PRINCIPAL_TYPES)}`);
      return read.oneOf(`${setting}.principalType`, entry.principalType, PRINCIPAL_TYPES, "ServicePrincipal");
    }, "ServicePrincipal" as const);
    const role = take(() => {
      if (entry.role === undefined) throw new ValidationError(`${setting}.role`, `is missing: use ${oneOfText(ROLE_NAMES)}`);
      return read.oneOf(`${setting}.role`, entry.role, ROLE_NAMES, "AcrPull");
    }, "AcrPull");
    const allowPrivilegedRole = take(() => read.boolean(`${setting}.allowPrivilegedRole`, entry.allowPrivilegedRole, false), false);
    take(() => requireOptInForPrivilegedRole(setting, role, allowPrivilegedRole), undefined);
    const repositories = take(() => readRepositories(`${setting}.repositories`, entry.repositories, role), undefined);
    return { principalId, principalType, role, allowPrivilegedRole, ...(repositories ? { repositories } : {}) };
  });
}

export function requireOptInForPrivilegedRole(setting: string, role: RoleName, allowed: boolean): void {
  if (PRIVILEGED_ROLES.includes(role) && !allowed) {
    throw new ValidationError(
      `${setting}.role`,
      `${show(role)} needs ${setting}.allowPrivilegedRole: true: ${oneOfText(PRIVILEGED_ROLES)} can change the registry and grant access to it; pushing needs only AcrPush, pulling AcrPull`,
    );
  }
}

export const roleAssignmentsSetting = list("Roles on the registry for identities that already exist (users, groups, service principals)", {
  type: "RoleAssignmentArgs",
  typeFrom: "./parts/role-assignments",
  read: readRoleAssignment,
  // An id known only at deployment (an Output) cannot be compared now.
  unique: { key: (g) => (typeof g.principalId === "string" ? `${g.principalId} ${g.role}` : undefined), what: "principal and role pair" },
});

export interface RoleGrant {
  principalId: pulumi.Input<string>;
  /** Set on the assignment, so Azure need not look the principal up (which fails while a new one replicates). */
  principalType: PrincipalType;
  /** The role on the registry; `Contributor` and `Owner` need `allowPrivilegedRole`. */
  role: RoleName;
  /** Only these repositories (an ABAC condition on the assignment); not set: every repository. */
  repositories?: readonly string[];
}

/**
 * A role assignment name (a GUID) derived from the scope, principal and role, as Bicep's
 * `guid(scope, principalId, roleId)` does: the same on every run, and the same for the same grant.
 */
export function roleAssignmentName(scope: string, principalId: string, role: string): string {
  const hash = crypto.createHash("sha256").update(`${scope}|${principalId}|${role}`).digest("hex");
  return [hash.slice(0, 8), hash.slice(8, 12), `5${hash.slice(13, 16)}`, `8${hash.slice(17, 20)}`, hash.slice(20, 32)].join("-");
}

/** Grants a role on a scope (the registry) to a principal. `principalType` is always set, which
 * avoids PrincipalNotFound while Entra ID replicates a principal that was just created (Azure RBAC
 * docs, "Assign Azure roles using Azure Resource Manager templates", "New service principal"). */
export function assignRole(
  ctx: PartContext,
  resourceName: string,
  scope: pulumi.Input<string>,
  subscriptionId: pulumi.Input<string>,
  grant: RoleGrant,
): authorization.RoleAssignment {
  const repositories = grant.repositories ?? [];
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
      description: `${grant.role} on ${repositories.length > 0 ? `repositories ${repositories.join(", ")}` : "the registry"}, granted by acr-infra`,
      // ACR docs (ABAC repository permissions): the scope stays the registry; the condition names the repositories.
      ...(repositories.length > 0 ? { condition: repositoryCondition(grant.role, repositories), conditionVersion: "2.0" } : {}),
    },
    { parent: ctx.parent },
  );
}
