import * as pulumi from "@pulumi/pulumi";
import * as containerregistry from "@pulumi/azure-native/containerregistry";
import { PartContext } from "../context";
import { PurgeRule, parseDuration, parseFilter, purgeCommand, validateCron } from "../purge-rules";
import { list } from "../setting-kinds";
import { ValidationError, read, readFields, show } from "../validation";

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

function readPurgeRule(value: unknown, setting: string): Required<PurgeRule> {
  return readFields(setting, value, ["schedule", "filter", "ago", "keep", "untagged"], (rule, take) => {
    const text = (key: "schedule" | "filter" | "ago") =>
      take(() => {
        if (typeof rule[key] !== "string") {
          throw new ValidationError(
            `${setting}.${key}`,
            `${rule[key] === undefined ? "is missing" : `${show(rule[key])} is not allowed`}: use a string`,
          );
        }
        return rule[key];
      }, undefined);
    const schedule = text("schedule");
    const filter = text("filter");
    const ago = text("ago");
    if (schedule !== undefined) take(() => checkWith(`${setting}.schedule`, () => validateCron(schedule)), undefined);
    const filterRead =
      filter !== undefined &&
      take(() => {
        checkWith(`${setting}.filter`, () => parseFilter(filter));
        // The filter is one shell word inside single quotes in a task definition that ACR renders as a
        // Go template first: no quote, no whitespace, no template braces.
        if (/['\s]|\{\{/.test(filter)) {
          throw new ValidationError(`${setting}.filter`, `${show(filter)} is not allowed: a filter cannot contain quotes, spaces or {{`);
        }
        return true;
      }, false);
    const agoRead = ago !== undefined && take(() => (checkWith(`${setting}.ago`, () => parseDuration(ago)), true), false);
    if (filterRead && agoRead)
      take(() => checkWith(`${setting}.filter`, () => purgeCommand({ schedule: schedule ?? "", filter, ago })), undefined);
    return {
      schedule: schedule ?? "",
      filter: filter ?? "",
      ago: ago ?? "",
      keep: take(() => read.integer(`${setting}.keep`, rule.keep, 0, 10000, 0), 0),
      untagged: take(() => read.boolean(`${setting}.untagged`, rule.untagged, false), false),
    };
  });
}

/** Runs a parser that throws a plain Error and names the setting in what it throws. */
function checkWith(setting: string, check: () => unknown): void {
  try {
    check();
  } catch (error) {
    throw new ValidationError(setting, (error as Error).message);
  }
}

export const purgeSetting = list("Scheduled purge rules: each becomes an ACR Task that runs acr purge on a timer (every SKU)", {
  type: "PurgeRule",
  typeFrom: "./purge-rules",
  read: readPurgeRule,
});

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
