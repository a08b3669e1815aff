import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import * as azuread from "@pulumi/azuread";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
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
  /** The client secret to use now (the newer of the two), a Pulumi secret; absent for a federated credential. */
  clientSecret?: pulumi.Output<string>;
  /** When that secret expires, and from when a deployment hands out a newer one (RFC 3339). */
  clientSecretExpiresAt?: string;
  clientSecretRenewsAt?: string;
}

/**
 * The subject GitHub Actions puts in its OIDC token for the runs that may sign in. A branch or tag
 * is given by name; validation has already taken a full `refs/heads/...` or `refs/tags/...` ref
 * down to the name, so the subject never says `refs/heads/refs/heads/...`.
 */
export function githubSubject(github: GitHubSubjectArgs): string {
  const prefix = `repo:${github.repository}`;
  if (github.branch) return `${prefix}:ref:refs/heads/${github.branch}`;
  if (github.tag) return `${prefix}:ref:refs/tags/${github.tag}`;
  if (github.environment) return `${prefix}:environment:${github.environment}`;
  return `${prefix}:pull_request`;
}

const DAY_MS = 86_400_000;

/** One of the two client secrets: which rotation window it belongs to and its dates. */
export interface SecretSlot {
  slot: "a" | "b";
  /** The rotation window it was issued in (whole `rotationDays` periods since 1970-01-01): a change replaces it. */
  window: number;
  /** RFC 3339: when it ends (`lifetimeDays` after its window began). */
  endDate: string;
  /** RFC 3339: the end of its window, from when the next deployment hands out a newer secret. */
  renewsAt: string;
}

export interface SecretSchedule {
  /** The secret to hand out now: the one of the current window. */
  current: SecretSlot;
  /** The other, of the window before: what CI may still hold. */
  previous: SecretSlot;
}

const rfc3339 = (ms: number) => new Date(ms).toISOString().replace(/\.000Z$/, "Z");

/**
 * Two staggered client secrets. Time is cut into windows of `rotationDays`; slot a belongs to even
 * windows, slot b to odd ones, so a new secret appears in each window and the one handed out is
 * always the newer. A slot is replaced when its window comes round again, and a replaced secret is
 * not deleted (the passwords are retained): it stays valid until its own end date, however long
 * deployments were skipped and whatever settings changed. Derived from the clock alone, so a
 * preview needs no refresh (and no Entra ID reads) to see it.
 */
export function secretSchedule(nowMs: number, rotationDays: number, lifetimeDays: number): SecretSchedule {
  const current = Math.floor(nowMs / (rotationDays * DAY_MS));
  const slotOf = (window: number): SecretSlot => ({
    slot: window % 2 === 0 ? "a" : "b",
    window,
    endDate: rfc3339(window * rotationDays * DAY_MS + lifetimeDays * DAY_MS),
    renewsAt: rfc3339((window + 1) * rotationDays * DAY_MS),
  });
  return { current: slotOf(current), previous: slotOf(current - 1) };
}

/**
 * The CI identity: an Entra ID application, its service principal, its role on the registry, and
 * either two staggered client secrets (see `secretSchedule`) or a federated credential for GitHub
 * Actions OIDC, which has no secret.
 *
 * The principal that creates them owns both the application and the service principal: with the
 * `Application.ReadWrite.OwnedBy` permission it must own both, or later updates fail (@pulumi/azuread
 * 6.9.1 servicePrincipal.d.ts: "must be an owner of _both_ the linked application registration, _and_
 * the service principal"). Owners are set at creation and then left alone: a preview or an update
 * run by someone else must not take them away from the identity CI deploys with.
 */
export function createCiPrincipal(
  ctx: PartContext,
  settings: ResolvedArgs["servicePrincipal"],
  registryId: pulumi.Input<string>,
  subscriptionId: pulumi.Input<string>,
  deployerObjectId: pulumi.Input<string>,
  nowMs: number = Date.now(),
): CiPrincipalPart {
  const displayName = `${pulumi.getProject()}-${pulumi.getStack()}-${ctx.name}-ci`;
  const owners = [deployerObjectId];
  const ownedOnce = { parent: ctx.parent, ignoreChanges: ["owners"] };
  const application = new azuread.Application(
    `${ctx.name}-ci`,
    { displayName, notes: `${settings.role} on the registry for CI; managed by acr-infra.`, owners },
    ownedOnce,
  );
  const servicePrincipal = new azuread.ServicePrincipal(`${ctx.name}-ci`, { clientId: application.clientId, owners }, ownedOnce);
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

  // A change of rotateWhenChanged or endDate replaces a password; retainOnDelete leaves the replaced
  // one in Entra ID until its end date, so the secret CI holds is never cut off by an update (a
  // skipped window, or a change of rotationDays or passwordLifetimeDays, replaces both slots).
  const schedule = secretSchedule(nowMs, settings.rotationDays, settings.passwordLifetimeDays);
  const passwords = Object.fromEntries(
    [schedule.current, schedule.previous].map((slot) => [
      slot.slot,
      new azuread.ApplicationPassword(
        `${ctx.name}-ci-${slot.slot}`,
        {
          applicationId: application.id,
          displayName: `acr-infra ${slot.slot}`,
          endDate: slot.endDate,
          rotateWhenChanged: { window: String(slot.window) },
        },
        // 0.1 had one password, "<name>-ci": slot a takes it over, so the upgrade retains it too.
        { parent: ctx.parent, retainOnDelete: true, aliases: slot.slot === "a" ? [{ name: `${ctx.name}-ci` }] : [] },
      ),
    ]),
  ) as Record<"a" | "b", azuread.ApplicationPassword>;
  return {
    ...part,
    clientSecret: pulumi.secret(passwords[schedule.current.slot].value),
    clientSecretExpiresAt: schedule.current.endDate,
    clientSecretRenewsAt: schedule.current.renewsAt,
  };
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
