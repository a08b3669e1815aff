/**
 * The streams and surroundings a command-line tool runs with. Commands take them as an argument
 * instead of reaching for `process`, so tests run a tool in-process with captured output, a
 * chosen stdin and environment.
 */
import { homedir } from "node:os";
import { createInterface } from "node:readline";

export interface CliIo {
  stdout: { write(text: string): unknown };
  /** On a terminal (`isTTY`), long operations may show their progress here. */
  stderr: { write(text: string): unknown; isTTY?: boolean };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: Record<string, string | undefined>;
  /** Where `~/.docker/config.json` and the like are looked for; tests leave it out, so no real user files are read. */
  homeDir?: string;
  /** Calls `handler` on Ctrl-C (SIGINT) until the returned function is called. */
  onInterrupt?: (handler: () => void) => () => void;
  /**
   * How the user started the tool, for help and messages, such as `acr-infra images` or
   * `npm run images --`; see invokedAs. Left out, a tool shows how it is run in this repository.
   */
  invokedAs?: string;
}

/** The real process's streams, environment and Ctrl-C; `tool` is the name `tools/run.js` was given (plan, images). */
export function processIo(tool: string): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    homeDir: homedir(),
    invokedAs: invokedAs(tool, process.env, process.argv[1]),
    onInterrupt: (handler) => {
      // The first Ctrl-C lets the work in flight finish; a second one does not wait.
      let pressed = false;
      const listener = () => {
        if (pressed) process.exit(130);
        pressed = true;
        handler();
      };
      process.on("SIGINT", listener);
      return () => process.off("SIGINT", listener);
    },
  };
}

/**
 * The words that start `tool` the way the user just did:
 * - `npm run <script> --` when an npm script whose command ends in the tool's name ran it
 *   (`"images": "node tools/run.js images"` here, or a team's `"images": "acr-infra images"`):
 *   npm sets npm_lifecycle_event and npm_lifecycle_script;
 * - `acr-infra <tool>` when the package's command ran it: the bin is the built tools/run.js,
 *   started through its `acr-infra` link or from an installed package (no TypeScript sources);
 * - otherwise `npm run <tool> --`, how this repository documents its tools.
 */
export function invokedAs(tool: string, env: Record<string, string | undefined>, script: string | undefined): string {
  const event = env.npm_lifecycle_event;
  const command = env.npm_lifecycle_script?.trim().split(/\s+/);
  if (event && command?.at(-1) === tool) return `npm run ${event} --`;
  if (script !== undefined && isPackageBin(script)) return `acr-infra ${tool}`;
  return `npm run ${tool} --`;
}

function isPackageBin(script: string): boolean {
  const name = script.split(/[\\/]/).at(-1);
  if (name === "acr-infra" || name === "acr-infra.cmd") return true;
  // The built entry, as npx or an absolute path starts it; in this repository it is tools/run.js beside .ts sources.
  return name === "run.js" && /[\\/]dist[\\/]tools[\\/]run\.js$/.test(script);
}

/** The first line of `input`, or undefined when it ends first. */
export async function readLine(input: NodeJS.ReadableStream): Promise<string | undefined> {
  const lines = createInterface({ input, terminal: false });
  try {
    for await (const line of lines) return line;
    return undefined;
  } finally {
    lines.close();
  }
}
