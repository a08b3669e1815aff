/**
 * Purge rules, shared by the scheduled purge (an ACR Task running `acr purge`) and by the image
 * tool's `purge` command, so both read a filter, an age and a keep count the same way.
 */

/** One purge rule, as written in stack config (`acr-infra:purge`) or passed to the component. */
export interface PurgeRule {
  /** Cron schedule (5 fields, UTC) of the ACR Task that runs the purge, e.g. `0 3 * * *`. */
  schedule: string;
  /** `<repository regex>:<tag regex>`, each matched against the whole name, e.g. `app/.*:pr-.*`. */
  filter: string;
  /** Only tags last updated longer ago than this go: a duration such as `30d`, `12h` or `1d12h`. */
  ago: string;
  /** How many of the newest matching tags of each repository to keep even when old. Default 0. */
  keep?: number;
  /** Also delete manifests that no tag points at. Default false. */
  untagged?: boolean;
}

/** A parsed `<repository regex>:<tag regex>` filter; both patterns are anchored to the whole name. */
export interface PurgeFilter {
  repository: RegExp;
  tag: RegExp;
  /** The text as given, for messages and for the `acr purge` command line. */
  text: string;
}

const DURATION_UNITS_MS: Record<string, number> = {
  d: 86_400_000,
  h: 3_600_000,
  m: 60_000,
  s: 1_000,
};
const DURATION = /^(?:\d+[dhms])+$/;

/**
 * Parses an `acr purge --ago` duration (Go-style with days: `30d`, `12h`, `1d12h`, `90m`) into
 * milliseconds. Throws an Error saying what is allowed.
 */
export function parseDuration(text: string): number {
  if (typeof text !== "string" || !DURATION.test(text)) {
    throw new Error(`${JSON.stringify(text)} is not a duration: use a number followed by d, h, m or s, such as 30d, 12h or 1d12h`);
  }
  let total = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+)([dhms])/g)) {
    total += Number(amount) * DURATION_UNITS_MS[unit];
  }
  return total;
}

/**
 * Parses `<repository regex>:<tag regex>`. The split is at the last colon, as a repository name
 * cannot contain one. Throws an Error saying what is wrong.
 */
export function parseFilter(text: string): PurgeFilter {
  const colon = typeof text === "string" ? text.lastIndexOf(":") : -1;
  if (colon <= 0 || colon === text.length - 1) {
    throw new Error(`${JSON.stringify(text)} is not a filter: use <repository regex>:<tag regex>, such as app/web:.* or .*:pr-.*`);
  }
  const repositoryPattern = text.slice(0, colon);
  const tagPattern = text.slice(colon + 1);
  return {
    repository: compileAnchored(repositoryPattern, "repository", text),
    tag: compileAnchored(tagPattern, "tag", text),
    text,
  };
}

function compileAnchored(pattern: string, part: string, filter: string): RegExp {
  try {
    return new RegExp(`^(?:${pattern})$`);
  } catch (error) {
    throw new Error(`${JSON.stringify(filter)} has an invalid ${part} regex ${JSON.stringify(pattern)}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/** Field ranges of a 5-field cron expression: minute, hour, day of month, month, day of week. */
const CRON_FIELDS: ReadonlyArray<{ name: string; min: number; max: number }> = [
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day of month", min: 1, max: 31 },
  { name: "month", min: 1, max: 12 },
  { name: "day of week", min: 0, max: 6 },
];

/**
 * Checks a 5-field cron expression as ACR Task timer triggers take it (numbers, `*`, ranges,
 * lists and steps). Throws an Error naming the field that is wrong.
 */
export function validateCron(expression: string): void {
  const fields = typeof expression === "string" ? expression.trim().split(/\s+/) : [];
  if (fields.length !== 5) {
    throw new Error(
      `${JSON.stringify(expression)} is not a cron schedule: use 5 fields (minute hour day-of-month month day-of-week), such as "0 3 * * *"`,
    );
  }
  fields.forEach((field, index) => {
    const { name, min, max } = CRON_FIELDS[index];
    for (const item of field.split(",")) {
      const match = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(item);
      const numbers = match ? [match[2], match[3]].filter((n) => n !== undefined).map(Number) : [];
      const step = match?.[4] === undefined ? 1 : Number(match[4]);
      if (!match || step < 1 || numbers.some((n) => n < min || n > max) || (numbers.length === 2 && numbers[0] > numbers[1])) {
        throw new Error(
          `${JSON.stringify(expression)} has an invalid ${name} field ${JSON.stringify(field)}: allowed are ${min}-${max}, *, ranges, lists and /steps`,
        );
      }
    }
  });
}

/** The `acr purge` command line a rule runs, the filter quoted for the ACR Task's shell. */
export function purgeCommand(rule: PurgeRule): string {
  // acr purge anchors the repository regex but matches the tag regex anywhere in the tag; anchor
  // it here, so that a rule deletes exactly what the image tool's purge (and this README) say.
  const colon = rule.filter.lastIndexOf(":");
  const filter = `${rule.filter.slice(0, colon)}:^(?:${rule.filter.slice(colon + 1)})$`;
  const parts = [`acr purge --filter '${filter}' --ago ${rule.ago}`];
  if (rule.keep) parts.push(`--keep ${rule.keep}`);
  if (rule.untagged) parts.push("--untagged");
  return parts.join(" ");
}
