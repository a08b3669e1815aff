/** Rules on a registry's own settings, as Microsoft's built-in Azure Policy definitions for ACR read them. */
import { AcrPolicy, isDisabled, isEnabled, premiumOnly, validateRegistry } from "./registry-view";

export const adminUserDisabled: AcrPolicy = {
  name: "acr-admin-user-disabled",
  description: "The registry's admin user is off (Checkov CKV_AZURE_137, Azure Policy dc921057).",
  enforcementLevel: "advisory",
  productionEnforcementLevel: "mandatory",
  inPolicyPack: true,
  validateResource: validateRegistry((registry, _, report) => {
    if (registry.adminUserEnabled === true) {
      report(
        "The admin user is on: one shared username and password with push rights. Use Entra ID identities (servicePrincipal, roleAssignments) instead.",
      );
    }
  }),
};

export const anonymousPullDisabled: AcrPolicy = {
  name: "acr-anonymous-pull-disabled",
  description: "Anonymous (unauthenticated) pull is off (CKV_AZURE_138, Azure Policy 9f2dea28).",
  enforcementLevel: "mandatory",
  productionEnforcementLevel: "mandatory",
  inPolicyPack: true,
  validateResource: validateRegistry((registry, _, report) => {
    if (registry.anonymousPullEnabled === true) report("Anonymous pull is on: anyone on the internet can pull every image.");
  }),
};

export const networkRestricted: AcrPolicy = {
  name: "acr-network-restricted",
  description:
    "Public network access is Disabled, or restricted by network rules with default action Deny (CKV_AZURE_139, Azure Policy 0fdf0491 / d0793b48).",
  enforcementLevel: "advisory",
  productionEnforcementLevel: "mandatory",
  inPolicyPack: true,
  validateResource: validateRegistry((registry, _, report) => {
    if (isDisabled(registry.publicNetworkAccess)) return;
    if (registry.networkRuleSet?.defaultAction === "Deny") return;
    report(
      "The registry accepts connections from any network. Set publicNetworkAccess: Disabled (with privateEndpoints) or ipRules (Premium).",
    );
  }),
};

export const skuStandardOrPremium: AcrPolicy = {
  name: "acr-sku-standard-or-premium",
  description: "The SKU is Standard or Premium (CKV_AZURE_163): Basic has the lowest limits and no network or retention features.",
  enforcementLevel: "advisory",
  productionEnforcementLevel: "mandatory",
  inPolicyPack: true,
  validateResource: validateRegistry((registry, _, report) => {
    if (registry.sku?.name === "Basic") report("The registry is Basic: use Standard or Premium.");
  }),
};

export const quarantineEnabled: AcrPolicy = {
  name: "acr-quarantine-enabled",
  description: "The quarantine policy is on (CKV_AZURE_166; Premium). Advisory: it holds every pushed image until a scanner releases it.",
  enforcementLevel: "advisory",
  productionEnforcementLevel: "advisory",
  inPolicyPack: true,
  validateResource: validateRegistry((registry, args, report) => {
    premiumOnly(registry.sku, args);
    if (!isEnabled(registry.policies?.quarantinePolicy?.status))
      report("The quarantine policy is off: set quarantine: true once a scanner releases quarantined images.");
  }),
};

export const retentionPolicySet: AcrPolicy = {
  name: "acr-retention-policy-set",
  description: "A retention policy deletes untagged manifests (CKV_AZURE_167; Premium).",
  enforcementLevel: "advisory",
  productionEnforcementLevel: "advisory",
  inPolicyPack: true,
  validateResource: validateRegistry((registry, args, report) => {
    premiumOnly(registry.sku, args);
    if (!isEnabled(registry.policies?.retentionPolicy?.status))
      report("No retention policy: untagged manifests stay forever. Set retentionDays (Premium).");
  }),
};

export const dedicatedDataEndpoints: AcrPolicy = {
  name: "acr-dedicated-data-endpoints",
  description: "Dedicated data endpoints are on (CKV_AZURE_237; Premium): firewall rules can name the registry's own data hosts.",
  enforcementLevel: "advisory",
  productionEnforcementLevel: "advisory",
  inPolicyPack: true,
  validateResource: validateRegistry((registry, args, report) => {
    premiumOnly(registry.sku, args);
    if (registry.dataEndpointEnabled !== true) report("Dedicated data endpoints are off: set dataEndpointEnabled: true (Premium).");
  }),
};

export const armAudienceTokensDisabled: AcrPolicy = {
  name: "acr-arm-audience-tokens-disabled",
  description:
    "Entra ID tokens with the ARM audience are refused for registry access, set explicitly (Azure Policy 42781ec6). Advisory everywhere: App Service and Container Apps pull with such tokens.",
  enforcementLevel: "advisory",
  // Azure's own definition audits rather than denies, and Azure's own App Service and Container
  // Apps need ARM-audience tokens to pull: a production stack that serves them must be able to.
  productionEnforcementLevel: "advisory",
  inPolicyPack: true,
  validateResource: validateRegistry((registry, _, report) => {
    if (!isDisabled(registry.policies?.azureADAuthenticationAsArmPolicy?.status)) {
      report(
        "ARM-audience tokens are not explicitly disabled: any ARM token of an identity with access can be used against the registry. Set armAudienceTokensEnabled: false unless App Service or Container Apps pull from it.",
      );
    }
  }),
};

export const exportsDisabled: AcrPolicy = {
  name: "acr-exports-disabled",
  description: "Exporting artifacts is disabled (Azure Policy 524b0254); only possible with public network access Disabled.",
  enforcementLevel: "advisory",
  productionEnforcementLevel: "advisory",
  inPolicyPack: true,
  validateResource: validateRegistry((registry, args, report) => {
    premiumOnly(registry.sku, args);
    if (!isDisabled(registry.policies?.exportPolicy?.status))
      report("Exports are allowed: set exportEnabled: false (needs publicNetworkAccess: Disabled).");
  }),
};

export const customerManagedKey: AcrPolicy = {
  name: "acr-customer-managed-key",
  description: "The registry is encrypted with a customer-managed key (Azure Policy 5b9159ae; Premium).",
  enforcementLevel: "advisory",
  productionEnforcementLevel: "advisory",
  inPolicyPack: true,
  validateResource: validateRegistry((registry, args, report) => {
    premiumOnly(registry.sku, args);
    if (!isEnabled(registry.encryption?.status))
      report(
        "Encryption uses Microsoft-managed keys: set encryption with a Key Vault key if your compliance needs a customer-managed key.",
      );
  }),
};
