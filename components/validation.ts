import * as pulumi from "@pulumi/pulumi";

/** One setting with a value that is not allowed. */
export interface Problem {
  /** The setting's name as in the component args and stack config, e.g. `servicePrincipal.role`. */
  setting: string;
  /** What is wrong and what is allowed. */
  problem: string;
}

/**
 * Settings with values that are not allowed: one, or every one found. It extends pulumi.RunError so
 * that `pulumi up` prints the message alone, without a stack trace ("Always hide the stack for
 * RunErrors", @pulumi/pulumi 3.276.0 cmd/run/run.js), and the offline plan prints it the same way:
 * one line per problem.
 */
export class ValidationError extends pulumi.RunError {
  /** Every problem, in the order found; `setting` and `problem` are the first one's. */
  readonly problems: readonly Problem[];
  readonly setting: string;
  readonly problem: string;

  constructor(
    setting: string | readonly Problem[],
    problem?: string,
    /** Whose settings they are, e.g. `ContainerRegistry "web"`, when a program has several. */
    readonly subject?: string,
  ) {
    const problems = typeof setting === "string" ? [{ setting, problem: problem ?? "" }] : setting;
    // An error that names no problem would read as an empty message: a programming mistake, said so.
    if (problems.length === 0) throw new TypeError("ValidationError needs at least one problem");
    super(problems.map((p) => `${subject ? `${subject}: ` : ""}${p.setting}: ${p.problem}`).join("\n"));
    this.name = "ValidationError";
    this.problems = problems;
    this.setting = problems[0]?.setting ?? "";
    this.problem = problems[0]?.problem ?? "";
  }

  /** The same error, saying whose settings they are. */
  of(subject: string): ValidationError {
    return new ValidationError(this.problems, undefined, subject);
  }

  /** The same problems with each setting renamed, e.g. to its stack config key. */
  map(rename: (problem: Problem) => Problem): ValidationError {
    return new ValidationError(this.problems.map(rename), undefined, this.subject);
  }
}

/**
 * Collects problems instead of stopping at the first, so one run names every mistake. `attempt`
 * runs a check and returns its value, or `fallback` after noting what it threw.
 */
export class Problems {
  private readonly found: Problem[] = [];

  attempt<T>(check: () => T, fallback: T): T {
    try {
      return check();
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      this.found.push(...error.problems);
      return fallback;
    }
  }

  /** The top-level settings with a problem (`purge` for `purge[0].ago`). */
  failedSettings(): Set<string> {
    return new Set(this.found.map((p) => p.setting.split(/[.[]/)[0]));
  }

  /** Throws every problem found as one ValidationError; does nothing when there is none. */
  throwIfAny(): void {
    if (this.found.length > 0) throw new ValidationError([...this.found]);
  }
}

/** Checks of one object's fields, each run on its own: `take(check, fallback)` notes what `check` throws. */
export type Take = <T>(check: () => T, fallback: T) => T;

/**
 * Reads an object whose every field is checked on its own, so one run names every mistake in it:
 * unknown keys (with the closest known one), and each `take` that throws. `build` gets the known
 * fields only; whatever was found is thrown together once it is done.
 */
export function readFields<T>(
  setting: string,
  value: unknown,
  knownKeys: readonly string[],
  build: (entry: Record<string, unknown>, take: Take) => T,
): T {
  const problems = new Problems();
  const record = value === undefined ? {} : pickObject(setting, value);
  problems.attempt(() => read.object(setting, record, knownKeys), {});
  const entry = Object.fromEntries(Object.entries(record).filter(([key]) => knownKeys.includes(key)));
  const result = build(entry, (check, fallback) => problems.attempt(check, fallback));
  problems.throwIfAny();
  return result;
}

/** The value when it is a plain object; a ValidationError naming the setting when not. */
function pickObject(setting: string, value: unknown): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) fail(setting || "args", value, "use an object");
  return value as Record<string, unknown>;
}

/** A value as users wrote it, quoted so that a string, a number and an object read differently. */
export function show(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

function fail(setting: string, value: unknown, allowed: string): never {
  throw new ValidationError(setting, `${show(value)} is not allowed: ${allowed}`);
}

/** Edit distance (insertions, deletions, substitutions) between two words. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

/** The candidates nearest to a word (at most `count`, within a third of its length), nearest first. */
export function closest(word: string, candidates: readonly string[], count = 3): string[] {
  const limit = Math.max(2, Math.ceil(word.length / 3));
  return candidates
    .map((candidate) => ({ candidate, distance: editDistance(word.toLowerCase(), candidate.toLowerCase()) }))
    .filter(({ distance }) => distance <= limit)
    .sort((x, y) => x.distance - y.distance || x.candidate.localeCompare(y.candidate))
    .slice(0, count)
    .map(({ candidate }) => candidate);
}

/** List words as prose: "a, b or c". */
export function oneOfText(values: readonly string[]): string {
  return values.length === 1 ? values[0] : `${values.slice(0, -1).join(", ")} or ${values[values.length - 1]}`;
}

/**
 * Small readers over values of unknown shape (stack config arrives as parsed YAML/JSON, component
 * args from code). Each returns the value typed, the default when absent, or throws a
 * ValidationError naming the setting, the value and what is allowed.
 */
export const read = {
  boolean(setting: string, value: unknown, fallback: boolean): boolean {
    if (value === undefined) return fallback;
    if (typeof value !== "boolean") fail(setting, value, "use true or false");
    return value;
  },

  integer(setting: string, value: unknown, min: number, max: number, fallback: number): number {
    if (value === undefined) return fallback;
    if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
      fail(setting, value, `use a whole number from ${min} to ${max}`);
    }
    return value;
  },

  /** An optional whole number in a range; absent stays undefined. */
  optionalInteger(setting: string, value: unknown, min: number, max: number): number | undefined {
    return value === undefined ? undefined : read.integer(setting, value, min, max, min);
  },

  oneOf<T extends string>(setting: string, value: unknown, allowed: readonly T[], fallback: T): T {
    if (value === undefined) return fallback;
    if (!allowed.includes(value as T)) fail(setting, value, `use ${oneOfText(allowed)}`);
    return value as T;
  },

  /** An optional string matching a pattern; an empty string counts as absent. */
  optionalString(setting: string, value: unknown, pattern: RegExp, rule: string): string | undefined {
    if (value === undefined || value === "") return undefined;
    if (typeof value !== "string" || !pattern.test(value)) fail(setting, value, `use ${rule}`);
    return value;
  },

  /** A string matching a pattern that must be there. */
  requiredString(setting: string, value: unknown, pattern: RegExp, rule: string): string {
    const text = read.optionalString(setting, value, pattern, rule);
    if (text === undefined) throw new ValidationError(setting, `is missing: use ${rule}`);
    return text;
  },

  /**
   * A plain object whose keys must all be known: a misspelt key is an error, not silently ignored.
   * `setting` is "" for the top level (the component args themselves).
   */
  object(setting: string, value: unknown, knownKeys: readonly string[]): Record<string, unknown> {
    if (value === undefined) return {};
    if (typeof value !== "object" || value === null || Array.isArray(value)) fail(setting || "args", value, "use an object");
    const record = value as Record<string, unknown>;
    const unknown = Object.keys(record).filter((key) => !knownKeys.includes(key));
    if (unknown.length > 0) {
      const where = setting ? ` of ${setting}` : "";
      throw new ValidationError(
        unknown.map((key) => {
          const [near] = closest(key, knownKeys, 1);
          return {
            setting: setting ? `${setting}.${key}` : key,
            problem: near
              ? `is not a setting: did you mean ${near}?`
              : `is not a setting; known settings${where} are ${oneOfText(knownKeys)}`,
          };
        }),
      );
    }
    return record;
  },

  array(setting: string, value: unknown): unknown[] {
    if (value === undefined) return [];
    if (!Array.isArray(value)) fail(setting, value, "use a list");
    return value;
  },

  stringMap(setting: string, value: unknown): Record<string, string> {
    if (value === undefined) return {};
    if (typeof value !== "object" || value === null || Array.isArray(value)) fail(setting, value, "use a map of names to strings");
    for (const [key, item] of Object.entries(value)) {
      if (typeof item !== "string") fail(`${setting}.${key}`, item, "use a string");
    }
    return value as Record<string, string>;
  },
};
