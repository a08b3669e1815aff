/**
 * What every rule shares: the rule type, and a registry's settings read the same way whichever
 * resource declares it.
 */
import {
  EnforcementLevel,
  PolicyResource,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  ReportViolation,
  StackValidationPolicy,
} from "@pulumi/policy";
import { TYPED_REGISTRY_TOKEN, isGenericRegistry } from "../components/azure-facts";

/**
 * A security rule for registries, as a @pulumi/policy object plus how strict it is on production
 * stacks. The offline plan and the tests call these directly; policy/index.ts hands the same
 * objects to `pulumi preview --policy-pack policy`.
 */
export type AcrPolicy = (ResourceValidationPolicy | StackValidationPolicy) & {
  enforcementLevel: EnforcementLevel;
  /** The level on production stacks (named prod or production, or tagged environment: prod). */
  productionEnforcementLevel: EnforcementLevel;
  /**
   * False for rules that need the offline plan's view: a real preview hands policies every secret
   * already decrypted, so "is this value a secret" cannot be asked there.
   */
  inPolicyPack: boolean;
};

export const REPLICATION = "azure-native:containerregistry:Replication";
export const DIAGNOSTIC_SETTING = "azure-native:monitor:DiagnosticSetting";
export const TASK = "azure-native:containerregistry:Task";

/** Rules for Premium-only features do not apply to a Basic or Standard registry (the SKU rule covers that choice). */
export const premiumOnly = (sku: { name?: unknown } | undefined, args: { notApplicable(reason?: string): never }) => {
  if (sku?.name !== "Premium") args.notApplicable("the feature needs the Premium SKU");
};

/**
 * A registry's settings as the policies read them. This component declares the registry with
 * azure-native's generic resource (settings under `properties`, see REGISTRY_API); a team's own
 * stack may use azure-native's typed Registry (settings at the top). Both read the same here.
 */
export interface RegistryView {
  sku?: { name?: string };
  adminUserEnabled?: boolean;
  anonymousPullEnabled?: boolean;
  publicNetworkAccess?: string;
  networkRuleSet?: { defaultAction?: string };
  networkRuleBypassAllowedForTasks?: boolean;
  zoneRedundancy?: string;
  dataEndpointEnabled?: boolean;
  policies?: {
    quarantinePolicy?: { status?: string };
    retentionPolicy?: { status?: string };
    exportPolicy?: { status?: string };
    azureADAuthenticationAsArmPolicy?: { status?: string };
  };
  encryption?: { status?: string };
}

/** The settings of a registry resource, or undefined when the resource is not a registry. */
export function registryView(type: string, props: Record<string, unknown>): RegistryView | undefined {
  if (type === TYPED_REGISTRY_TOKEN) return props;
  if (!isGenericRegistry(type, props)) return undefined;
  return { ...(props.properties as RegistryView | undefined), sku: props.sku as RegistryView["sku"] };
}

export const isRegistry = (resource: PolicyResource) => registryView(resource.type, resource.props) !== undefined;

/** A resource rule that looks at registries only, either way they are declared. */
export const validateRegistry =
  (check: (registry: RegistryView, args: ResourceValidationArgs, report: ReportViolation) => void) =>
  (args: ResourceValidationArgs, report: ReportViolation) => {
    const registry = registryView(args.type, args.props);
    if (registry) check(registry, args, report);
  };

export const isEnabled = (status: unknown) => typeof status === "string" && status.toLowerCase() === "enabled";
export const isDisabled = (status: unknown) => typeof status === "string" && status.toLowerCase() === "disabled";
