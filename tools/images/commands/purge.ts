/**
 * `images purge`: deletes old tags by filter, as the stack's scheduled `acr purge` does. The
 * planning is pure (../purge); this reads what it needs from the registry, shows the plan, and
 * deletes it.
 */
import { parseDuration, parseFilter, type PurgeFilter } from "../../../components/purge-rules";
import { UsageError } from "../../cli/errors";
import { errorMessage } from "../../common/errors";
import { integerOption } from "../../cli/options";
import { defineCommand, EXIT } from "../../cli/shell";
import { mapConcurrently } from "../concurrency";
import { RegistryError } from "../errors";
import { lockReason, planPurge, planUntagged, type Deletion, type ManifestFacts, type PurgePlan, type UntaggedPlan } from "../purge";
import type { AcrManifest } from "../registry/acr";
import type { RegistryClient } from "../registry/client";
import { MEDIA_TYPES, type TaggedImage } from "../registry/manifests";
import { connect, CONNECTION_OPTIONS } from "./connection";
import { confirm, deleteAll, YES_OPTION, type DeleteTarget } from "./deleting";
import { count, table, writeJson } from "./output";

export const purgeCommand = defineCommand({
  name: "purge",
  usage: "--filter <repository regex>:<tag regex> --ago <duration>",
  summary: "delete old tags by filter, as the stack's scheduled `acr purge` does",
  description: `Deletes old tags the way the stack's scheduled purge (\`acr purge\`) does: in every repository the
filter's repository regex matches, the tags its tag regex matches and whose images were created
longer ago than --ago go, except the newest --keep of them. Filters and ages are read as acr purge
reads them; both regexes must match the whole name. Referrers (signatures, SBOMs) and, on ACR,
locked images are never deleted.`,
  options: {
    filter: {
      type: "string",
      multiple: true,
      value: "<filter>",
      help: "<repository regex>:<tag regex>, such as 'app/.*:pr-.*'; repeatable",
    },
    ago: { type: "string", value: "<duration>", help: "days first, then a Go duration: 30d, 12h, 1d12h, 90m" },
    keep: { type: "string", value: "<n>", help: "how many of the newest tags that would go stay anyway (default 0)" },
    untagged: {
      type: "boolean",
      help:
        "also delete manifests no tag points at, last updated longer ago than\n" +
        "--ago, in the repositories the filters match, but the newest --keep.\n" +
        "Needs ACR's own API to list them; on other registries this only\n" +
        "prints a note",
    },
    "dry-run": { type: "boolean", help: "print what would go; delete nothing" },
    yes: YES_OPTION,
    ...CONNECTION_OPTIONS,
  },
  notes: `Deleting a tag deletes its manifest, and with it every other tag on that manifest. A tag whose
manifest also carries a tag that stays, or that a multi-platform image that stays lists, is
skipped and reported. A tag whose image has no creation time (or a placeholder one such as
1970-01-01, from a reproducible build) is skipped too: its age is unknown. An untagged manifest
that a multi-platform image which stays lists is skipped as well.`,
  positionals: { min: 0, max: 0, what: "no arguments (the filter goes in --filter)" },
  async run({ values }, io) {
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
      // acr purge leaves a locked tag alone (Azure/acr-cli cfbb835, cmd/acr/purge.go getTagsToDelete,
      // without --include-locked). Deleting an image here deletes its manifest too, which a lock on the
      // manifest refuses: tag and manifest attributes are set separately, and either blocks deletion
      // (ACR docs, container-registry-image-lock.md, azure-management-docs d923d588). So a tag whose
      // manifest is locked is left alone as well.
      const tagListing = listing === "unsupported" ? "unsupported" : await client.listAcrTags(repository);
      const locks = new Map(listing === "unsupported" ? [] : listing.map((manifest) => [manifest.digest, lockReason(manifest)]));
      const tagLocks = new Map(tagListing === "unsupported" ? [] : tagListing.map((tag) => [tag.name, lockReason(tag, "the tag")]));
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
      return EXIT.ok;
    }
    if (!(await confirm(io, targets.length, values.yes === true))) {
      io.stderr.write("Nothing was deleted.\n");
      return EXIT.failed;
    }
    const deleted = await deleteAll(client, targets, io, notes, true);
    notes.write(`Deleted ${summary}.\n`);
    if (values.json) writeJson(io, { ...jsonPlan, deleted });
    return EXIT.ok;
  },
});

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

function tagMatcher(filters: readonly PurgeFilter[], repository: string): (tag: string) => boolean {
  // Like acr purge with several --filter: a tag goes when a filter for its repository selects it.
  const applicable = filters.filter((filter) => filter.repository.test(repository));
  return (tag) => applicable.some((filter) => filter.tag.test(tag));
}

/** Runs a parser from purge-rules, turning its Error into a usage error that names the option. */
function checked<T>(option: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new UsageError(`${option}: ${errorMessage(error)}`);
  }
}

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
