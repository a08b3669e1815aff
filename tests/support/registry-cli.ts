/** Runs a command-line tool in-process with captured output, a chosen stdin and environment. */
import { Readable } from "node:stream";
import type { CliIo } from "../../tools/cli/io";
import { main } from "../../tools/images/cli";

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliRunOptions {
  /** The whole environment the tool sees (the test process's is not passed on). */
  env?: Record<string, string>;
  /** What stdin holds. Default nothing. */
  stdin?: string;
  /** Whether stdin is a terminal, so the tool may ask for confirmation. Default false. */
  tty?: boolean;
  /** Where the tool looks for ~/.docker/config.json. Default: nowhere. */
  homeDir?: string;
  /** How the user started the tool, for help and messages. */
  invokedAs?: string;
}

/** Streams a tool writes into `out`, and what it reads. */
export function capturedIo(options: CliRunOptions = {}): { io: CliIo; out: { stdout: string; stderr: string } } {
  const out = { stdout: "", stderr: "" };
  const io: CliIo = {
    stdout: { write: (text: string) => (out.stdout += text) },
    stderr: { write: (text: string) => (out.stderr += text) },
    stdin: Object.assign(Readable.from(options.stdin === undefined ? [] : [options.stdin]), { isTTY: options.tty ?? false }),
    env: options.env ?? {},
    ...(options.homeDir ? { homeDir: options.homeDir } : {}),
    ...(options.invokedAs ? { invokedAs: options.invokedAs } : {}),
  };
  return { io, out };
}

/** The image tool, run with `args`. */
export async function runCli(args: string[], options: CliRunOptions = {}): Promise<CliRun> {
  const { io, out } = capturedIo(options);
  const code = await main(args, io);
  return { code, ...out };
}
