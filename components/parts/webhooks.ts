import * as pulumi from "@pulumi/pulumi";
import * as containerregistry from "@pulumi/azure-native/containerregistry";
import { WEBHOOK_ACTIONS, WEBHOOK_NAME, WebhookAction } from "../azure-facts";
import { PartContext } from "../context";
import { list } from "../setting-kinds";
import { ValidationError, oneOfText, read, readFields } from "../validation";

/** A webhook that notifies a service of pushes, deletes and quarantine events. */
export interface WebhookArgs {
  /** 5 to 50 letters and digits. */
  name: string;
  /** https only. Kept as a secret, as such URIs often carry a token. */
  serviceUri: string;
  /** The events it fires for. */
  actions: WebhookAction[];
  /** Repositories and tags it fires for, e.g. `app:*`; default all. */
  scope?: string;
  /** Default `true`. */
  enabled?: boolean;
}

export type ResolvedWebhook = Required<Omit<WebhookArgs, "scope">> & { scope?: string };

function readWebhook(value: unknown, setting: string): ResolvedWebhook {
  return readFields(setting, value, ["name", "serviceUri", "actions", "scope", "enabled"], (entry, take) => {
    const name = take(() => read.requiredString(`${setting}.name`, entry.name, WEBHOOK_NAME.pattern, WEBHOOK_NAME.rule), "");
    const serviceUri = take(() => {
      const uri = entry.serviceUri;
      // The URI may carry a token: name the setting, never echo the value.
      if (typeof uri !== "string" || !/^https:\/\/[^\s/]+/i.test(uri)) {
        throw new ValidationError(
          `${setting}.serviceUri`,
          "is not allowed: use an https:// URI (webhook payloads must not travel in clear text)",
        );
      }
      return uri;
    }, "");
    const actions = take(() => {
      const listed = read
        .array(`${setting}.actions`, entry.actions)
        .map((action, i) => read.oneOf(`${setting}.actions[${i}]`, action, WEBHOOK_ACTIONS, "push"));
      if (listed.length === 0)
        throw new ValidationError(`${setting}.actions`, `is empty: use one or more of ${oneOfText(WEBHOOK_ACTIONS)}`);
      return listed;
    }, []);
    const scope = take(
      () =>
        entry.scope === undefined
          ? undefined
          : read.optionalString(`${setting}.scope`, entry.scope, /^[^\s]{1,256}$/, "a repository[:tag] pattern such as app:*"),
      undefined,
    );
    const enabled = take(() => read.boolean(`${setting}.enabled`, entry.enabled, true), true);
    return { name, serviceUri, actions, enabled, ...(scope ? { scope } : {}) };
  });
}

export const webhooksSetting = list("Webhooks that notify a service (https only) of pushes, deletes and quarantine events", {
  type: "WebhookArgs",
  typeFrom: "./parts/webhooks",
  read: readWebhook,
  unique: { key: (webhook) => webhook.name, what: "webhook name" },
});

/** Webhooks that notify a service of pushes and deletes; the URI is kept as a secret. */
export function createWebhooks(
  ctx: PartContext,
  registryName: pulumi.Input<string>,
  webhooks: readonly ResolvedWebhook[],
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
