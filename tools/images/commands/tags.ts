/** `images tags <repository>`: a repository's tags, newest first, with digest, size and creation time. */
import { defineCommand, EXIT } from "../../cli/shell";
import { connect, CONNECTION_OPTIONS } from "./connection";
import { repositoryName } from "./names";
import { formatSize, newestFirst, table, writeJson } from "./output";

export const tagsCommand = defineCommand({
  name: "tags",
  arguments: "<repository>",
  summary: "a repository's tags, newest first, with digest, size and creation time",
  description: `Lists a repository's tags, newest first: digest, size (config and layers; for a multi-platform
image, all its platforms) and creation time (from the image config). "-" where the registry does
not tell.`,
  options: CONNECTION_OPTIONS,
  positionals: { min: 1, max: 1, what: "a repository" },
  async run({ values, positionals }, io) {
    const client = await connect(values, io);
    const repository = repositoryName(positionals[0], client);
    const images = newestFirst(await client.describeTags(repository, await client.listTags(repository)));
    if (values.json) {
      writeJson(
        io,
        images.map((image) => ({
          repository,
          tag: image.tag,
          digest: image.digest,
          mediaType: image.mediaType,
          size: image.size ?? null,
          created: image.created ?? null,
        })),
      );
    } else if (images.length === 0) {
      io.stderr.write(`No tags in ${repository}.\n`);
    } else {
      io.stdout.write(
        table([
          ["TAG", "DIGEST", "SIZE", "CREATED"],
          ...images.map((image) => [image.tag, image.digest, formatSize(image.size), image.created ?? "-"]),
        ]),
      );
    }
    return EXIT.ok;
  },
});
