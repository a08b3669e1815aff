/**
 * Which images `purge` and `delete` take away, decided without I/O so the rules can be tested on
 * their own.
 *
 * The purge follows `acr purge` (Azure/acr-cli), which the stack's scheduled ACR Task runs: per
 * repository, the tags matching the filter and older than `--ago` are the candidates, and the
 * newest `--keep` of those candidates stay. Two differences come from the OCI Distribution API:
 * a tag's age is its image's creation time (the API has no tag update times), and deleting a tag
 * means deleting its manifest, which takes every other tag on that manifest too. So a candidate
 * whose manifest carries a tag that stays, or is part of a multi-platform image that stays, is
 * skipped and reported instead. As acr purge, it never touches a locked manifest (ACR's
 * `deleteEnabled` or `writeEnabled` false) or a referrer (a manifest with a `subject`: signatures,
 * SBOMs, attestations), which ACR deletes together with the manifest it refers to.
 */
import type { AcrManifest } from "./registry/acr";
import type { TaggedImage } from "./registry/manifests";

/** What the purge needs to know of each tag of a repository. */
export type TagFacts = Pick<TaggedImage, "tag" | "digest" | "created" | "children" | "subject"> & {
  /** Where ACR says its manifest is locked (deleteEnabled or writeEnabled false): why. */
  locked?: string;
};

export interface PurgeCriteria {
  /** Whether the filter selects a tag of this repository. */
  matches: (tag: string) => boolean;
  /** Tags whose images were created before this instant (ms since the epoch) are old enough to go. */
  cutoff: number;
  /** How many of the newest old matching tags stay anyway. */
  keep: number;
}

/** A manifest to delete, with every tag that goes with it. */
export interface Deletion {
  digest: string;
  tags: string[];
  created: string;
  /** For an index, what it lists: deleted after it, if at all. */
  children: string[];
}

/** A matching tag that stays, and why. */
export interface Retention {
  tag: string;
  digest: string;
  reason: string;
}

export interface PurgePlan {
  delete: Deletion[];
  /** Old matching tags kept by `keep`. */
  keep: Retention[];
  /** Matching tags that would be old enough but cannot go. */
  skip: Retention[];
}

/** Why deleting a manifest would take more than what was asked for. */
export interface Conflict {
  /** `tagged`: other tags point at the manifest; `in-index`: a multi-platform image lists it. */
  kind: "tagged" | "in-index";
  /** The other tags, or the tags of the multi-platform images. */
  tags: string[];
}

/**
 * Reproducible builds (ko, Bazel, buildpacks, SOURCE_DATE_EPOCH) stamp images with the epoch,
 * 1980-01-01 or Go's zero time. Such a time says nothing about when the image was made, and
 * taking it at its word would make every such image look ancient.
 */
const PLACEHOLDER_TIMES_UNTIL = Date.parse("1980-01-01T00:00:01Z");

/** An image's creation time in ms, or undefined when it is missing or a placeholder. */
export function creationTime(created: string | undefined): number | undefined {
  const time = created === undefined ? NaN : Date.parse(created);
  return Number.isNaN(time) || time <= PLACEHOLDER_TIMES_UNTIL ? undefined : time;
}

export function planPurge(tags: readonly TagFacts[], criteria: PurgeCriteria): PurgePlan {
  const skip: Retention[] = [];
  const old: Array<{ facts: TagFacts; time: number }> = [];
  for (const facts of tags) {
    if (!criteria.matches(facts.tag)) continue;
    const time = creationTime(facts.created);
    if (time === undefined) {
      skip.push({ tag: facts.tag, digest: facts.digest, reason: "its image has no creation time, so its age is unknown" });
    } else if (time < criteria.cutoff && facts.locked) {
      // acr purge leaves locked tags out before it counts --keep.
      skip.push({ tag: facts.tag, digest: facts.digest, reason: facts.locked });
    } else if (time < criteria.cutoff) {
      old.push({ facts, time });
    }
  }
  // Newest first, as acr purge lists tags; the name breaks ties so a plan is repeatable.
  old.sort((a, b) => b.time - a.time || a.facts.tag.localeCompare(b.facts.tag));

  const keepCount = Math.min(criteria.keep, old.length);
  const keep = old.slice(0, keepCount).map(({ facts }) => ({
    tag: facts.tag,
    digest: facts.digest,
    reason: `${criteria.keep === 1 ? "the newest old tag" : `one of the ${criteria.keep} newest old tags`} (--keep ${criteria.keep})`,
  }));

  const going = new Map(old.slice(keepCount).map(({ facts }) => [facts.tag, facts]));
  // acr purge would take only the tag of a referrer and keep the manifest; deleting the tag here
  // deletes the manifest, so a referrer's tag stays.
  for (const facts of going.values()) {
    if (facts.subject === undefined) continue;
    going.delete(facts.tag);
    skip.push({ tag: facts.tag, digest: facts.digest, reason: referrerReason(facts.subject) });
  }
  // Skipping one tag can make another unsafe (the skipped tag now stays on a shared manifest),
  // so repeat until nothing changes.
  for (let changed = true; changed;) {
    changed = false;
    for (const facts of going.values()) {
      const conflict = deletionConflict(facts.digest, new Set(going.keys()), tags);
      if (conflict) {
        going.delete(facts.tag);
        skip.push({ tag: facts.tag, digest: facts.digest, reason: describeConflict(conflict) });
        changed = true;
      }
    }
  }

  const byDigest = new Map<string, Deletion>();
  for (const { facts, time } of old) {
    if (!going.has(facts.tag)) continue;
    const created = new Date(time).toISOString();
    const deletion = byDigest.get(facts.digest);
    if (deletion) {
      deletion.tags.push(facts.tag);
    } else {
      byDigest.set(facts.digest, { digest: facts.digest, tags: [facts.tag], created, children: facts.children });
    }
  }
  // Oldest first reads naturally in a list of what goes. A multi-platform image goes before the
  // images it lists, so a purge cut short never leaves it pointing at deleted ones.
  const listed = new Set(tags.filter((facts) => going.has(facts.tag)).flatMap((facts) => facts.children));
  const deletions = [...byDigest.values()].reverse().sort((a, b) => Number(listed.has(a.digest)) - Number(listed.has(b.digest)));
  for (const deletion of deletions) deletion.tags.sort();
  skip.sort((a, b) => a.tag.localeCompare(b.tag));
  return { delete: deletions, keep, skip };
}

/**
 * What deleting manifest `digest` would take beyond the tags in `going`: tags that stay on the
 * same manifest, or a multi-platform image that stays and lists it (it would break). Undefined
 * when deleting the manifest removes exactly tags in `going`.
 */
export function deletionConflict(digest: string, going: ReadonlySet<string>, tags: readonly TagFacts[]): Conflict | undefined {
  const staying = tags.filter((facts) => !going.has(facts.tag));
  const sameManifest = staying.filter((facts) => facts.digest === digest).map((facts) => facts.tag);
  if (sameManifest.length > 0) return { kind: "tagged", tags: sameManifest.sort() };
  const parents = staying.filter((facts) => facts.children.includes(digest)).map((facts) => facts.tag);
  if (parents.length > 0) return { kind: "in-index", tags: parents.sort() };
  return undefined;
}

export function describeConflict(conflict: Conflict): string {
  const tags = conflict.tags.join(", ");
  return conflict.kind === "tagged"
    ? `its manifest is also tagged ${tags}, which would go with it`
    : `its manifest is part of the multi-platform image tagged ${tags}, which would break`;
}

/** A referrer stays with the manifest it refers to: ACR deletes it when that one goes. */
function referrerReason(subject: string): string {
  return `it is a referrer (a signature, SBOM or attestation) of ${subject}; acr purge keeps referrers, and ACR deletes them with their subject`;
}

/** Why a manifest (or tag, as `subject`) ACR lists is locked, or undefined. */
export function lockReason(attributes: Pick<AcrManifest, "deleteEnabled" | "writeEnabled">, subject = "it"): string | undefined {
  if (!attributes.deleteEnabled) return `${subject} is locked against deletion (deleteEnabled false)`;
  if (!attributes.writeEnabled) return `${subject} is locked (writeEnabled false), which acr purge leaves alone`;
  return undefined;
}

/** What the untagged purge needs to know of each manifest ACR lists; `children` for indexes, `subject` for referrers. */
export type ManifestFacts = Pick<AcrManifest, "digest" | "mediaType" | "tags" | "lastUpdateTime" | "deleteEnabled" | "writeEnabled"> & {
  children: string[];
  subject?: string;
};

/** An untagged manifest to delete. */
export interface UntaggedDeletion {
  digest: string;
  lastUpdateTime: string;
  /** For an index, what it lists: deleted after it, if at all. */
  children: string[];
}

/** An untagged manifest old enough to go that stays, and why. */
export interface UntaggedRetention {
  digest: string;
  reason: string;
}

export interface UntaggedPlan {
  delete: UntaggedDeletion[];
  /** The newest of those that would go, kept by --keep as acr purge keeps them. */
  keep: UntaggedRetention[];
  skip: UntaggedRetention[];
}

/**
 * The untagged manifests to delete, as `acr purge --untagged` picks them (acr-cli
 * cmd/repository/image_functions.go, GetUntaggedManifests): no tag, last updated before `cutoff`,
 * not locked, not a referrer, with a media type; then the newest `keep` of them stay (acr-cli
 * purgeDanglingManifests). A manifest that a multi-platform image which stays still lists is
 * skipped, as deleting it would break that image. Indexes that stay are the tagged ones not in
 * `goingWithTags` (the manifests the tag purge deletes) and the untagged ones that stay here.
 */
export function planUntagged(
  manifests: readonly ManifestFacts[],
  cutoff: number,
  goingWithTags: ReadonlySet<string>,
  keep = 0,
): UntaggedPlan {
  const skip: UntaggedRetention[] = [];
  const going = new Map<string, UntaggedDeletion>();
  for (const manifest of manifests) {
    if (manifest.tags.length > 0 || goingWithTags.has(manifest.digest)) continue;
    const time = manifest.lastUpdateTime === undefined ? NaN : Date.parse(manifest.lastUpdateTime);
    const locked = lockReason(manifest);
    if (Number.isNaN(time)) {
      skip.push({ digest: manifest.digest, reason: "the registry gives no last update time, so its age is unknown" });
    } else if (time >= cutoff) {
      continue;
    } else if (locked) {
      skip.push({ digest: manifest.digest, reason: locked });
    } else if (manifest.mediaType === undefined) {
      skip.push({ digest: manifest.digest, reason: "the registry gives no media type, so acr purge leaves it" });
    } else if (manifest.subject !== undefined) {
      skip.push({ digest: manifest.digest, reason: referrerReason(manifest.subject) });
    } else {
      going.set(manifest.digest, { digest: manifest.digest, lastUpdateTime: new Date(time).toISOString(), children: manifest.children });
    }
  }
  // A manifest that an index which stays lists stays too, and that can be an index in turn:
  // repeat until nothing changes.
  const keepWhatStayingIndexesList = () => {
    for (let changed = true; changed;) {
      changed = false;
      const staying = manifests.filter((manifest) => !going.has(manifest.digest) && !goingWithTags.has(manifest.digest));
      for (const digest of going.keys()) {
        const parents = staying.filter((manifest) => manifest.children.includes(digest));
        if (parents.length > 0) {
          going.delete(digest);
          skip.push({ digest, reason: `a multi-platform image that stays lists it (${parents.map(describeManifest).sort().join(", ")})` });
          changed = true;
        }
      }
    }
  };
  // As acr-cli: what a staying index lists is left out first, then --keep keeps the newest of the
  // rest (newest first, digest breaking ties, as acr-cli sorts).
  keepWhatStayingIndexesList();
  const kept = [...going.values()]
    .sort((a, b) => b.lastUpdateTime.localeCompare(a.lastUpdateTime) || a.digest.localeCompare(b.digest))
    .slice(0, keep)
    .map((deletion) => {
      going.delete(deletion.digest);
      return {
        digest: deletion.digest,
        reason: `${keep === 1 ? "the newest untagged manifest" : `one of the ${keep} newest untagged manifests`} (--keep ${keep})`,
      };
    });
  // A kept index keeps what it lists (acr-cli would delete those and break it).
  keepWhatStayingIndexesList();
  // Oldest first, but an index before the manifests it lists, so a purge cut short never leaves
  // an index pointing at deleted manifests.
  const listed = new Set(manifests.filter((manifest) => going.has(manifest.digest)).flatMap((manifest) => manifest.children));
  const deletions = [...going.values()].sort(
    (a, b) =>
      Number(listed.has(a.digest)) - Number(listed.has(b.digest)) ||
      a.lastUpdateTime.localeCompare(b.lastUpdateTime) ||
      a.digest.localeCompare(b.digest),
  );
  skip.sort((a, b) => a.digest.localeCompare(b.digest));
  return { delete: deletions, keep: kept, skip };
}

function describeManifest(manifest: ManifestFacts): string {
  return manifest.tags.length > 0 ? `tagged ${[...manifest.tags].sort().join(", ")}` : `untagged ${manifest.digest}`;
}
