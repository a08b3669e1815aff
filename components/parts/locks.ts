/**
 * Azure management locks on the registry and the audit-log storage account.
 *
 * Sources: Azure Resource Manager docs, "Lock your resources to protect your infrastructure"
 * (MicrosoftDocs/azure-docs, articles/azure-resource-manager/management/lock-resources.md, ms.date
 * 03/08/2024): CanNotDelete lets authorized users read and modify but not delete; ReadOnly lets them
 * read only ("similar to restricting all authorized users to the permissions that the Reader role
 * provides"); locks apply to control-plane operations only, and block POST requests to ARM too.
 * ACR: "Locking a registry resource doesn't prevent you from creating, updating, or deleting data in
 * repositories. Locking a registry only affects management operations such as adding or deleting
 * replications, or deleting the registry itself" (MicrosoftDocs/azure-management-docs,
 * articles/container-registry/container-registry-image-lock.md, commit 77ed42b).
 */
import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import { LOCK_LEVELS, type LockLevel } from "../azure-facts";
import { PartContext } from "../context";
import { flagOrChoice } from "../setting-kinds";

export const lockSetting = flagOrChoice(
  LOCK_LEVELS,
  "A management lock on the registry (CanNotDelete or ReadOnly) and a CanNotDelete lock on the storage account",
  {
    details:
      "CanNotDelete blocks deleting the registry and everything beneath it: its children (replicas, webhooks, purge tasks, scope maps, tokens, cache rules, credential sets), role assignments on it and its diagnostic settings. ReadOnly blocks every management-plane change of them too, creates included, and the POST actions: az acr import, az acr credential show, token passwords, task runs; pushes, pulls and tag deletes are data-plane operations, which no lock blocks (az acr repository update --write-enabled false locks images). Not with adminUserEnabled, whose password the component lists with a POST on every run. The storage account keeps a CanNotDelete lock either way: Azure Monitor creates its log containers on first write. A change between the two levels updates the lock in place. In code the type is the two words (the Pulumi schema analyzer reads no union of a boolean and words, so other languages could not set it otherwise): write CanNotDelete where a stack file says true. See the README's deployment steps, and docs/deploying.md (ReadOnly locks).",
  },
);

const NOTES = {
  CanNotDelete: "Set by acr-infra (lock: true): remove the setting to delete.",
  ReadOnly:
    'Set by acr-infra (lock: "ReadOnly"): no change or delete through Azure Resource Manager; pushes and pulls still work. Set lock to true or false to change it.',
  logsUnderReadOnly: 'Set by acr-infra (lock: "ReadOnly" locks the audit-log account CanNotDelete): remove the setting to delete.',
} as const;

/**
 * The locks: the registry at `level`, the audit-log storage account CanNotDelete at either level
 * (Azure Monitor creates its insights-logs-* containers on first write: "a storage container is
 * created in the storage account as soon as an event occurs in one of the enabled log categories",
 * azure-monitor resource-logs.md, "Send to Azure Storage"; and a ReadOnly lock on a storage account
 * "prevents the creation of a blob container": lock-resources.md).
 *
 * The logical name and `lockName` are the same at every level, so a change of level is an update in
 * place: ARM's Management Locks API creates or updates a lock by PUT at
 * `{scope}/providers/Microsoft.Authorization/locks/{lockName}` (2016-09-01,
 * ManagementLocks_CreateOrUpdateByScope), the level in its body; the registry is never without a
 * lock. `cannot-delete` stays true of a ReadOnly lock, which refuses deletes as well.
 *
 * `beneath` are the resources the locks wait for: under a ReadOnly lock Azure refuses to create
 * them, so on the first deployment the locks go on last.
 */
export function createLocks(
  ctx: PartContext,
  level: LockLevel,
  scopes: { registry: pulumi.Input<string>; logs: pulumi.Input<string> },
  beneath: pulumi.Resource[],
): authorization.ManagementLockByScope[] {
  const targets = [
    { what: "registry", scope: scopes.registry, level, notes: NOTES[level] },
    {
      what: "logs",
      scope: scopes.logs,
      level: "CanNotDelete" as const,
      notes: level === "ReadOnly" ? NOTES.logsUnderReadOnly : NOTES.CanNotDelete,
    },
  ];
  return targets.map(
    ({ what, scope, level: targetLevel, notes }) =>
      new authorization.ManagementLockByScope(
        `${ctx.name}-${what}-lock`,
        { scope, level: targetLevel, lockName: `${ctx.name}-${what}-cannot-delete`, notes },
        { parent: ctx.parent, dependsOn: beneath },
      ),
  );
}
