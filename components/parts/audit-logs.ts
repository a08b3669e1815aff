import * as pulumi from "@pulumi/pulumi";
import * as storage from "@pulumi/azure-native/storage";
import { PartContext } from "../context";
import { wholeNumber } from "../setting-kinds";

export interface AuditStoragePart {
  account: storage.StorageAccount;
  lifecyclePolicy: storage.ManagementPolicy;
}

/**
 * The registry's backing storage: a hardened account that keeps the registry's audit logs (who
 * logged in; what was pushed, pulled and deleted), and a lifecycle rule that deletes them after
 * `logRetentionDays`. The diagnostic setting that writes them is in diagnostics.ts.
 */
export function createAuditStorage(ctx: PartContext, accountName: pulumi.Input<string>, logRetentionDays: number): AuditStoragePart {
  const account = new storage.StorageAccount(
    `${ctx.name}-logs`,
    {
      accountName,
      resourceGroupName: ctx.resourceGroupName,
      location: ctx.location,
      kind: storage.Kind.StorageV2,
      sku: { name: storage.SkuName.Standard_LRS },
      enableHttpsTrafficOnly: true,
      minimumTlsVersion: storage.MinimumTlsVersion.TLS1_2,
      allowBlobPublicAccess: false,
      // Azure Monitor writes diagnostic logs as a trusted service, so neither account keys nor
      // public network access are needed.
      allowSharedKeyAccess: false,
      defaultToOAuthAuthentication: true,
      allowCrossTenantReplication: false,
      networkRuleSet: { defaultAction: storage.DefaultAction.Deny, bypass: storage.Bypass.AzureServices },
      encryption: {
        keySource: storage.KeySource.Microsoft_Storage,
        requireInfrastructureEncryption: true,
        services: {
          blob: { enabled: true, keyType: storage.KeyType.Account },
          file: { enabled: true, keyType: storage.KeyType.Account },
        },
      },
      tags: ctx.tags,
    },
    // The name is globally unique (3 to 24 letters and digits) and stays the same on a replacement
    // (a new location or resource group): the old account must go before a new one can take it.
    { parent: ctx.parent, protect: ctx.protect, deleteBeforeReplace: true },
  );

  const lifecyclePolicy = new storage.ManagementPolicy(
    `${ctx.name}-log-retention`,
    {
      accountName: account.name,
      resourceGroupName: ctx.resourceGroupName,
      // Azure allows one management policy per account, and it must be called "default".
      managementPolicyName: "default",
      policy: {
        rules: [
          {
            name: "delete-old-registry-logs",
            enabled: true,
            type: storage.RuleType.Lifecycle,
            definition: {
              // Diagnostic settings write append blobs into insights-logs-<category> and
              // insights-metrics-<grain> containers.
              filters: { blobTypes: ["appendBlob"], prefixMatch: ["insights-logs-", "insights-metrics-"] },
              actions: { baseBlob: { delete: { daysAfterModificationGreaterThan: logRetentionDays } } },
            },
          },
        ],
      },
    },
    { parent: ctx.parent },
  );

  return { account, lifecyclePolicy };
}

export const logRetentionDaysSetting = wholeNumber("Days the registry's audit logs are kept in the backing storage account", {
  min: 1,
  max: 3650,
  default: 90,
});
