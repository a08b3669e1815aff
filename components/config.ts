import * as pulumi from "@pulumi/pulumi";
import { ContainerRegistryArgs } from "./args";
import { ContainerRegistry, resolveSettings } from "./container-registry";
import { Setting } from "./setting-kinds";
import { SETTINGS, SETTING_NAMES } from "./settings";
import { Problems, ValidationError, closest, oneOfText } from "./validation";

/** The stack config namespace: `acr-infra:<setting>`, the same names as the component args. */
export const CONFIG_NAMESPACE = "acr-infra";

/** Settings whose config value is text as written; the others are YAML/JSON values (numbers, booleans, objects, lists). */
const TEXT_SETTINGS = new Set<string>(SETTING_NAMES.filter((name) => (SETTINGS[name] as Setting<unknown>).text));

/**
 * Config namespaces the stack program reads: its own, and the providers it uses (each reads the
 * keys its package declares in config/vars; `pulumi:` holds the engine's own settings).
 */
function knownNamespaces(): Record<string, readonly string[] | "any"> {
  /* eslint-disable @typescript-eslint/no-require-imports -- the providers' own lists of their settings */
  return {
    [CONFIG_NAMESPACE]: "any",
    "azure-native": Object.keys(require("@pulumi/azure-native/config/vars") as object),
    azuread: Object.keys(require("@pulumi/azuread/config/vars") as object),
    random: [],
    pulumi: "any",
  };
  /* eslint-enable @typescript-eslint/no-require-imports */
}

/**
 * Checks the stack's config keys outside the acr-infra namespace. A namespace that is a near miss
 * of one the program reads (`acr-infr:tags`), or a key a provider does not have
 * (`azure-native:locaton`), would be ignored without a word: both are refused, with the closest
 * name. A namespace nothing here reads is reported as a warning.
 */
export function checkConfigKeys(keys: readonly string[], warn: (message: string) => void = (m) => void pulumi.log.warn(m)): void {
  const known = knownNamespaces();
  const problems = new Problems();
  for (const fullKey of keys) problems.attempt(() => checkConfigKey(fullKey, known, warn), undefined);
  problems.throwIfAny();
}

function checkConfigKey(fullKey: string, known: Record<string, readonly string[] | "any">, warn: (message: string) => void): void {
  const colon = fullKey.indexOf(":");
  const namespace = fullKey.slice(0, colon);
  const key = fullKey.slice(colon + 1);
  const settings = known[namespace];
  if (settings === "any") return;
  if (settings) {
    if (settings.includes(key)) return;
    const near = closest(key, settings);
    throw new ValidationError(
      fullKey,
      `is not a setting of ${namespace}${near.length > 0 ? `: did you mean ${oneOfText(near.map((k) => `${namespace}:${k}`))}?` : ""}`,
    );
  }
  const [near] = closest(namespace, Object.keys(known), 1);
  if (near) {
    // Suggest the key in that namespace only where it exists there.
    const nearSettings = known[near];
    const suggestion = nearSettings === "any" || nearSettings.includes(key) ? `${near}:${key}` : `a key of the ${near} namespace`;
    throw new ValidationError(fullKey, `is in no namespace this stack reads: did you mean ${suggestion}?`);
  }
  warn(
    `${fullKey}: nothing in this stack reads the ${namespace} namespace (it reads ${oneOfText(Object.keys(known))}); the key is ignored.`,
  );
}

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
  // Every mistake in the stack file at once: its keys, then the settings, before anything is declared.
  const problems = new Problems();
  problems.attempt(() => checkConfigKeys(Object.keys(pulumi.runtime.allConfig())), undefined);
  problems.attempt(() => {
    try {
      resolveSettings(args);
    } catch (error) {
      throw error instanceof ValidationError ? asConfigKeys(error, args) : error;
    }
  }, undefined);
  problems.throwIfAny();
  return new ContainerRegistry(name, args, opts);
}

/** The component's settings named as stack config keys (`acr-infra:sku`). */
function asConfigKeys(error: ValidationError, args: ContainerRegistryArgs): ValidationError {
  // Without acr-infra:location, the region came from the provider's setting (or from nowhere).
  const fromProvider = Boolean(new pulumi.Config("azure-native").get("location"));
  // Pulumi.yaml declares acr-infra:location with default "", which the CLI passes on: "" is unset.
  const ownLocation = args.location !== undefined && args.location !== "";
  return error.map(({ setting, problem }) => {
    if (setting !== "location" || ownLocation) {
      // A misspelt top-level setting is a misspelt config key: suggest the key, acr-infra:sku.
      const topLevel = !/[.[]/.test(setting);
      const suggestion = topLevel
        ? problem.replace(/^is not a setting: did you mean (\w+)\?$/, `is not a setting: did you mean ${CONFIG_NAMESPACE}:$1?`)
        : problem;
      return { setting: `${CONFIG_NAMESPACE}:${setting}`, problem: suggestion };
    }
    return fromProvider
      ? { setting: "azure-native:location", problem }
      : {
          setting: `${CONFIG_NAMESPACE}:location`,
          problem: "is missing: set acr-infra:location or azure-native:location to the region, such as westeurope",
        };
  });
}
