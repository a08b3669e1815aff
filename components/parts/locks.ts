import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import { PartContext } from "../context";
import { flag } from "../setting-kinds";

export const lockSetting = flag("A CanNotDelete lock on the registry and the storage account", false, {
  details:
    "A lock on the registry also blocks deleting its children (replicas, webhooks, purge tasks, scope maps, tokens), role assignments on it and its diagnostic setting: see the README's deployment steps.",
});

/** CanNotDelete locks: the resources can change but not be deleted, by anyone, until the lock goes. */
export function createDeleteLocks(ctx: PartContext, targets: Record<string, pulumi.Input<string>>): authorization.ManagementLockByScope[] {
  return Object.entries(targets).map(
    ([what, scope]) =>
      new authorization.ManagementLockByScope(
        `${ctx.name}-${what}-lock`,
        {
          scope,
          level: "CanNotDelete",
          lockName: `${ctx.name}-${what}-cannot-delete`,
          notes: "Set by acr-infra (lock: true): remove the setting to delete.",
        },
        { parent: ctx.parent },
      ),
  );
}
