import * as pulumi from "@pulumi/pulumi";
import * as containerregistry from "@pulumi/azure-native/containerregistry";
import { PartContext } from "./context";
import { PurgeRule, purgeCommand } from "./purge-rules";

/** The ACR Task definition (YAML) that runs one purge rule, as `az acr task create --cmd` writes it. */
export function purgeTaskYaml(rule: PurgeRule): string {
  return [
    "version: v1.1.0",
    "steps:",
    // A JSON string is a YAML double-quoted scalar: no filter character can end the value early.
    `  - cmd: ${JSON.stringify(purgeCommand(rule))}`,
    "    disableWorkingDirectoryOverride: true",
    "    timeout: 3600",
    "",
  ].join("\n");
}

/**
 * One ACR Task per purge rule: a timer trigger runs `acr purge` inside the registry, so old images go
 * on schedule without any machine of ours. Works on every SKU.
 */
export function createPurgeTasks(
  ctx: PartContext,
  registryName: pulumi.Input<string>,
  rules: readonly Required<PurgeRule>[],
): containerregistry.Task[] {
  return rules.map(
    (rule, index) =>
      new containerregistry.Task(
        `${ctx.name}-purge-${index}`,
        {
          registryName,
          resourceGroupName: ctx.resourceGroupName,
          location: ctx.location,
          taskName: `purge-${index}`,
          platform: { os: containerregistry.OS.Linux },
          // Tasks pass a registry's network rules only with an identity of their own and the
          // registry's networkRuleBypassAllowedForTasks, which the registry sets when it is restricted.
          identity: { type: containerregistry.ResourceIdentityType.SystemAssigned },
          status: containerregistry.TaskStatus.Enabled,
          step: {
            type: "EncodedTask",
            // No contextPath: the purge needs no source, and `az acr task create --context /dev/null`
            // sends none either.
            encodedTaskContent: Buffer.from(purgeTaskYaml(rule)).toString("base64"),
          },
          trigger: {
            timerTriggers: [{ name: `purge-${index}-timer`, schedule: rule.schedule, status: containerregistry.TriggerStatus.Enabled }],
          },
          timeout: 3600,
          tags: ctx.tags,
        },
        { parent: ctx.parent },
      ),
  );
}
