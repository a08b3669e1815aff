/**
 * The registry's diagnostic settings, both of them: the audit trail to the backing storage account
 * (always), and, with `diagnostics`, a second setting to a Log Analytics workspace and/or an Event Hub.
 *
 * Two settings rather than one with three destinations (Azure allows storage, workspace and event hub
 * in one setting, each destination type once, and at most five settings per resource:
 * MAX_DIAGNOSTIC_SETTINGS_PER_RESOURCE):
 * - a setting has one list of logs and metrics for all its destinations, so `categoryGroups: [audit]`
 *   or `metrics: false` for the workspace would also cut the storage audit trail, which the policies
 *   (acr-audit-logs, acr-resource-logs-category-group, Azure Policy 187242f4) and logRetentionDays
 *   are about. Apart, the audit trail stays allLogs + AllMetrics whatever the workspace gets;
 * - the audit-log setting is left exactly as it was: adding, changing or removing `diagnostics` is
 *   an add, update or delete of the second setting only, never a change of the audit trail;
 * - the cost is one more of the registry's five settings (two in all), which leaves three for what a
 *   platform team's own Azure Policy assignments deploy.
 * The workspace and the event hub share the second setting: they get the same logs, and one setting
 * may hold one of each destination type.
 */
import * as pulumi from "@pulumi/pulumi";
import * as monitor from "@pulumi/azure-native/monitor";
import { ALL_METRICS, ARM_ID, AUDIT_CATEGORY_GROUPS, CategoryGroup, EVENT_HUB_NAME, REGISTRY_LOG_CATEGORY_GROUP } from "../azure-facts";
import { PartContext } from "../context";
import { object, requireUnique } from "../setting-kinds";
import { ValidationError, read, readFields, show } from "../validation";

/** An Event Hub that the registry's logs stream to. */
export interface DiagnosticsEventHubArgs {
  /**
   * ARM id of the Event Hubs namespace's authorization rule,
   * `/subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.EventHub/namespaces/<namespace>/authorizationRules/<rule>`,
   * with Manage, Send and Listen (RootManageSharedAccessKey has them). The namespace must be in the registry's region.
   * May be an output of a resource the same program declares (checked by Azure, then, not before).
   */
  authorizationRuleId: pulumi.Input<string>;
  /** The event hub in that namespace: 1 to 256 letters, digits, '.', '-' or '_'. */
  name: string;
}

/** Where the registry's logs go besides the audit-log storage account, which keeps them in any case. */
export interface DiagnosticsArgs {
  /**
   * ARM id of a Log Analytics workspace, in any region:
   * `/subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.OperationalInsights/workspaces/<name>`.
   * The logs land in the tables ContainerRegistryLoginEvents and ContainerRegistryRepositoryEvents.
   * May be an output of a workspace the same program declares (checked by Azure, then, not before).
   */
  workspaceId?: pulumi.Input<string>;
  /** An Event Hub to stream the logs to, for a SIEM outside Azure. */
  eventHub?: DiagnosticsEventHubArgs;
  /** The log category groups sent: `allLogs` (every category of the registry) or `audit`. Default `["allLogs"]`; `[]` sends metrics only. */
  categoryGroups?: CategoryGroup[];
  /** Send the registry's platform metrics (AllMetrics) too. Default `true`. */
  metrics?: boolean;
}

export interface ResolvedDiagnostics {
  workspaceId?: pulumi.Input<string>;
  eventHub?: DiagnosticsEventHubArgs;
  categoryGroups: CategoryGroup[];
  metrics: boolean;
}

const WORKSPACE_ID_RULE =
  "the ARM id of a Log Analytics workspace: /subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.OperationalInsights/workspaces/<name> (4 to 63 letters, digits and '-')";
const RULE_ID_RULE =
  "the ARM id of an Event Hubs namespace's authorization rule: /subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.EventHub/namespaces/<namespace>/authorizationRules/<rule>";
/** An event hub's own rule, which Azure Monitor does not stream through. */
const EVENT_HUB_LEVEL_RULE = /\/providers\/Microsoft\.EventHub\/namespaces\/[^/]+\/eventhubs\/[^/]+\/authorizationRules\/[^/]+$/i;

function readEventHub(value: unknown, setting: string): DiagnosticsEventHubArgs | undefined {
  if (value === undefined) return undefined;
  return readFields(setting, value, ["authorizationRuleId", "name"], (entry, take) => {
    const authorizationRuleId = take(() => {
      const id = entry.authorizationRuleId;
      // Azure Monitor streams with the namespace's shared access policy ("The shared access policy for
      // an Event Hubs namespace defines the permissions that the streaming mechanism has": Manage, Send
      // and Listen; diagnostic-settings.md, Destinations); the event hub is named apart.
      if (pulumi.Output.isInstance(id)) return id as pulumi.Output<string>;
      if (typeof id === "string" && EVENT_HUB_LEVEL_RULE.test(id)) {
        throw new ValidationError(
          `${setting}.authorizationRuleId`,
          `${show(id)} is not allowed: it is an event hub's own rule; use the namespace's (…/namespaces/<namespace>/authorizationRules/<rule>) and name the event hub in ${setting}.name`,
        );
      }
      return read.requiredString(`${setting}.authorizationRuleId`, id, ARM_ID.eventHubNamespaceRule, RULE_ID_RULE);
    }, "");
    const name = take(() => read.requiredString(`${setting}.name`, entry.name, EVENT_HUB_NAME.pattern, EVENT_HUB_NAME.rule), "");
    return { authorizationRuleId, name };
  });
}

function readCategoryGroups(value: unknown, setting: string): CategoryGroup[] {
  if (value === undefined) return [REGISTRY_LOG_CATEGORY_GROUP];
  const groups = read.array(setting, value).map((group, i) => read.oneOf(`${setting}[${i}]`, group, AUDIT_CATEGORY_GROUPS, "allLogs"));
  requireUnique(setting, groups, "category group");
  // "audit ... You don't need to select this category group if you select the allLogs category group"
  // (diagnostic-settings.md, Category groups): both would only say the same twice.
  if (groups.length > 1) {
    throw new ValidationError(setting, `${show(groups)} is not allowed: allLogs already holds every category audit does; list one`);
  }
  return groups;
}

function readDiagnostics(value: unknown, setting: string): ResolvedDiagnostics | undefined {
  // {} is "not set", as Pulumi.yaml declares it.
  if (value === undefined || (typeof value === "object" && value !== null && !Array.isArray(value) && Object.keys(value).length === 0)) {
    return undefined;
  }
  return readFields(setting, value, ["workspaceId", "eventHub", "categoryGroups", "metrics"], (entry, take) => {
    // An id known only at deployment (an output of a workspace the program declares) is passed on unchecked.
    const workspaceId = take<pulumi.Input<string> | undefined>(
      () =>
        pulumi.Output.isInstance(entry.workspaceId)
          ? (entry.workspaceId as pulumi.Output<string>)
          : read.optionalString(`${setting}.workspaceId`, entry.workspaceId, ARM_ID.logAnalyticsWorkspace, WORKSPACE_ID_RULE),
      undefined,
    );
    const eventHub = take(() => readEventHub(entry.eventHub, `${setting}.eventHub`), undefined);
    const categoryGroups = take<CategoryGroup[]>(
      () => readCategoryGroups(entry.categoryGroups, `${setting}.categoryGroups`),
      [REGISTRY_LOG_CATEGORY_GROUP],
    );
    const metrics = take(() => read.boolean(`${setting}.metrics`, entry.metrics, true), true);
    if ((entry.workspaceId === undefined || entry.workspaceId === "") && entry.eventHub === undefined) {
      take(() => {
        throw new ValidationError(
          setting,
          "needs workspaceId, eventHub or both: the audit-log storage account gets the logs without this setting ({} leaves it out)",
        );
      }, undefined);
    }
    if (categoryGroups.length === 0 && !metrics) {
      take(() => {
        throw new ValidationError(
          `${setting}.categoryGroups`,
          "[] with metrics: false sends nothing: list allLogs or audit, or keep metrics",
        );
      }, undefined);
    }
    return { ...(workspaceId ? { workspaceId } : {}), ...(eventHub ? { eventHub } : {}), categoryGroups, metrics };
  });
}

export const diagnosticsSetting = object<ResolvedDiagnostics | undefined>(
  "Send the registry's logs to a Log Analytics workspace and/or an Event Hub as well as the audit-log storage account, which keeps them either way ({} = storage only)",
  {
    type: "DiagnosticsArgs",
    typeFrom: "./parts/diagnostics",
    read: readDiagnostics,
    fallback: undefined,
    configDefault: {},
    details:
      "A second diagnostic setting on the registry; the audit-log one is unchanged, so the registry then has two of the five Azure allows (a sixth, such as one an Azure Policy assignment deploys, is refused), and Azure refuses a workspace or event hub that another of the registry's settings already sends the same logs to (Conflict: the data sink is already used). Log Analytics bills ingestion per GB: the plan names it, unpriced. The event hub's namespace must be in the registry's region; the workspace may be anywhere. ACR writes resource-specific tables only, so the setting sends no logAnalyticsDestinationType.",
  },
);

export interface DiagnosticSettingsPart {
  /** The audit trail: every log category and AllMetrics to the backing storage account. */
  auditLogs: monitor.DiagnosticSetting;
  /** With `diagnostics`: the workspace and/or event hub. */
  destinations?: monitor.DiagnosticSetting;
}

/** The registry's diagnostic settings: the audit trail to storage, and `diagnostics`' destinations when set. */
export function createDiagnosticSettings(
  ctx: PartContext,
  registryId: pulumi.Input<string>,
  storageAccountId: pulumi.Input<string>,
  diagnostics: ResolvedDiagnostics | undefined,
): DiagnosticSettingsPart {
  // The logical name it had when audit-logs.ts declared it: a new one would replace the setting on upgrade.
  const auditLogs = new monitor.DiagnosticSetting(
    `${ctx.name}-audit-logs`,
    {
      resourceUri: registryId,
      storageAccountId,
      // The category group, not a list of categories: Azure Policy 187242f4 ("Resource logs should
      // be enabled for Audit on supported resources") counts only categoryGroup audit or allLogs.
      // allLogs is every category of the registry: ContainerRegistryLoginEvents and
      // ContainerRegistryRepositoryEvents, its only two (Azure Monitor, supported logs of
      // Microsoft.ContainerRegistry/registries), and any Azure adds later.
      // The other group is listed, disabled, as Azure Policy's own "Enable logging by category group
      // for Container registries" definitions deploy it (106cd3bd and its siblings look for both).
      logs: [
        { categoryGroup: REGISTRY_LOG_CATEGORY_GROUP, enabled: true },
        { categoryGroup: "audit", enabled: false },
      ],
      metrics: [{ category: ALL_METRICS, enabled: true }],
    },
    { parent: ctx.parent },
  );
  if (!diagnostics) return { auditLogs };

  const destinations = new monitor.DiagnosticSetting(
    `${ctx.name}-diagnostics`,
    {
      resourceUri: registryId,
      workspaceId: diagnostics.workspaceId,
      eventHubAuthorizationRuleId: diagnostics.eventHub?.authorizationRuleId,
      eventHubName: diagnostics.eventHub?.name,
      // No logAnalyticsDestinationType: ACR is in neither list of services that write AzureDiagnostics
      // ("All other resources send data to resource-specific tables": azure-monitor-docs,
      // reference/tables/azurediagnostics.md), and a Dedicated that a service does not offer reads
      // back as null, a change on every preview (Azure/azure-rest-api-specs#9281).
      // Both groups listed, the chosen one enabled, as the audit-log setting lists them.
      logs: AUDIT_CATEGORY_GROUPS.map((group) => ({ categoryGroup: group, enabled: diagnostics.categoryGroups.includes(group) })),
      metrics: [{ category: ALL_METRICS, enabled: diagnostics.metrics }],
    },
    { parent: ctx.parent },
  );
  return { auditLogs, destinations };
}
