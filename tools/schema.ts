/**
 * `npm run schema`: prints the Pulumi package schema that other languages' SDKs are generated from
 * (`pulumi package add`), as the SDK's analyzer makes it from the TypeScript types, in-process and
 * without the Pulumi CLI (provider/schema.ts). The package's own tools leave it out: it reads the
 * TypeScript sources, which the built package does not have.
 */
import { HELP_OPTION, defineOptions } from "./cli/options";
import { defineCommand, runCommand } from "./cli/shell";
import { processIo, type CliIo } from "./cli/io";
import { packageSchema } from "../provider/schema";

const SCHEMA = defineCommand({
  name: "schema",
  summary: "the package schema for other Pulumi languages",
  description:
    "Prints the Pulumi package schema of acr-infra (JSON): the ContainerRegistry component's inputs and outputs, with the\n" +
    "secret outputs marked, as `pulumi package add` generates a Python, Go, .NET, Java or YAML SDK from it.",
  options: defineOptions({ help: HELP_OPTION }),
  positionals: { min: 0, max: 0, what: "no arguments" },
  run: async (_input, io) => {
    io.stdout.write(`${JSON.stringify(await packageSchema(), null, 2)}\n`);
    return 0;
  },
});

export function main(argv: string[], io: CliIo = processIo("schema")): Promise<number> {
  // Wrong arguments exit 1, as the plan's do.
  return runCommand({ name: "schema", exitCodes: { usage: 1 } }, SCHEMA, argv, io);
}
