/**
 * The kinds of setting the settings table (settings.ts) is made of. Each kind knows how to read a
 * value of unknown shape (stack config arrives as parsed YAML/JSON, component args from code), its
 * default, and how it is declared elsewhere: its TypeScript type in the generated
 * ContainerRegistryArgs, its key in Pulumi.yaml, its row in docs/configuration.md.
 */
import { AZURE_REGIONS, AZURE_REGIONS_AS_OF, isAzureRegion } from "./azure-regions";
import { Problems, ValidationError, closest, oneOfText, read, show } from "./validation";

/** Pulumi.yaml's `type` of a config key, where one fits (keys without one take any YAML value). */
export type ConfigType = "string" | "boolean" | "integer" | "array";

/** The settings read so far, by name. */
export type Earlier = Readonly<Record<string, unknown>>;

export interface Setting<T> {
  /** The argument's TypeScript type, as the generated ContainerRegistryArgs declares it. */
  readonly type: string;
  /** The module of components/ that exports `type`, when it is not built in. */
  readonly typeFrom?: string;
  /** A setting that takes one of a few words: the words. The generated args name them as an enum. */
  readonly values?: readonly string[];
  /** One line: what the setting does. */
  readonly description: string;
  /** What a user must know beyond the one line, for docs/configuration.md: consequences, upgrade notes. */
  readonly details?: string;
  /** What values are allowed, in words, when the type does not say it all. */
  readonly allowed?: string;
  /** Stack config passes the value as written text; the other settings are YAML/JSON values. */
  readonly text?: boolean;
  readonly configType?: ConfigType;
  /** Pulumi.yaml's default: the component's own default, or "", [] or {} for "not set". */
  readonly configDefault: unknown;
  /** The component's default, when it is one value. */
  readonly default?: T;
  /** A default made from other settings: in words for the docs, and how (run after every setting is read). */
  readonly derivedDefault?: { readonly text: string; readonly from: (resolved: Readonly<Record<string, unknown>>) => T };
  /**
   * Reads the value; the default when absent. Throws a ValidationError naming the setting.
   * `earlier` holds the settings before it in the table, as read (a stand-in where one was wrong).
   */
  read(value: unknown, setting: string, earlier: Earlier): T;
  /** The stand-in for a value that is wrong, so that the other settings can still be checked. */
  readonly fallback: T;
  /** Whether the value needs the Premium SKU. (A method, so that a table of settings of every type checks.) */
  premium?(value: T): boolean;
}

/** The resolved type of a setting. */
export type ValueOf<S> = S extends Setting<infer T> ? T : never;

/** An on/off setting. With `derived`, an absent value takes a default made from other settings. */
export function flag(
  description: string,
  defaultValue: boolean,
  more: Partial<Pick<Setting<boolean>, "premium" | "derivedDefault" | "details">> = {},
): Setting<boolean> {
  return {
    type: "boolean",
    description,
    ...(more.derivedDefault ? {} : { configType: "boolean" as const }),
    configDefault: more.derivedDefault ? "" : defaultValue,
    ...(more.derivedDefault ? {} : { default: defaultValue }),
    read: (value, setting) =>
      value === undefined && more.derivedDefault ? (undefined as unknown as boolean) : read.boolean(setting, value, defaultValue),
    fallback: defaultValue,
    ...more,
  };
}

/**
 * Off, or on in one of a few ways: `false`, `true` (the first of `values`) or one of `values` by
 * name. Read as `false` or the word, so the component sees one value per meaning. Stack config
 * passes `true`/`false` as YAML booleans and the words as text (Pulumi.yaml gives the key no type).
 */
export function flagOrChoice<V extends string>(
  values: readonly [V, ...V[]],
  description: string,
  more: Pick<Setting<false | V>, "details"> = {},
): Setting<false | V> {
  const words = values.map((v) => JSON.stringify(v));
  return {
    // Declared with the words alone: the SDK's schema analyzer (other Pulumi languages) reads no union
    // of a boolean and words. Stack config and JavaScript may still give true or false.
    type: words.join(" | "),
    values,
    description,
    allowed: `${oneOfText(words)}; in a stack file also true (= ${words[0]}) or false`,
    configDefault: false,
    default: false,
    read: (value, setting) => {
      if (value === undefined || value === false) return false;
      if (value === true) return values[0];
      if (!values.includes(value as V)) {
        throw new ValidationError(setting, `${show(value)} is not allowed: use true, false, ${oneOfText(words)}`);
      }
      return value as V;
    },
    fallback: false,
    ...more,
  };
}

/** A whole number in a range, with a default. */
export function wholeNumber(description: string, range: { min: number; max: number; default: number }): Setting<number> {
  return {
    type: "number",
    description,
    allowed: `${range.min} to ${range.max}`,
    configType: "integer",
    configDefault: range.default,
    default: range.default,
    read: (value, setting) => read.integer(setting, value, range.min, range.max, range.default),
    fallback: range.default,
  };
}

/** A whole number in a range that may be left out. */
export function optionalWholeNumber(
  description: string,
  range: { min: number; max: number },
  more: Pick<Setting<number | undefined>, "premium" | "details"> = {},
): Setting<number | undefined> {
  return {
    type: "number",
    description,
    allowed: `${range.min} to ${range.max}`,
    configDefault: "",
    read: (value, setting) => read.optionalInteger(setting, value, range.min, range.max),
    fallback: undefined,
    ...more,
  };
}

/** One of a few words. */
export function choice<V extends string>(
  values: readonly V[],
  description: string,
  defaults: { default: V } | { derivedDefault: NonNullable<Setting<V>["derivedDefault"]> },
  more: Pick<Setting<V>, "premium" | "details"> = {},
): Setting<V> {
  const fixed = "default" in defaults ? defaults.default : undefined;
  return {
    type: values.map((v) => JSON.stringify(v)).join(" | "),
    values,
    description,
    allowed: oneOfText(values),
    text: true,
    configType: "string",
    configDefault: fixed ?? "",
    ...defaults,
    read: (value, setting) =>
      value === undefined && fixed === undefined ? (undefined as unknown as V) : read.oneOf(setting, value, values, fixed ?? values[0]),
    fallback: fixed ?? values[0],
    ...more,
  };
}

/** Text matching a rule, or nothing. `check` reads it when a pattern is not enough. */
export function optionalText(
  description: string,
  rule: { pattern: RegExp; rule: string },
  check?: (value: unknown, setting: string) => string | undefined,
): Setting<string | undefined> {
  return {
    type: "string",
    description,
    allowed: rule.rule,
    text: true,
    configType: "string",
    configDefault: "",
    read: check ?? ((value, setting) => read.optionalString(setting, value, rule.pattern, rule.rule)),
    fallback: undefined,
  };
}

/** A map of names to text. */
export function textMap(description: string): Setting<Record<string, string>> {
  return {
    type: "Record<string, string>",
    description,
    configDefault: {},
    default: {},
    read: (value, setting) => read.stringMap(setting, value),
    fallback: {},
  };
}

/**
 * A list whose items are read one by one, each item's problems collected; with `unique`, the key
 * that must not repeat (names become resource names: a repeat is a duplicate URN).
 */
export function list<T>(
  description: string,
  item: {
    type: string;
    typeFrom?: string;
    configType?: ConfigType;
    read: (value: unknown, setting: string, earlier: Earlier) => T;
    unique?: { key: (item: T) => string | undefined; what: string };
  },
  more: Pick<Setting<T[]>, "premium" | "allowed" | "details"> = {},
): Setting<T[]> {
  return {
    type: `${item.type}[]`,
    ...(item.typeFrom ? { typeFrom: item.typeFrom } : {}),
    description,
    ...(item.configType ? { configType: item.configType } : {}),
    configDefault: [],
    default: [],
    read: (value, setting, earlier) => {
      const problems = new Problems();
      const items = read
        .array(setting, value)
        .flatMap((entry, index) => problems.attempt(() => [item.read(entry, `${setting}[${index}]`, earlier)], []));
      problems.throwIfAny();
      if (item.unique)
        requireUnique(
          setting,
          items.flatMap((entry) => item.unique!.key(entry) ?? []),
          item.unique.what,
        );
      return items;
    },
    fallback: [],
    ...more,
  };
}

/** Names that become resource names must be unique, or the deployment fails on a duplicate URN. */
export function requireUnique(setting: string, values: readonly string[], what: string): void {
  const seen = new Set<string>();
  for (const value of values) {
    const key = value.toLowerCase();
    if (seen.has(key)) throw new ValidationError(setting, `${show(value)} appears twice: each ${what} must be unique (names ignore case)`);
    seen.add(key);
  }
}

/** An object setting whose module reads it (a child resource's arguments). */
export function object<T>(
  description: string,
  part: Pick<Setting<T>, "type" | "typeFrom" | "read" | "fallback" | "configDefault" | "premium" | "details"> & { default?: T },
): Setting<T> {
  return { description, ...part };
}

const REGION = { pattern: /^[a-z][a-z0-9]{2,39}$/i, rule: "an Azure region name such as westeurope or eastus2" };

/** An optional Azure region: a name Azure has (AZURE_REGIONS), or a message with the closest ones. */
export function readRegion(setting: string, value: unknown): string | undefined {
  // Azure ignores case in region names; written in one case, a case-only edit is no change (a
  // change of the registry's region replaces it).
  const location = read.optionalString(setting, value, REGION.pattern, REGION.rule)?.toLowerCase();
  if (location === undefined || isAzureRegion(location)) return location;
  const near = closest(location, AZURE_REGIONS);
  throw new ValidationError(
    setting,
    `${show(location)} is not an Azure region${near.length > 0 ? `: did you mean ${oneOfText(near)}?` : `: use ${REGION.rule}`} (regions known as of ${AZURE_REGIONS_AS_OF})`,
  );
}

/** A region that must be given. */
export function requireRegion(setting: string, value: unknown): string {
  const location = readRegion(setting, value);
  if (!location) throw new ValidationError(setting, `is missing: use ${REGION.rule}`);
  return location;
}

/** An Azure region setting. */
export function region(description: string): Setting<string | undefined> {
  return {
    ...optionalText(description, REGION, (value, setting) => readRegion(setting, value)),
    allowed: `an Azure region known as of ${AZURE_REGIONS_AS_OF}`,
  };
}
