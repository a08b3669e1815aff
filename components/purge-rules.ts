/**
 * Purge rules, shared by the scheduled purge (an ACR Task running `acr purge`) and by the image
 * tool's `purge` command, so both read a filter, an age and a keep count the same way.
 */
import { wholeNameRegex } from "./acr-regex";

/** One purge rule, as written in stack config (`acr-infra:purge`) or passed to the component. */
export interface PurgeRule {
  /** Cron schedule (5 fields, UTC) of the ACR Task that runs the purge, e.g. `0 3 * * *`. */
  schedule: string;
  /** `<repository regex>:<tag regex>` in acr purge's dialect, each matched against the whole name, e.g. `app/.*:pr-.*`. */
  filter: string;
  /** Only tags last updated longer ago than this go: days first, then a Go duration, such as `30d`, `12h` or `1d12h`. */
  ago: string;
  /** How many of the newest matching tags of each repository to keep even when old. Default 0. */
  keep?: number;
  /** Also delete manifests that no tag points at. Default false. */
  untagged?: boolean;
}

/**
 * A parsed `<repository regex>:<tag regex>` filter. This project matches both regexes against the
 * whole name: acr purge wraps the repository regex as `^<regex>$` without a group (so `web|api`
 * there means "starts with web, or ends with api") and matches the tag regex anywhere in a tag.
 * The scheduled task's command is written so that acr purge means the same (see purgeCommand).
 */
export interface PurgeFilter {
  repository: RegExp;
  tag: RegExp;
  /** The two regexes as written. */
  repositoryPattern: string;
  tagPattern: string;
  /** The text as given, for messages. */
  text: string;
}

/**
 * The colons that separate a filter's repository and tag regexes: acr purge's own expression
 * (Azure/acr-cli cmd/repository/image_functions.go, GetRepositoryAndTagRegex): not the colon of a
 * `(?:` or `(?i:` group, nor one in a POSIX class such as `[[:alpha:]]`.
 */
const FILTER_SEPARATOR = /(?<!\(\?[imsU-]{0,5}|\[*\^*\[\^*):(?!\]\]*)/g;

/** Splits a filter as acr purge does; throws an Error in acr purge's terms. */
export function splitFilter(text: string): [repository: string, tag: string] {
  const parts = text.split(FILTER_SEPARATOR);
  if (parts.length !== 2) {
    throw new Error(
      `${JSON.stringify(text)} is not a filter: use <repository regex>:<tag regex> with one separating colon, such as app/web:.* or .*:pr-.*`,
    );
  }
  const [repository, tag] = parts;
  if (repository === "") throw new Error(`${JSON.stringify(text)} has no repository regex before its colon`);
  if (tag === "") throw new Error(`${JSON.stringify(text)} has no tag regex after its colon`);
  return [repository, tag];
}

/**
 * Parses `<repository regex>:<tag regex>` as acr purge does: the split, then each regex in acr
 * purge's dialect (acr-regex.ts). Throws an Error saying what is wrong.
 */
export function parseFilter(text: string): PurgeFilter {
  if (typeof text !== "string") throw new Error(`${JSON.stringify(text)} is not a filter: use a string such as .*:pr-.*`);
  const [repositoryPattern, tagPattern] = splitFilter(text);
  const compile = (pattern: string, part: string) => {
    try {
      return wholeNameRegex(pattern);
    } catch (error) {
      throw new Error(`${JSON.stringify(text)} has an invalid ${part} regex ${JSON.stringify(pattern)}: ${(error as Error).message}`, {
        cause: error,
      });
    }
  };
  return { repository: compile(repositoryPattern, "repository"), tag: compile(tagPattern, "tag"), repositoryPattern, tagPattern, text };
}

const MS = { ns: 1e-6, us: 1e-3, µs: 1e-3, μs: 1e-3, ms: 1, s: 1_000, m: 60_000, h: 3_600_000 } as const;
const DAY_MS = 86_400_000;
/** acr purge caps --ago at 150 years (acr-cli cmd/acr/purge.go, maxAgoDurationYears): longer ages do not mean what they say. */
const MAX_AGO_MS = 150 * 365 * DAY_MS;
const GO_DURATION = /^(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/;
const AGO = /^(?:(\d+)d)?(.*)$/;

/** How acr purge would read an age this project refuses, where it reads it at all. */
function misreading(text: string): string {
  // Go's %d cannot hold more than 19 digits: acr purge then reads no days at all, age 0.
  if (/^\d{19,}d/.test(text)) return " (too many days for acr purge to read: it would take the age as 0 and purge everything that matches)";
  if (/^[-+]/.test(text)) return " (a sign: acr purge reads a negative age as a time in the future, so everything matching goes)";
  if (/^\d+d.*d/.test(text)) return " (days twice: acr purge fails at every run)";
  const leading = /^(\d+)[^d\d]/.exec(text);
  if (leading && text.includes("d")) return ` (acr purge would read it as ${leading[1]} days: the days go first, then a Go duration)`;
  return "";
}

/**
 * Parses an `acr purge --ago` duration into milliseconds, in acr purge's grammar (acr-cli
 * cmd/acr/purge.go parseDuration): a whole number of days with `d` first, then a Go duration
 * (`30d`, `12h`, `1d12h`, `90m`, `1.5h`). What acr purge would misread is refused: days after the
 * Go part (`1h1d` reads there as 1 day, `30m1d` as 30 days), days twice (`1d1d` fails every run), a
 * sign (`-1d` would purge everything), a number without a unit, and more than 150 years (capped there).
 */
export function parseDuration(text: string): number {
  const allowed = "use days then a Go duration, such as 30d, 12h, 1d12h or 90m";
  const match = typeof text === "string" ? AGO.exec(text) : null;
  if (!match || text === "" || /^\d{19,}d/.test(text) || (match[2] !== "" && match[2] !== "0" && !GO_DURATION.test(match[2]))) {
    throw new Error(`${JSON.stringify(text)} is not an age acr purge reads as written${misreading(String(text))}: ${allowed}`);
  }
  let total = Number(match[1] ?? 0) * DAY_MS;
  for (const [, amount, unit] of match[2].matchAll(/((?:\d+(?:\.\d*)?|\.\d+))(ns|us|µs|μs|ms|s|m|h)/g)) {
    total += Number(amount) * MS[unit as keyof typeof MS];
  }
  if (!(total <= MAX_AGO_MS)) {
    throw new Error(`${JSON.stringify(text)} is longer than 150 years, where acr purge stops counting: ${allowed}`);
  }
  return total;
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

/**
 * The `acr purge` command line a rule runs, written so that acr purge means what this project
 * does: the repository regex grouped, as acr purge anchors it as `^<regex>$` (so `web|api` stays
 * "web or api", not "starts with web or ends with api"), and the tag regex anchored, as acr purge
 * matches it anywhere in a tag. The filter is single-quoted for the task's shell.
 */
export function purgeCommand(rule: PurgeRule): string {
  const [repository, tag] = splitFilter(rule.filter);
  const filter = `(?:${repository}):^(?:${tag})$`;
  // What acr purge will split must be what was meant.
  const [again, againTag] = splitFilter(filter);
  if (again !== `(?:${repository})` || againTag !== `^(?:${tag})$`) {
    throw new Error(`${JSON.stringify(rule.filter)} cannot be written as one acr purge filter that keeps its meaning`);
  }
  const parts = [`acr purge --filter '${filter}' --ago ${rule.ago}`];
  if (rule.keep) parts.push(`--keep ${rule.keep}`);
  if (rule.untagged) parts.push("--untagged");
  return parts.join(" ");
}
