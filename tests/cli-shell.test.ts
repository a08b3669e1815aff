// The command-line shell the tools share: one option declaration gives the parser and the help,
// help shows the name the user typed, and failures end in the documented exit codes.
import { Interrupted } from "../tools/cli/errors";
import { invokedAs } from "../tools/cli/io";
import { defineOptions, integerOption, type HelpSection } from "../tools/cli/options";
import { defineCommand, EXIT, runCommand, runTool, type ToolSpec } from "../tools/cli/shell";
import { main } from "../tools/images/cli";
import { capturedIo } from "./support/registry-cli";

const captured = (invoked?: string) => capturedIo({ invokedAs: invoked });

describe("the name help shows", () => {
  it("is the npm script that runs the tool", () => {
    expect(
      invokedAs("images", { npm_lifecycle_event: "images", npm_lifecycle_script: "node tools/run.js images" }, "/r/tools/run.js"),
    ).toBe("npm run images --");
    // A team's own script for the installed command.
    const team = { npm_lifecycle_event: "registry-images", npm_lifecycle_script: "acr-infra images" };
    expect(invokedAs("images", team, "/r/node_modules/.bin/acr-infra")).toBe("npm run registry-images --");
  });

  it("is the package's command when its bin started the tool", () => {
    expect(invokedAs("images", {}, "/home/me/app/node_modules/.bin/acr-infra")).toBe("acr-infra images");
    expect(invokedAs("images", {}, "/home/me/app/node_modules/acr-infra/dist/tools/run.js")).toBe("acr-infra images");
    // An npm script that passes more than the tool's name cannot be repeated with `npm run <script> --`.
    const script = { npm_lifecycle_event: "clean", npm_lifecycle_script: "acr-infra images purge --dry-run" };
    expect(invokedAs("images", script, "/app/node_modules/.bin/acr-infra")).toBe("acr-infra images");
  });

  it("is this repository's npm script otherwise", () => {
    expect(invokedAs("images", {}, "/work/acr-infra/tools/run.js")).toBe("npm run images --");
    expect(invokedAs("plan", {}, undefined)).toBe("npm run plan --");
  });

  it("reaches the image tool's help and its usage errors", async () => {
    const help = captured("acr-infra images");
    expect(await main(["purge", "--help"], help.io)).toBe(EXIT.ok);
    expect(help.out.stdout).toContain("Usage: acr-infra images purge --filter <repository regex>:<tag regex> --ago <duration> [options]");
    const wrong = captured("acr-infra images");
    expect(await main(["list", "extra"], wrong.io)).toBe(EXIT.usage);
    expect(wrong.out.stderr).toBe('images list: expected no arguments, got "extra"\nRun `acr-infra images list --help` for usage.\n');
  });
});

describe("a command declared once", () => {
  const SHARED: HelpSection = { title: "Shared:", notes: "Shared notes,\non two lines." };
  const options = defineOptions({
    count: { type: "string", value: "<n>", help: "how many\n(default 1)", env: "COUNT" },
    tag: { type: "string", multiple: true, value: "<tag>", help: "repeatable" },
    quiet: { type: "boolean", short: "q", help: "say less", section: SHARED },
  });
  const seen: unknown[] = [];
  const greet = defineCommand({
    name: "greet",
    arguments: "<name>",
    summary: "says hello",
    description: "Says hello to <name>.",
    options,
    notes: "The command's own notes.",
    positionals: { min: 1, max: 1, what: "a name" },
    run({ values, positionals }, io) {
      // The values are typed from the declaration: a string, strings, a boolean.
      const count: number = integerOption(values.count, "--count", 1) ?? 1;
      const tags: string[] = values.tag ?? [];
      const quiet: boolean = values.quiet === true;
      seen.push({ count, tags, quiet });
      if (positionals[0] === "ctrl-c") throw new Interrupted("interrupted: nothing was done");
      if (positionals[0] === "fail") throw new Error("it failed");
      io.stdout.write(`hello ${positionals[0]}\n`);
      return Promise.resolve(EXIT.ok);
    },
  });
  const tool: ToolSpec = {
    name: "demo",
    description: "A demonstration.",
    commands: [greet],
    common: { quiet: options.quiet },
    examples: (name) => [`${name} greet you`],
    hint: (error) => (error instanceof Error && error.message === "it failed" ? "Try again." : undefined),
  };

  it("parses into typed values", async () => {
    const { io, out } = captured();
    expect(await runTool(tool, ["greet", "you", "--count", "3", "--tag", "a", "--tag", "b", "-q"], io)).toBe(EXIT.ok);
    expect(out.stdout).toBe("hello you\n");
    expect(seen.at(-1)).toEqual({ count: 3, tags: ["a", "b"], quiet: true });
  });

  it("writes its help from the declaration", async () => {
    const { io, out } = captured("demo-tool");
    expect(await runTool(tool, ["help", "greet"], io)).toBe(EXIT.ok);
    expect(out.stdout).toBe(
      [
        "Usage: demo-tool greet <name> [options]",
        "",
        "Says hello to <name>.",
        "",
        "Options:",
        "  --count <n>             how many",
        "                          (default 1)   [env COUNT]",
        "  --tag <tag>             repeatable",
        "",
        "The command's own notes.",
        "",
        "Shared:",
        "  -q, --quiet             say less",
        "  Shared notes,",
        "  on two lines.",
        "",
      ].join("\n"),
    );
    const toolHelp = captured("demo-tool");
    await runTool(tool, ["--help"], toolHelp.io);
    expect(toolHelp.out.stdout).toContain("Commands:\n  greet <name>          says hello\n");
    expect(toolHelp.out.stdout).toContain("Examples:\n  demo-tool greet you\n");
  });

  it("ends each failure with its exit code", async () => {
    const none = captured();
    expect(await runTool(tool, [], none.io)).toBe(EXIT.usage);
    expect(none.out.stderr).toContain("Usage: npm run demo -- <command> [options]");

    const unknown = captured();
    expect(await runTool(tool, ["wave"], unknown.io)).toBe(EXIT.usage);
    expect(unknown.out.stderr).toBe('demo: unknown command "wave"; commands are greet. Run `npm run demo -- --help`.\n');

    const option = captured();
    expect(await runTool(tool, ["greet", "you", "--loud"], option.io)).toBe(EXIT.usage);
    expect(option.out.stderr).toMatch(/^demo greet: Unknown option '--loud'.*\nRun `npm run demo -- greet --help` for usage\.\n$/s);

    const count = captured();
    expect(await runTool(tool, ["greet", "you", "--count", "0"], count.io)).toBe(EXIT.usage);
    expect(count.out.stderr).toContain('demo greet: --count "0" is not a whole number of at least 1');

    const failed = captured();
    expect(await runTool(tool, ["greet", "fail"], failed.io)).toBe(EXIT.failed);
    expect(failed.out.stderr).toBe("demo greet: it failed\nTry again.\n");

    const interrupted = captured();
    expect(await runTool(tool, ["greet", "ctrl-c"], interrupted.io)).toBe(EXIT.interrupted);
    expect(interrupted.out.stderr).toBe("demo greet: interrupted: nothing was done\n");
  });

  it("takes --help after -- as an argument", async () => {
    const { io, out } = captured();
    expect(await runTool(tool, ["greet", "--", "--help"], io)).toBe(EXIT.ok);
    expect(out.stdout).toBe("hello --help\n");
  });

  it("runs a tool that is one command, as the offline plan could", async () => {
    const help = captured("acr-infra demo");
    expect(await runCommand(tool, greet, ["--help"], help.io)).toBe(EXIT.ok);
    expect(help.out.stdout).toMatch(/^Usage: acr-infra demo <name> \[options\]\n/);
    const wrong = captured();
    expect(await runCommand(tool, greet, [], wrong.io)).toBe(EXIT.usage);
    expect(wrong.out.stderr).toBe("demo: expected a name, got none\nRun `npm run demo -- --help` for usage.\n");
  });
});
