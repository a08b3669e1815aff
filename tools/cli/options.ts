/**
 * A command's options, declared once: the declaration gives node:util's parseArgs its
 * configuration, types the parsed values, and writes the options' part of `--help`.
 */
import { parseArgs } from "node:util";
import { errorMessage } from "../common/errors";
import { isParseArgsError, UsageError } from "./errors";

/** A titled block of help that options name as theirs; the notes follow the options. */
export interface HelpSection {
  title: string;
  /** Lines shown under the section's options, indented as they are. */
  notes?: string;
}

export interface OptionSpec {
  type: "string" | "boolean";
  short?: string;
  multiple?: boolean;
  /** How help names a string option's value, such as `<n>`. */
  value?: string;
  /** What the option does, for help; line breaks are kept and later lines line up under the first. */
  help: string;
  /** The environment variable that stands in for the option; help shows it, the command reads it. */
  env?: string;
  /** Where help lists the option; a command's own options, without one, go under "Options:". */
  section?: HelpSection;
}

export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

/** What parsing gives for each option: a string, strings for `multiple`, a boolean for a flag; absent when not given. */
export type OptionValues<O extends OptionSpecs> = {
  -readonly [K in keyof O]?: O[K] extends { type: "boolean" } ? boolean : O[K] extends { multiple: true } ? string[] : string;
};

/** Keeps the literal types of a declaration, so OptionValues can tell flags from strings. */
export function defineOptions<const O extends OptionSpecs>(options: O): O {
  return options;
}

/** `-h, --help`: each tool puts it in the section of its help it likes. */
export const HELP_OPTION = { type: "boolean", short: "h", help: "this help" } as const satisfies OptionSpec;

/** Parses `args` strictly: an unknown option or a missing value is a UsageError. Positionals are the caller's to check. */
export function parseOptions<O extends OptionSpecs>(
  args: string[],
  options: O,
  takesArguments = true,
): { values: OptionValues<O>; positionals: string[] } {
  const config = Object.fromEntries(
    Object.entries(options).map(([name, spec]) => [
      name,
      { type: spec.type, ...(spec.short ? { short: spec.short } : {}), ...(spec.multiple ? { multiple: true } : {}) },
    ]),
  );
  try {
    const { values, positionals } = parseArgs({ args, options: config, allowPositionals: true, strict: true });
    // parseArgs types its values from a literal configuration; this one is built from `options`, which OptionValues reads.
    return { values: values as OptionValues<O>, positionals };
  } catch (error) {
    // node:util's advice on passing an argument that starts with '-' only confuses a command that takes none.
    if (isParseArgsError(error)) {
      const message = errorMessage(error);
      throw new UsageError(takesArguments ? message : message.replace(/\. To specify a positional argument .*$/s, ""));
    }
    throw error;
  }
}

/** A whole number of at least `min` given to `option`, or undefined when the option was not given. */
export function integerOption(text: string | undefined, option: string, min: number): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < min || !Number.isSafeInteger(Number(text))) {
    throw new UsageError(`${option} ${JSON.stringify(text)} is not a whole number of at least ${min}`);
  }
  return Number(text);
}

const LABEL_WIDTH = 22;

/**
 * The options' help, a block per section in the order the sections first appear; options without
 * a section come first, under "Options:", followed by `notes` (the command's own remarks on them).
 */
export function optionsHelp(options: OptionSpecs, notes?: string): string[] {
  const own: HelpSection = { title: "Options:", notes };
  const sections = new Map<HelpSection, string[]>([[own, []]]);
  for (const [name, spec] of Object.entries(options)) {
    const section = spec.section ?? own;
    sections.set(section, [...(sections.get(section) ?? []), optionHelp(name, spec)]);
  }
  return [...sections].flatMap(([section, lines]) => {
    if (lines.length === 0) return section.notes ? [section.notes] : [];
    // A command's own notes stand apart as a paragraph; a shared section's notes are part of its block.
    if (section === own) return [`${section.title}\n${lines.join("\n")}`, ...(section.notes ? [section.notes] : [])];
    const sectionNotes = section.notes ? `\n${indent(section.notes)}` : "";
    return [`${section.title}\n${lines.join("\n")}${sectionNotes}`];
  });
}

function optionHelp(name: string, spec: OptionSpec): string {
  const label = `${spec.short ? `-${spec.short}, ` : ""}--${name}${spec.value ? ` ${spec.value}` : ""}`;
  const lines = spec.help.split("\n");
  if (spec.env) lines[lines.length - 1] += `${lines[lines.length - 1] ? "   " : ""}[env ${spec.env}]`;
  return lines
    .map((line, index) => (index === 0 ? `  ${label.padEnd(LABEL_WIDTH)}  ${line}` : `${" ".repeat(LABEL_WIDTH + 4)}${line}`).trimEnd())
    .join("\n");
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((line) => (line ? `  ${line}` : line))
    .join("\n");
}
