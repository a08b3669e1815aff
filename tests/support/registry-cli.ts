/** Runs the image tool in-process with captured output, a chosen stdin and environment. */
import { Readable } from "node:stream";
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
}

export async function runCli(args: string[], options: CliRunOptions = {}): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const stdin = Object.assign(Readable.from(options.stdin === undefined ? [] : [options.stdin]), { isTTY: options.tty ?? false });
  const code = await main(args, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    stdin,
    env: options.env ?? {},
  });
  return { code, stdout, stderr };
}
