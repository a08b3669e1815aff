import * as pulumi from "@pulumi/pulumi";
import { ContainerRegistryArgs } from "./args";
import { ContainerRegistry } from "./container-registry";
import { ValidationError } from "./validation";

/** The stack config namespace: `acr-infra:<setting>`, the same names as the component args. */
export const CONFIG_NAMESPACE = "acr-infra";

/** Settings whose config value is text as written; the others are YAML/JSON values (numbers, booleans, objects, lists). */
const TEXT_SETTINGS = new Set(["registryName", "resourceGroupName", "location", "sku"]);

/**
 * Reads every `acr-infra:*` key of the stack's config as the component's args. A key the component
 * does not know is passed on, so that validation names it instead of ignoring a typo.
 */
export function readStackConfig(): ContainerRegistryArgs {
  const prefix = `${CONFIG_NAMESPACE}:`;
  const raw: Record<string, unknown> = {};
  for (const [fullKey, value] of Object.entries(pulumi.runtime.allConfig())) {
    if (!fullKey.startsWith(prefix)) continue;
    const key = fullKey.slice(prefix.length);
    raw[key] = TEXT_SETTINGS.has(key) ? value : parseValue(value);
  }
  if (raw.location === undefined || raw.location === "") {
    raw.location = new pulumi.Config("azure-native").get("location");
  }
  return raw;
}

/** A YAML/JSON value as the CLI passes it; text that is not JSON stays text, for validation to name. */
function parseValue(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/**
 * The stack program's component, made from stack config. A bad setting stops the program with one
 * message naming the config key (`acr-infra:sku`), before any resource is declared.
 */
export function containerRegistryFromConfig(name: string, opts?: pulumi.ComponentResourceOptions): ContainerRegistry {
  const args = readStackConfig();
  try {
    return new ContainerRegistry(name, args, opts);
  } catch (error) {
    // The stack program has one component, configured by the stack: the config key says it all.
    throw error instanceof ValidationError ? new ValidationError(`${CONFIG_NAMESPACE}:${error.setting}`, error.problem) : error;
  }
}
