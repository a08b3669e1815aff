import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import * as containerregistry from "@pulumi/azure-native/containerregistry";
import { ResolvedArgs } from "./args";
import { PartContext } from "./context";

/** Webhooks that notify a service of pushes and deletes; the URI is kept as a secret. */
export function createWebhooks(
  ctx: PartContext,
  registryName: pulumi.Input<string>,
  webhooks: ResolvedArgs["webhooks"],
): containerregistry.Webhook[] {
  return webhooks.map(
    (webhook) =>
      new containerregistry.Webhook(
        `${ctx.name}-webhook-${webhook.name.toLowerCase()}`,
        {
          registryName,
          resourceGroupName: ctx.resourceGroupName,
          location: ctx.location,
          webhookName: webhook.name,
          // Such URIs often carry a token in the query string.
          serviceUri: pulumi.secret(webhook.serviceUri),
          actions: webhook.actions,
          scope: webhook.scope,
          status: webhook.enabled ? "enabled" : "disabled",
          tags: ctx.tags,
        },
        { parent: ctx.parent, additionalSecretOutputs: ["serviceUri"] },
      ),
  );
}

/**
 * Repository-scoped access: a scope map per entry and its tokens. Azure hands out a token's
 * passwords only through the registry's generateCredentials action, once, which no provider
 * resource calls; a token's owner generates them (`az acr token credential generate`).
 */
export function createScopeMaps(
  ctx: PartContext,
  registryName: pulumi.Input<string>,
  scopeMaps: ResolvedArgs["scopeMaps"],
): containerregistry.Token[] {
  return scopeMaps.flatMap((scopeMap) => {
    const map = new containerregistry.ScopeMap(
      `${ctx.name}-scope-${scopeMap.name.toLowerCase()}`,
      { registryName, resourceGroupName: ctx.resourceGroupName, scopeMapName: scopeMap.name, actions: scopeMap.actions },
      { parent: ctx.parent },
    );
    return scopeMap.tokens.map(
      (token) =>
        new containerregistry.Token(
          `${ctx.name}-token-${token.name.toLowerCase()}`,
          {
            registryName,
            resourceGroupName: ctx.resourceGroupName,
            tokenName: token.name,
            scopeMapId: map.id,
            status: token.enabled ? "enabled" : "disabled",
          },
          // Password metadata, and any password generated later, come back in credentials.
          { parent: ctx.parent, additionalSecretOutputs: ["credentials"] },
        ),
    );
  });
}

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
