/**
 * `npm run images -- <command> [options]`: list, inspect and delete images in a container
 * registry over the OCI Distribution API. `main` takes its streams and environment as arguments
 * so tests run it in-process.
 */
import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { parseArgs } from "node:util";
import { parseDuration, parseFilter, type PurgeFilter } from "../../components/purge-rules";
import { errorLike, errorMessage } from "../cli/errors";
import { readAll, readLine } from "../cli/io";
import type { Credentials } from "./auth/session";
import { mapConcurrently } from "./concurrency";
import { RegistryError } from "./errors";
import type { AcrManifest } from "./registry/acr";
import { RegistryClient } from "./registry/client";
import { MEDIA_TYPES, type TaggedImage } from "./registry/manifests";
import {
  deletionConflict,
  describeConflict,
  lockReason,
  planPurge,
  planUntagged,
  type Deletion,
  type ManifestFacts,
  type PurgePlan,
  type UntaggedPlan,
} from "./purge";
import { signIn, SignInUsageError } from "./auth/sign-in";

export interface CliIo {
  stdout: { write(text: string): unknown };
  /** On a terminal (`isTTY`), long deletions show their progress here. */
  stderr: { write(text: string): unknown; isTTY?: boolean };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: Record<string, string | undefined>;
  /** Where `~/.docker/config.json` is looked for; tests leave it out, so no real Docker config is read. */
  homeDir?: string;
  /** Calls `handler` on Ctrl-C (SIGINT) until the returned function is called. */
  onInterrupt?: (handler: () => void) => () => void;
}

/** Ctrl-C during deletions: the requests in flight finished, the rest were not sent. Exit code 130, as a shell gives. */
class Interrupted extends Error {}

/** Wrong arguments: exit code 2 and a pointer to the help. */
class UsageError extends Error {}

const TOOL = "npm run images --";

const CONNECTION_OPTIONS = {
  registry: { type: "string" },
  username: { type: "string" },
  "password-stdin": { type: "boolean" },
  "access-token-stdin": { type: "boolean" },
  "stack-outputs": { type: "string" },
  "page-size": { type: "string" },
  concurrency: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

type ConnectionValues = {
  registry?: string;
  username?: string;
  "password-stdin"?: boolean;
  "access-token-stdin"?: boolean;
  "stack-outputs"?: string;
  "page-size"?: string;
  concurrency?: string;
};

const CONNECTION_HELP = `Where and as whom:
  --registry <server>     a login server such as myreg.azurecr.io (spoken to over https), or a
                          URL with its scheme such as http://127.0.0.1:5000   [env REGISTRY]
  --username <name>       [env REGISTRY_USERNAME]
  --password-stdin        read the password from stdin   [env REGISTRY_PASSWORD]
  --access-token-stdin    ACR only: read a Microsoft Entra access token for
                          https://containerregistry.azure.net from stdin, and sign in with it
  --stack-outputs <file>  the JSON of \`pulumi stack output --json --show-secrets\` (- for stdin):
                          loginServer, and servicePrincipalClientId/-Secret or
                          adminUsername/adminPassword (the service principal wins when both are there)
  Credentials come from the first of: the flags; --stack-outputs; REGISTRY_USERNAME and
  REGISTRY_PASSWORD; the Docker config ($DOCKER_CONFIG/config.json or ~/.docker/config.json:
  credHelpers, auths, credsStore, as \`docker login\` and \`az acr login\` leave it); for ACR,
  Entra ID (DefaultAzureCredential: environment, workload identity, managed identity, Azure CLI).
  Without any, the registry is used anonymously. Where the tool found credentials itself, a note
  on stderr says which it signed in with.

Output:
  --json                  print JSON on stdout (prompts and notes go to stderr)
  --page-size <n>         repositories, tags or manifests asked for per request (default 100); all
                          pages are read
  --concurrency <n>       requests in flight at once, reads and deletes (default 8, at most 32);
                          a throttled registry's Retry-After is waited for, 502/503/504 retried
  -h, --help              this help`;

const TOOL_HELP = `Usage: ${TOOL} <command> [options]

Lists and deletes images in Azure Container Registry, or any registry that speaks the OCI
Distribution API.

Commands:
  list                  the registry's repositories
  tags <repository>     a repository's tags, newest first, with digest, size and creation time
  delete <image>...     delete images named <repository>:<tag> or <repository>@<digest>
  purge                 delete old tags by filter, as the stack's scheduled \`acr purge\` does

Run \`${TOOL} <command> --help\` for a command's options.

${CONNECTION_HELP}

Examples:
  pulumi stack output --json --show-secrets > outputs.json
  ${TOOL} list --stack-outputs outputs.json
  ${TOOL} tags app/web --stack-outputs outputs.json
  ${TOOL} purge --stack-outputs outputs.json --filter 'app/.*:pr-.*' --ago 30d --keep 5 --dry-run
`;

const LIST_HELP = `Usage: ${TOOL} list [options]

Lists the registry's repositories, one a line.

${CONNECTION_HELP}
`;

const TAGS_HELP = `Usage: ${TOOL} tags <repository> [options]

Lists a repository's tags, newest first: digest, size (config and layers; for a multi-platform
image, all its platforms) and creation time (from the image config). "-" where the registry does
not tell.

${CONNECTION_HELP}
`;

const DELETE_HELP = `Usage: ${TOOL} delete <repository>:<tag>|<repository>@<digest>... [options]

Deletes images. A tag is deleted by deleting the manifest it points at, which removes every tag
on that manifest. So <repository>:<tag> is refused when other tags share its manifest (they are
named in the message); delete <repository>@<digest> to remove the manifest with all its tags.
An image that a multi-platform image lists is refused too, as that image would break.
Nothing is deleted until every image named has been found and checked.

Options:
  --yes                   delete without asking; needed when stdin is not a terminal

${CONNECTION_HELP}
`;

const PURGE_HELP = `Usage: ${TOOL} purge --filter <repository regex>:<tag regex> --ago <duration> [options]

Deletes old tags the way the stack's scheduled purge (\`acr purge\`) does: in every repository the
filter's repository regex matches, the tags its tag regex matches and whose images were created
longer ago than --ago go, except the newest --keep of them. Filters and ages are read as acr purge
reads them; both regexes must match the whole name. Referrers (signatures, SBOMs) and, on ACR,
locked images are never deleted.

Options:
  --filter <filter>       <repository regex>:<tag regex>, such as 'app/.*:pr-.*'; repeatable
  --ago <duration>        days first, then a Go duration: 30d, 12h, 1d12h, 90m
  --keep <n>              how many of the newest tags that would go stay anyway (default 0)
  --untagged              also delete manifests no tag points at, last updated longer ago than
                          --ago, in the repositories the filters match, but the newest --keep.
                          Needs ACR's own API to list them; on other registries this only
                          prints a note
  --dry-run               print what would go; delete nothing
  --yes                   delete without asking; needed when stdin is not a terminal

Deleting a tag deletes its manifest, and with it every other tag on that manifest. A tag whose
manifest also carries a tag that stays, or that a multi-platform image that stays lists, is
skipped and reported. A tag whose image has no creation time (or a placeholder one such as
1970-01-01, from a reproducible build) is skipped too: its age is unknown. An untagged manifest
that a multi-platform image which stays lists is skipped as well.

${CONNECTION_HELP}
`;

interface Command {
  help: string;
  run(args: string[], io: CliIo): Promise<number>;
}

const COMMANDS: Record<string, Command> = {
  list: { help: LIST_HELP, run: listCommand },
  tags: { help: TAGS_HELP, run: tagsCommand },
  delete: { help: DELETE_HELP, run: deleteCommand },
  purge: { help: PURGE_HELP, run: purgeCommand },
};

export async function main(args: string[], io: CliIo = processIo()): Promise<number> {
  const [name, ...rest] = args;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    const topic = name === "help" && rest[0] !== undefined && Object.hasOwn(COMMANDS, rest[0]) ? COMMANDS[rest[0]].help : TOOL_HELP;
    (name === undefined ? io.stderr : io.stdout).write(topic);
    return name === undefined ? 2 : 0;
  }
  if (!Object.hasOwn(COMMANDS, name)) {
    io.stderr.write(
      `images: unknown command ${JSON.stringify(name)}; commands are ${Object.keys(COMMANDS).join(", ")}. Run \`${TOOL} --help\`.\n`,
    );
    return 2;
  }
  const command = COMMANDS[name];
  const optionArgs = rest.includes("--") ? rest.slice(0, rest.indexOf("--")) : rest;
  if (optionArgs.includes("--help") || optionArgs.includes("-h")) {
    io.stdout.write(command.help);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    return report(error, name, io);
  }
}

function report(error: unknown, command: string, io: CliIo): number {
  if (error instanceof Interrupted) {
    io.stderr.write(`images ${command}: ${error.message}\n`);
    return 130;
  }
  if (error instanceof UsageError || isParseArgsError(error)) {
    io.stderr.write(`images ${command}: ${errorMessage(error)}\nRun \`${TOOL} ${command} --help\` for usage.\n`);
    return 2;
  }
  io.stderr.write(`images ${command}: ${errorMessage(error)}\n`);
  const hint = error instanceof RegistryError ? HINTS[error.kind] : undefined;
  if (hint) io.stderr.write(`${hint}\n`);
  return 1;
}

const HINTS: Partial<Record<RegistryError["kind"], string>> = {
  "needs-credentials":
    "Give credentials with --username and --password-stdin, REGISTRY_USERNAME and REGISTRY_PASSWORD, --stack-outputs, or `docker login`; " +
    "for ACR, sign in to Azure (`az login`, a managed or workload identity) or pipe an Entra access token to --access-token-stdin.",
  unauthorized:
    "Check the user name and password: for ACR, the admin user and its password, or a service principal's client ID and secret.",
  unsupported:
    "The registry does not allow deletes: the CNCF Distribution registry needs storage.delete.enabled: true; in ACR a locked image or repository (deleteEnabled false) refuses them.",
};

function isParseArgsError(error: unknown): boolean {
  const { code } = errorLike(error);
  return typeof code === "string" && code.startsWith("ERR_PARSE_ARGS");
}

function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    homeDir: homedir(),
    onInterrupt: (handler) => {
      // The first Ctrl-C lets the requests in flight finish; a second one does not wait.
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

// ---------------------------------------------------------------------------------------------
// Commands

async function listCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: CONNECTION_OPTIONS, allowPositionals: true });
  expectPositionals(positionals, 0, 0, "no arguments");
  const client = await connect(values, io);
  const repositories = await client.listRepositories();
  if (values.json) {
    writeJson(io, repositories);
  } else if (repositories.length === 0) {
    io.stderr.write("No repositories.\n");
  } else {
    io.stdout.write(repositories.map((name) => `${name}\n`).join(""));
  }
  return 0;
}

async function tagsCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: CONNECTION_OPTIONS, allowPositionals: true });
  expectPositionals(positionals, 1, 1, "a repository");
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
  return 0;
}

interface DeleteTarget {
  repository: string;
  digest: string;
  /** Every tag on the manifest: all of them go. */
  tags: string[];
  /** For an index, the manifests it lists: those of them being deleted wait until it is gone. */
  children?: string[];
}

async function deleteCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { ...CONNECTION_OPTIONS, yes: { type: "boolean" } },
    allowPositionals: true,
  });
  expectPositionals(positionals, 1, Infinity, "at least one <repository>:<tag> or <repository>@<digest>");
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
    return 1;
  }
  const deleted = await deleteAll(client, targets, io, notes);
  if (values.json) writeJson(io, { deleted });
  return 0;
}

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

async function purgeCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      ...CONNECTION_OPTIONS,
      filter: { type: "string", multiple: true },
      ago: { type: "string" },
      keep: { type: "string" },
      untagged: { type: "boolean" },
      "dry-run": { type: "boolean" },
      yes: { type: "boolean" },
    },
    allowPositionals: true,
  });
  expectPositionals(positionals, 0, 0, "no arguments (the filter goes in --filter)");
  if (!values.filter?.length) throw new UsageError("--filter <repository regex>:<tag regex> is required");
  const agoText = values.ago;
  if (agoText === undefined) throw new UsageError("--ago <duration> is required, such as 30d");
  const filters = values.filter.map((text) => checked("--filter", () => parseFilter(text)));
  const ago = checked("--ago", () => parseDuration(agoText));
  const keep = integerOption(values.keep, "--keep", 0) ?? 0;
  const dryRun = values["dry-run"] === true;
  const cutoff = Date.now() - ago;
  const client = await connect(values, io);
  const notes = values.json ? io.stderr : io.stdout;

  const repositories = (await client.listRepositories()).filter((name) => filters.some((filter) => filter.repository.test(name)));
  const plans: RepositoryPlan[] = [];
  const vanished: string[] = [];
  // ACR's manifest listing says which manifests are locked (for the tag purge too) and which have
  // no tag. A registry either serves ACR's API or not: after one "unsupported" the others are not asked.
  let acrListing = true;
  for (const repository of repositories) {
    const matches = tagMatcher(filters, repository);
    let tagNames: string[];
    try {
      tagNames = await client.listTags(repository);
    } catch (error) {
      // As acr purge: a repository deleted since the catalog was read is reported, and the purge goes on.
      if (error instanceof RegistryError && error.kind === "not-found") {
        vanished.push(repository);
        continue;
      }
      throw error;
    }
    const listing = acrListing ? await client.listAcrManifests(repository) : "unsupported";
    if (listing === "unsupported") acrListing = false;
    // acr purge leaves a tag alone when the tag or its manifest is locked (acr-cli getTagsToDelete).
    const tagListing = listing === "unsupported" ? "unsupported" : await client.listAcrTags(repository);
    const locks = new Map(listing === "unsupported" ? [] : listing.map((manifest) => [manifest.digest, lockReason(manifest)]));
    const tagLocks = new Map(
      tagListing === "unsupported"
        ? []
        : tagListing.map((tag) => [tag.name, lockReason(tag)?.replace("it is locked", "the tag is locked")]),
    );
    const described = await client.describeTags(repository, tagNames, matches);
    const tags = described.map((image) => {
      const locked = tagLocks.get(image.tag) ?? locks.get(image.digest);
      return { ...image, ...(locked ? { locked } : {}) };
    });
    const plan = planPurge(tags, { matches, cutoff, keep });
    const untagged =
      values.untagged !== true || listing === "unsupported"
        ? undefined
        : await untaggedPlan(client, repository, listing, tags, plan, cutoff, keep);
    plans.push({ repository, plan, untagged });
  }
  for (const repository of vanished) notes.write(`${repository}: the repository is gone (its tags answer 404); skipped.\n`);
  const untaggedListable = acrListing;
  if (values.untagged && !untaggedListable) {
    io.stderr.write(
      "Note: --untagged: this registry does not serve ACR's API for listing manifests, and the OCI Distribution API cannot list " +
        "manifests without tags, so none are looked for. The manifests of the tags purged here are deleted in any case.\n",
    );
  }

  const tagTargets: PurgeTarget[] = plans.flatMap(({ repository, plan }) => plan.delete.map((deletion) => ({ repository, ...deletion })));
  const untaggedTargets: PurgeTarget[] = plans.flatMap(({ repository, untagged }) =>
    (untagged?.delete ?? []).map((deletion) => ({ repository, tags: [], ...deletion })),
  );
  // Tagged manifests first: an index the tag purge deletes may list untagged manifests that go too.
  const targets = [...tagTargets, ...untaggedTargets];
  const tagCount = tagTargets.reduce((sum, target) => sum + target.tags.length, 0);
  const repositoryCount = new Set(targets.map((target) => target.repository)).size;
  const untaggedSummary = untaggedTargets.length > 0 ? ` and ${count(untaggedTargets.length, "untagged manifest")}` : "";
  const summary =
    `${count(tagCount, "tag")} (${count(tagTargets.length, "image")})${untaggedSummary} ` +
    `in ${count(repositoryCount, "repository", "repositories")}`;
  const jsonPlan = {
    dryRun,
    filters: filters.map((filter) => filter.text),
    ago: agoText,
    keep,
    cutoff: new Date(cutoff).toISOString(),
    repositories: plans.map(({ repository, plan, untagged }) => ({
      repository,
      ...plan,
      // Present with --untagged only; null where the registry cannot list untagged manifests.
      ...(values.untagged ? { untagged: untagged ?? null } : {}),
    })),
  };

  if (dryRun) notes.write("Dry run: nothing is deleted.\n");
  if (repositories.length === 0) notes.write(`No repository matches ${filters.map((filter) => filter.text).join(" or ")}.\n`);
  notes.write(plans.map(({ repository, plan, untagged }) => formatPlan(repository, plan, untagged)).join(""));
  if (targets.length === 0 || dryRun) {
    notes.write(targets.length === 0 ? "Nothing to delete.\n" : `Would delete ${summary}.\n`);
    if (values.json) writeJson(io, { ...jsonPlan, deleted: [] });
    return 0;
  }
  if (!(await confirm(io, targets.length, values.yes === true))) {
    io.stderr.write("Nothing was deleted.\n");
    return 1;
  }
  const deleted = await deleteAll(client, targets, io, notes, true);
  notes.write(`Deleted ${summary}.\n`);
  if (values.json) writeJson(io, { ...jsonPlan, deleted });
  return 0;
}

interface RepositoryPlan {
  repository: string;
  plan: PurgePlan;
  /** With --untagged where the registry can list untagged manifests. */
  untagged?: UntaggedPlan;
}

type PurgeTarget = DeleteTarget & ({ created: string } | { lastUpdateTime: string });

/** Manifests that can list others or refer to one (acr-cli reads these: OCI image manifest, index, artifact manifest), and Docker lists. */
const OCI_MEDIA_TYPES: ReadonlySet<string> = new Set([
  MEDIA_TYPES.ociIndex,
  MEDIA_TYPES.dockerList,
  MEDIA_TYPES.ociManifest,
  "application/vnd.oci.artifact.manifest.v1+json",
]);

/**
 * Which untagged manifests of a repository go. Indexes that stay must keep what they list, so
 * the children of every index are needed: tagged ones are known from the tag purge, untagged ones
 * are read here (only those ACR says are indexes, or does not say what they are).
 */
async function untaggedPlan(
  client: RegistryClient,
  repository: string,
  listing: readonly AcrManifest[],
  tags: readonly TaggedImage[],
  plan: PurgePlan,
  cutoff: number,
  keep: number,
): Promise<UntaggedPlan> {
  const tagged = new Map(tags.map((image) => [image.digest, image]));
  const facts: ManifestFacts[] = await mapConcurrently(listing, client.concurrency, async (manifest) => {
    const known = tagged.get(manifest.digest);
    if (known) return { ...manifest, children: known.children, ...(known.subject ? { subject: known.subject } : {}) };
    // OCI manifests can be referrers and indexes list others: read those, as acr purge does.
    const mayMatter = manifest.mediaType === undefined || OCI_MEDIA_TYPES.has(manifest.mediaType);
    if (!mayMatter) return { ...manifest, children: [] };
    const { children, subject } = await client.describe(repository, manifest.digest, false);
    return { ...manifest, children, ...(subject ? { subject } : {}) };
  });
  return planUntagged(facts, cutoff, new Set(plan.delete.map((deletion) => deletion.digest)), keep);
}

// ---------------------------------------------------------------------------------------------
// Connection

async function connect(values: ConnectionValues, io: CliIo): Promise<RegistryClient> {
  const stdinSecret = values["password-stdin"] ? "the password" : values["access-token-stdin"] ? "the access token" : undefined;
  if (stdinSecret && values["stack-outputs"] === "-") {
    throw new UsageError(`stdin can carry ${stdinSecret} or the stack outputs, not both`);
  }
  const outputs = values["stack-outputs"] === undefined ? undefined : await readStackOutputs(values["stack-outputs"], io);
  const server = values.registry ?? outputs?.loginServer ?? io.env.REGISTRY;
  if (!server) {
    throw new UsageError(
      values["stack-outputs"] === undefined
        ? "which registry? Give --registry <login server or URL>, --stack-outputs, or set REGISTRY"
        : `the stack outputs in ${values["stack-outputs"]} have no loginServer; give --registry`,
    );
  }
  const url = registryUrl(server);
  return new RegistryClient({
    url,
    credentials: await credentials(values, outputs, io, url),
    pageSize: integerOption(values["page-size"], "--page-size", 1),
    concurrency: concurrencyOption(values.concurrency),
  });
}

/** A login server gets https; a URL keeps its scheme. Only scheme, host and port are allowed. */
function registryUrl(server: string): URL {
  const text = /^[a-z][a-z0-9+.-]*:\/\//i.test(server) ? server : `https://${server}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`${JSON.stringify(server)} is not a login server or URL`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new UsageError(`${JSON.stringify(server)}: a registry is spoken to over https or http`);
  }
  if (url.pathname !== "/" || url.search || url.hash || url.username || url.password) {
    throw new UsageError(`${JSON.stringify(server)}: give only the server, such as myreg.azurecr.io or http://127.0.0.1:5000`);
  }
  return new URL(url.origin);
}

/** The order of sources and how each is read are in ./sign-in. */
async function credentials(
  values: ConnectionValues,
  outputs: StackOutputs | undefined,
  io: CliIo,
  url: URL,
): Promise<Credentials | undefined> {
  const request = {
    url,
    username: values.username,
    passwordStdin: values["password-stdin"],
    accessTokenStdin: values["access-token-stdin"],
    // The stack's credentials are for the stack's registry: never sent to another one named by --registry.
    stackOutputs:
      outputs?.loginServer === undefined || registryUrl(outputs.loginServer).host === url.host ? outputs?.credentials : undefined,
  };
  try {
    return await signIn(request, io);
  } catch (error) {
    if (error instanceof SignInUsageError) throw new UsageError(error.message);
    throw error;
  }
}

interface StackOutputs {
  loginServer?: string;
  credentials?: Credentials;
}

/** Reads `pulumi stack output --json --show-secrets`; the service principal wins over the admin user. */
async function readStackOutputs(source: string, io: CliIo): Promise<StackOutputs> {
  const where = source === "-" ? "stdin" : source;
  let text: string;
  try {
    text = source === "-" ? await readAll(io.stdin) : await readFile(source, "utf8");
  } catch (error) {
    throw new UsageError(`cannot read --stack-outputs ${where}: ${errorMessage(error)}`);
  }
  let outputs: unknown;
  try {
    outputs = JSON.parse(text);
  } catch {
    throw new UsageError(`--stack-outputs ${where} is not JSON; write it with \`pulumi stack output --json --show-secrets\``);
  }
  if (typeof outputs !== "object" || outputs === null || Array.isArray(outputs)) {
    throw new UsageError(`--stack-outputs ${where} is not a JSON object of stack outputs`);
  }
  const read = (key: string): string | undefined => {
    const value = (outputs as Record<string, unknown>)[key];
    if (value === "[secret]") {
      throw new UsageError(`--stack-outputs ${where} hides ${key}; write it with \`pulumi stack output --json --show-secrets\``);
    }
    return typeof value === "string" && value !== "" ? value : undefined;
  };
  const pairs: Array<[string, string]> = [
    ["servicePrincipalClientId", "servicePrincipalClientSecret"],
    ["adminUsername", "adminPassword"],
  ];
  for (const [userKey, passwordKey] of pairs) {
    const username = read(userKey);
    const password = read(passwordKey);
    if (username && password) return { loginServer: read("loginServer"), credentials: { username, password } };
  }
  return { loginServer: read("loginServer") };
}

// ---------------------------------------------------------------------------------------------
// Names

/** The Distribution spec's repository name grammar. */
const REPOSITORY_NAME = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const TAG_NAME = /^\w[\w.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

/** An image as the user named it: `<repository>:<tag>` or `<repository>@<digest>`. */
type ImageReference = { text: string; repository: string } & ({ tag: string } | { digest: string });

/** Also takes names with the registry in front (myreg.azurecr.io/app:v1), as `docker` shows them. */
function repositoryName(text: string, client: RegistryClient): string {
  const host = new URL(client.origin).host;
  const name = text.startsWith(`${host}/`) ? text.slice(host.length + 1) : text;
  if (!REPOSITORY_NAME.test(name)) {
    throw new UsageError(`${JSON.stringify(text)} is not a repository name (lowercase letters, digits, . _ - and /)`);
  }
  return name;
}

function parseImageReference(text: string, client: RegistryClient): ImageReference {
  const at = text.indexOf("@");
  if (at >= 0) {
    const digest = text.slice(at + 1);
    if (!DIGEST.test(digest)) throw new UsageError(`${JSON.stringify(text)}: ${JSON.stringify(digest)} is not a digest such as sha256:…`);
    return { text, repository: repositoryName(text.slice(0, at), client), digest };
  }
  const colon = text.lastIndexOf(":");
  if (colon < 0 || text.indexOf("/", colon) >= 0) {
    throw new UsageError(`${JSON.stringify(text)}: name a tag or a digest, such as ${text}:v1 or ${text}@sha256:…`);
  }
  const tag = text.slice(colon + 1);
  if (!TAG_NAME.test(tag)) throw new UsageError(`${JSON.stringify(text)}: ${JSON.stringify(tag)} is not a tag`);
  return { text, repository: repositoryName(text.slice(0, colon), client), tag };
}

function tagMatcher(filters: readonly PurgeFilter[], repository: string): (tag: string) => boolean {
  // Like acr purge with several --filter: a tag goes when a filter for its repository selects it.
  const applicable = filters.filter((filter) => filter.repository.test(repository));
  return (tag) => applicable.some((filter) => filter.tag.test(tag));
}

// ---------------------------------------------------------------------------------------------
// Deleting

/** Asks "Delete N images? [y/N]" on a terminal; refuses without one unless --yes was given. */
async function confirm(io: CliIo, images: number, yes: boolean): Promise<boolean> {
  if (yes) return true;
  if (!io.stdin.isTTY) {
    throw new Error(`stdin is not a terminal to confirm on; add --yes to delete ${count(images, "image")}. Nothing was deleted.`);
  }
  io.stderr.write(`Delete ${count(images, "image")}? [y/N] `);
  const answer = await readLine(io.stdin);
  return /^\s*y(es)?\s*$/i.test(answer ?? "");
}

/** acr purge allows up to 32 requests in flight ("the max number of parallel delete requests recommended by ACR server"). */
const MAX_CONCURRENCY = 32;

function concurrencyOption(text: string | undefined): number | undefined {
  const value = integerOption(text, "--concurrency", 1);
  if (value !== undefined && value > MAX_CONCURRENCY)
    throw new UsageError(`--concurrency ${value}: at most ${MAX_CONCURRENCY}, as acr purge allows`);
  return value;
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
async function deleteAll(
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

function describeTarget(target: DeleteTarget): string {
  const tags = target.tags.length > 0 ? ` (${target.tags.length === 1 ? "tag" : "tags"} ${target.tags.join(", ")})` : " (untagged)";
  return `${target.repository}@${target.digest}${tags}`;
}

// ---------------------------------------------------------------------------------------------
// Output

function formatPlan(repository: string, plan: PurgePlan, untagged?: UntaggedPlan): string {
  const rows = [
    ...plan.delete.map((deletion: Deletion) => ["delete", deletion.tags.join(", "), `${deletion.digest}  created ${deletion.created}`]),
    ...(untagged?.delete ?? []).map((deletion) => ["delete", UNTAGGED, `${deletion.digest}  last updated ${deletion.lastUpdateTime}`]),
    ...plan.keep.map((kept) => ["keep", kept.tag, kept.reason]),
    ...(untagged?.keep ?? []).map((kept) => ["keep", UNTAGGED, `${kept.digest}  ${kept.reason}`]),
    ...plan.skip.map((skipped) => ["skip", skipped.tag, skipped.reason]),
    ...(untagged?.skip ?? []).map((skipped) => ["skip", UNTAGGED, `${skipped.digest}  ${skipped.reason}`]),
  ];
  if (rows.length === 0) return "";
  return `${repository}\n${table(rows, "  ")}`;
}

/** Stands in the tag column of a purge plan for a manifest without tags. */
const UNTAGGED = "<untagged>";

function newestFirst(images: TaggedImage[]): TaggedImage[] {
  return [...images].sort((a, b) => (b.created ?? "").localeCompare(a.created ?? "") || a.tag.localeCompare(b.tag));
}

/** Left-aligned columns two spaces apart; the last column is not padded. */
function table(rows: string[][], indent = ""): string {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows
    .map((row) => indent + row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]))).join("  "))
    .join("\n")
    .concat("\n");
}

/** Decimal units, as `docker images` shows sizes. */
function formatSize(bytes: number | undefined): string {
  if (bytes === undefined) return "-";
  const units = ["B", "kB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}

function writeJson(io: CliIo, value: unknown): void {
  // `children` orders deletions (an index before what it lists); it is not part of the JSON report.
  io.stdout.write(`${JSON.stringify(value, (key, item: unknown) => (key === "children" ? undefined : item), 2)}\n`);
}

// ---------------------------------------------------------------------------------------------
// Arguments and input

function expectPositionals(positionals: string[], min: number, max: number, what: string): void {
  if (positionals.length < min || positionals.length > max) {
    throw new UsageError(
      `expected ${what}, got ${positionals.length === 0 ? "none" : positionals.map((p) => JSON.stringify(p)).join(" ")}`,
    );
  }
}

function integerOption(text: string | undefined, option: string, min: number): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < min || !Number.isSafeInteger(Number(text))) {
    throw new UsageError(`${option} ${JSON.stringify(text)} is not a whole number of at least ${min}`);
  }
  return Number(text);
}

/** Runs a parser from purge-rules, turning its Error into a usage error that names the option. */
function checked<T>(option: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new UsageError(`${option}: ${errorMessage(error)}`);
  }
}
