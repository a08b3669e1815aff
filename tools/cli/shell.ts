/**
 * The small shell the command-line tools share: commands declared with their options (which give
 * both the parser and `--help`), help that shows the name the user typed, one way to report a
 * failure, and the exit codes.
 */
import { errorMessage } from "../common/errors";
import { Interrupted, UsageError } from "./errors";
import type { CliIo } from "./io";
import { optionsHelp, parseOptions, type OptionSpecs, type OptionValues } from "./options";

/** What a tool's exit code means; documented for users (docs/images.md). */
export const EXIT = {
  ok: 0,
  /** The work failed, or the user declined it. */
  failed: 1,
  /** Wrong arguments. */
  usage: 2,
  /** Ctrl-C, as a shell reports SIGINT. */
  interrupted: 130,
} as const;

export interface CommandSpec<O extends OptionSpecs> {
  name: string;
  /** The arguments, as the tool's list of commands shows them, such as `<repository>`. */
  arguments?: string;
  /** The usage line after the command's name, without `[options]`; default: `arguments`. */
  usage?: string;
  /** One line for the tool's list of commands. */
  summary: string;
  /** The paragraphs after the usage line. */
  description: string;
  /** Every option the command takes; shared sections come from the declarations' `section`. */
  options: O;
  /** A paragraph after the command's own options. */
  notes?: string;
  /** How many positional arguments, and what they are, for the message when the count is wrong. */
  positionals: { min: number; max: number; what: string };
  run(input: { values: OptionValues<O>; positionals: string[] }, io: CliIo): Promise<number>;
}

/** A command with its option types sealed in, so a tool can hold commands of different options. */
export interface Command {
  name: string;
  /** The command and its arguments as the tool's list shows them. */
  synopsis: string;
  summary: string;
  /** The command's help; `started` is what starts it, such as `npm run images -- tags`. */
  help(started: string): string;
  execute(args: string[], io: CliIo): Promise<number>;
}

export function defineCommand<const O extends OptionSpecs>(spec: CommandSpec<O>): Command {
  return {
    name: spec.name,
    synopsis: spec.arguments ? `${spec.name} ${spec.arguments}` : spec.name,
    summary: spec.summary,
    help: (started) => {
      const usage = spec.usage ?? spec.arguments;
      const head = `Usage: ${started}${usage ? ` ${usage}` : ""} [options]`;
      return `${[head, spec.description, ...optionsHelp(spec.options, spec.notes)].join("\n\n")}\n`;
    },
    execute: async (args, io) => {
      const { values, positionals } = parseOptions(args, spec.options, spec.positionals.max > 0);
      const { min, max, what } = spec.positionals;
      if (positionals.length < min || positionals.length > max) {
        const got = positionals.length === 0 ? "none" : positionals.map((p) => JSON.stringify(p)).join(" ");
        throw new UsageError(`expected ${what}, got ${got}`);
      }
      return spec.run({ values, positionals }, io);
    },
  };
}

export interface ToolSpec {
  /** As `tools/run.js` names it; messages begin with it. */
  name: string;
  /** What the tool is for, under its usage line. */
  description: string;
  commands: readonly Command[];
  /** Options every command takes: their sections close the tool's help. */
  common: OptionSpecs;
  /** Example command lines for the tool's help, given how the user started it. */
  examples?: (invokedAs: string) => string[];
  /** Advice after a failure's message, for failures the tool knows. */
  hint?: (error: unknown) => string | undefined;
  /** Exit codes other than EXIT's, where a tool gives a code its own meaning (the plan's 2). */
  exitCodes?: { usage?: number };
}

/**
 * Runs `<tool> <command> [options]`. `help`, `--help` or `-h` alone show the tool's help (exit 0),
 * nothing shows it on stderr (exit 2); `help <command>` or `<command> --help` a command's.
 */
export async function runTool(tool: ToolSpec, args: string[], io: CliIo): Promise<number> {
  const invokedAs = io.invokedAs ?? `npm run ${tool.name} --`;
  const [name, ...rest] = args;
  const find = (wanted: string | undefined) => tool.commands.find((command) => command.name === wanted);
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    const topic = name === "help" ? find(rest[0]) : undefined;
    (name === undefined ? io.stderr : io.stdout).write(topic ? topic.help(`${invokedAs} ${topic.name}`) : toolHelp(tool, invokedAs));
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const command = find(name);
  if (!command) {
    const names = tool.commands.map((known) => known.name).join(", ");
    io.stderr.write(`${tool.name}: unknown command ${JSON.stringify(name)}; commands are ${names}. Run \`${invokedAs} --help\`.\n`);
    return EXIT.usage;
  }
  return execute(command, rest, io, `${tool.name} ${command.name}`, `${invokedAs} ${command.name}`, tool);
}

/**
 * Runs a tool that is one command, `<tool> [options]`, such as the offline plan: `command` holds
 * its options and help, and messages begin with the tool's name.
 */
export function runCommand(
  tool: Pick<ToolSpec, "name" | "hint" | "exitCodes">,
  command: Command,
  args: string[],
  io: CliIo,
): Promise<number> {
  return execute(command, args, io, tool.name, io.invokedAs ?? `npm run ${tool.name} --`, tool);
}

async function execute(
  command: Command,
  args: string[],
  io: CliIo,
  prefix: string,
  started: string,
  tool: Pick<ToolSpec, "hint" | "exitCodes">,
): Promise<number> {
  // After `--` everything is an argument, even `--help`.
  const optionArgs = args.includes("--") ? args.slice(0, args.indexOf("--")) : args;
  if (optionArgs.includes("--help") || optionArgs.includes("-h")) {
    io.stdout.write(command.help(started));
    return EXIT.ok;
  }
  try {
    return await command.execute(args, io);
  } catch (error) {
    const code = report(error, prefix, started, io, tool.hint);
    return code === EXIT.usage ? (tool.exitCodes?.usage ?? code) : code;
  }
}

/**
 * Prints a failure as one message after `prefix` and says what the exit code is: a usage error
 * points to the help of `helpFor` (what starts the command); others get the tool's advice, if any.
 */
function report(error: unknown, prefix: string, helpFor: string, io: CliIo, hint?: ToolSpec["hint"]): number {
  if (error instanceof Interrupted) {
    io.stderr.write(`${prefix}: ${error.message}\n`);
    return EXIT.interrupted;
  }
  if (error instanceof UsageError) {
    io.stderr.write(`${prefix}: ${error.message}\nRun \`${helpFor} --help\` for usage.\n`);
    return EXIT.usage;
  }
  io.stderr.write(`${prefix}: ${errorMessage(error)}\n`);
  const advice = hint?.(error);
  if (advice) io.stderr.write(`${advice}\n`);
  return EXIT.failed;
}

function toolHelp(tool: ToolSpec, invokedAs: string): string {
  const width = Math.max(20, ...tool.commands.map((command) => command.synopsis.length));
  const commands = tool.commands.map((command) => `  ${command.synopsis.padEnd(width)}  ${command.summary}`).join("\n");
  const examples = tool.examples?.(invokedAs) ?? [];
  return `${[
    `Usage: ${invokedAs} <command> [options]`,
    tool.description,
    `Commands:\n${commands}`,
    `Run \`${invokedAs} <command> --help\` for a command's options.`,
    ...optionsHelp(tool.common),
    ...(examples.length > 0 ? [`Examples:\n${examples.map((line) => `  ${line}`).join("\n")}`] : []),
  ].join("\n\n")}\n`;
}
