/** Deleting manifests for the delete and purge commands: the confirmation, then the deletes, in order and interruptible. */
import { Interrupted } from "../../cli/errors";
import { errorMessage } from "../../common/errors";
import { readLine, type CliIo } from "../../cli/io";
import { RegistryError } from "../errors";
import type { RegistryClient } from "../registry/client";
import { count } from "./output";

export interface DeleteTarget {
  repository: string;
  digest: string;
  /** Every tag on the manifest: all of them go. */
  tags: string[];
  /** For an index, the manifests it lists: those of them being deleted wait until it is gone. */
  children?: string[];
}

/** `--yes`, for every command that deletes. */
export const YES_OPTION = { type: "boolean", help: "delete without asking; needed when stdin is not a terminal" } as const;

/** Asks "Delete N images? [y/N]" on a terminal; refuses without one unless --yes was given. */
export async function confirm(io: CliIo, images: number, yes: boolean): Promise<boolean> {
  if (yes) return true;
  if (!io.stdin.isTTY) {
    throw new Error(`stdin is not a terminal to confirm on; add --yes to delete ${count(images, "image")}. Nothing was deleted.`);
  }
  io.stderr.write(`Delete ${count(images, "image")}? [y/N] `);
  const answer = await readLine(io.stdin);
  return /^\s*y(es)?\s*$/i.test(answer ?? "");
}

export function describeTarget(target: DeleteTarget): string {
  const tags = target.tags.length > 0 ? ` (${target.tags.length === 1 ? "tag" : "tags"} ${target.tags.join(", ")})` : " (untagged)";
  return `${target.repository}@${target.digest}${tags}`;
}

/**
 * Deletes the targets, `concurrency` at a time, in their order except that an index goes before
 * the manifests it lists (so an interrupted run never leaves an index pointing at deleted ones).
 * As acr purge's purger (acr-cli internal/worker/purger.go): a manifest already gone (404) counts
 * as deleted; in a purge, one the registry refuses to delete (405: locked in ACR, by tag or
 * repository, or deletes not allowed) is skipped and the rest go on, and the run then fails
 * naming it. Any other failure, or Ctrl-C, sends nothing more, lets the requests in flight finish,
 * and says exactly what was deleted and what was not.
 */
export async function deleteAll(
  client: RegistryClient,
  targets: readonly DeleteTarget[],
  io: CliIo,
  notes: CliIo["stdout"],
  purging = false,
): Promise<DeleteTarget[]> {
  const concurrency = client.concurrency;
  const deleted: DeleteTarget[] = [];
  const refused: DeleteTarget[] = [];
  const waiting = [...targets];
  const running = new Map<DeleteTarget, Promise<void>>();
  let failure: unknown;
  let interrupted = false;
  const stopListening = io.onInterrupt?.(() => {
    interrupted = true;
  });
  const progress = io.stderr.isTTY === true && targets.length > 1;
  /** A line of output, with the progress line cleared first and written again after. */
  const say = (text: string) => {
    if (progress) io.stderr.write("\r\x1b[K");
    notes.write(text);
    if (progress) io.stderr.write(`${deleted.length} of ${targets.length} deleted`);
  };
  // A manifest waits while an index that lists it is still to be deleted or being deleted.
  const blocked = (target: DeleteTarget) =>
    [...waiting, ...running.keys()].some(
      (other) => other !== target && other.repository === target.repository && (other.children ?? []).includes(target.digest),
    );
  try {
    while (waiting.length > 0 || running.size > 0) {
      while (failure === undefined && !interrupted && running.size < concurrency) {
        const index = waiting.findIndex((target) => !blocked(target));
        if (index === -1) break;
        const [target] = waiting.splice(index, 1);
        const request = client.deleteManifest(target.repository, target.digest).then(
          () => {
            deleted.push(target);
            say(`Deleted ${describeTarget(target)}\n`);
          },
          (error: unknown) => {
            if (error instanceof RegistryError && error.status === 404) {
              deleted.push(target);
              say(`Already gone: ${describeTarget(target)}\n`);
            } else if (purging && error instanceof RegistryError && error.status === 405) {
              refused.push(target);
              say(`Refused (HTTP 405): ${describeTarget(target)}\n`);
            } else {
              failure ??= error;
            }
          },
        );
        running.set(
          target,
          request.finally(() => running.delete(target)),
        );
      }
      if (running.size === 0) break;
      await Promise.race(running.values());
    }
  } finally {
    stopListening?.();
    if (progress) io.stderr.write("\n");
  }
  // In the plan's order, whatever order the requests finished in.
  const inOrder = targets.filter((target) => deleted.includes(target));
  if (failure === undefined && !interrupted && refused.length === 0) return inOrder;
  const notDeleted = targets.filter((target) => !deleted.includes(target));
  const outcome =
    `${deleted.length === 0 ? "Nothing was deleted." : `${count(deleted.length, "image")} of ${targets.length} deleted.`} ` +
    `Not deleted: ${notDeleted.map(describeTarget).join(", ")}.`;
  if (failure !== undefined && !(failure instanceof RegistryError))
    throw failure instanceof Error ? failure : new Error(errorMessage(failure));
  if (failure instanceof RegistryError)
    throw new RegistryError(`${failure.message.replace(/\.$/, "")}. ${outcome}`, failure.kind, failure.status);
  if (interrupted) throw new Interrupted(`interrupted: ${outcome}`);
  throw new RegistryError(
    `${client.origin} refused to delete ${count(refused.length, "image")} (HTTP 405: locked in ACR, or the registry does not allow deletes); the purge went on. ${outcome}`,
    "unsupported",
    405,
  );
}
