/** `images delete <image>...`: deletes images by tag or digest, after checking every one of them. */
import { defineCommand, EXIT } from "../../cli/shell";
import { RegistryError } from "../errors";
import { deletionConflict, describeConflict } from "../purge";
import type { RegistryClient } from "../registry/client";
import { connect, CONNECTION_OPTIONS } from "./connection";
import { confirm, deleteAll, describeTarget, YES_OPTION, type DeleteTarget } from "./deleting";
import { parseImageReference, type ImageReference } from "./names";
import { writeJson } from "./output";

export const deleteCommand = defineCommand({
  name: "delete",
  arguments: "<image>...",
  usage: "<repository>:<tag>|<repository>@<digest>...",
  summary: "delete images named <repository>:<tag> or <repository>@<digest>",
  description: `Deletes images. A tag is deleted by deleting the manifest it points at, which removes every tag
on that manifest. So <repository>:<tag> is refused when other tags share its manifest (they are
named in the message); delete <repository>@<digest> to remove the manifest with all its tags.
An image that a multi-platform image lists is refused too, as that image would break.
Nothing is deleted until every image named has been found and checked.`,
  options: { yes: YES_OPTION, ...CONNECTION_OPTIONS },
  positionals: { min: 1, max: Infinity, what: "at least one <repository>:<tag> or <repository>@<digest>" },
  async run({ values, positionals }, io) {
    const client = await connect(values, io);
    const references = positionals.map((text) => parseImageReference(text, client));

    // Find and check everything before deleting anything, so a typo in the third name does not
    // leave the first two deleted.
    const targets: DeleteTarget[] = [];
    for (const repository of new Set(references.map((reference) => reference.repository))) {
      const named = references.filter((reference) => reference.repository === repository);
      targets.push(...(await deleteTargets(client, repository, named)));
    }

    const notes = values.json ? io.stderr : io.stdout;
    notes.write(`To delete:\n${targets.map((target) => `  ${describeTarget(target)}\n`).join("")}`);
    if (!(await confirm(io, targets.length, values.yes === true))) {
      io.stderr.write("Nothing was deleted.\n");
      return EXIT.failed;
    }
    const deleted = await deleteAll(client, targets, io, notes);
    if (values.json) writeJson(io, { deleted });
    return EXIT.ok;
  },
});

/**
 * The manifests to delete for the images named in one repository. Throws when one is missing, or
 * when deleting it would take a tag that was not named or break a multi-platform image.
 */
async function deleteTargets(client: RegistryClient, repository: string, named: readonly ImageReference[]): Promise<DeleteTarget[]> {
  const tags = await client.describeTags(repository, await client.listTags(repository), () => false);
  const going = new Set<string>();
  const digests = new Map<string, string>();
  for (const reference of named) {
    if ("tag" in reference) {
      const image = tags.find((facts) => facts.tag === reference.tag);
      if (!image) throw new RegistryError(`${reference.text} not found: ${repository} has no tag ${reference.tag}`, "not-found");
      going.add(image.tag);
      digests.set(image.digest, reference.text);
    } else {
      const onManifest = tags.filter((facts) => facts.digest === reference.digest);
      // An untagged manifest is not in the tag list; make sure it exists before promising to delete it.
      if (onManifest.length === 0) await client.describe(repository, reference.digest, false);
      for (const facts of onManifest) going.add(facts.tag);
      digests.set(reference.digest, reference.text);
    }
  }
  // A multi-platform image goes before the images it lists, so a failure midway cannot leave it broken.
  const listed = new Set(tags.filter((facts) => going.has(facts.tag)).flatMap((facts) => facts.children));
  const ordered = [...digests].sort(([a], [b]) => Number(listed.has(a)) - Number(listed.has(b)));
  return ordered.map(([digest, text]) => {
    const conflict = deletionConflict(digest, going, tags);
    if (conflict) {
      const advice =
        conflict.kind === "tagged" ? ` Deleting removes the manifest and every tag on it; to do that, delete ${repository}@${digest}.` : "";
      throw new Error(`refusing to delete ${text}: ${describeConflict(conflict)}.${advice} Nothing was deleted.`);
    }
    const onManifest = tags.filter((facts) => facts.digest === digest);
    return { repository, digest, tags: onManifest.map((facts) => facts.tag).sort(), children: onManifest[0]?.children ?? [] };
  });
}
