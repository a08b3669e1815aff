/** `images list`: the registry's repositories, one a line. */
import { defineCommand, EXIT } from "../../cli/shell";
import { connect, CONNECTION_OPTIONS } from "./connection";
import { writeJson } from "./output";

export const listCommand = defineCommand({
  name: "list",
  summary: "the registry's repositories",
  description: "Lists the registry's repositories, one a line.",
  options: CONNECTION_OPTIONS,
  positionals: { min: 0, max: 0, what: "no arguments" },
  async run({ values }, io) {
    const client = await connect(values, io);
    const repositories = await client.listRepositories();
    if (values.json) {
      writeJson(io, repositories);
    } else if (repositories.length === 0) {
      io.stderr.write("No repositories.\n");
    } else {
      io.stdout.write(repositories.map((name) => `${name}\n`).join(""));
    }
    return EXIT.ok;
  },
});
