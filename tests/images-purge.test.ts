/** The purge's selection rules, without a registry. */
import { creationTime, deletionConflict, planPurge, planUntagged, type ManifestFacts, type TagFacts } from "../tools/images/purge";

const NOW = Date.parse("2025-06-01T00:00:00Z");
const DAY = 86_400_000;

function tag(name: string, ageDays: number | undefined, digest = `sha256:${name}`, children: string[] = []): TagFacts {
  return { tag: name, digest, created: ageDays === undefined ? undefined : new Date(NOW - ageDays * DAY).toISOString(), children };
}

function criteria(keep: number, agoDays = 30, pattern = /^v.*$/) {
  return { matches: (name: string) => pattern.test(name), cutoff: NOW - agoDays * DAY, keep };
}

const deletedTags = (plan: ReturnType<typeof planPurge>): string[] => plan.delete.flatMap((deletion) => deletion.tags).sort();

describe("planPurge", () => {
  const tags = [tag("v1", 90), tag("v2", 80), tag("v3", 70), tag("v4", 60), tag("v5", 10), tag("latest", 100)];

  it("deletes the matching tags older than ago, and nothing else", () => {
    const plan = planPurge(tags, criteria(0));
    expect(deletedTags(plan)).toEqual(["v1", "v2", "v3", "v4"]);
    expect(plan.keep).toEqual([]);
    expect(plan.skip).toEqual([]);
  });

  it("keeps the newest `keep` of the tags that would go, as acr purge does", () => {
    const plan = planPurge(tags, criteria(2));
    expect(deletedTags(plan)).toEqual(["v1", "v2"]);
    expect(plan.keep.map((kept) => kept.tag)).toEqual(["v4", "v3"]);
    expect(plan.keep[0].reason).toContain("--keep 2");
  });

  it("keeps everything old when keep is at least their number", () => {
    expect(planPurge(tags, criteria(10)).delete).toEqual([]);
  });

  it("lists deletions oldest first, with their creation time", () => {
    const plan = planPurge(tags, criteria(0));
    expect(plan.delete.map((deletion) => deletion.tags[0])).toEqual(["v1", "v2", "v3", "v4"]);
    expect(plan.delete[0].created).toBe(new Date(NOW - 90 * DAY).toISOString());
  });

  it("skips tags without a creation time, or with a reproducible-build placeholder", () => {
    const plan = planPurge(
      [tag("v1", 90), tag("v2", undefined), { tag: "v3", digest: "sha256:v3", created: "1970-01-01T00:00:00Z", children: [] }],
      criteria(0),
    );
    expect(deletedTags(plan)).toEqual(["v1"]);
    expect(plan.skip.map((skipped) => skipped.tag)).toEqual(["v2", "v3"]);
    expect(plan.skip[0].reason).toContain("no creation time");
  });

  it("never plans a locked manifest's tag, and leaves it out before counting keep, as acr purge does", () => {
    const locked = { ...tag("v4", 60), locked: "it is locked against deletion (deleteEnabled false)" };
    const plan = planPurge([tag("v1", 90), tag("v2", 80), tag("v3", 70), locked], criteria(1));
    expect(deletedTags(plan)).toEqual(["v1", "v2"]);
    expect(plan.keep.map((kept) => kept.tag)).toEqual(["v3"]);
    expect(plan.skip).toEqual([{ tag: "v4", digest: "sha256:v4", reason: "it is locked against deletion (deleteEnabled false)" }]);
  });

  it("keeps a referrer's tag (a signature or SBOM of an image): deleting the tag would delete the referrer", () => {
    const plan = planPurge([tag("v1", 90), { ...tag("v1-sig", 90), subject: "sha256:v1" }], criteria(0, 30, /^v1.*$/));
    expect(deletedTags(plan)).toEqual(["v1"]);
    expect(plan.skip[0]).toMatchObject({ tag: "v1-sig", reason: expect.stringContaining("it is a referrer") });
  });

  it("skips a tag whose manifest also carries a tag that stays, and says which", () => {
    const plan = planPurge([tag("v1", 90, "sha256:shared"), tag("stable", 90, "sha256:shared"), tag("v2", 80)], criteria(0));
    expect(deletedTags(plan)).toEqual(["v2"]);
    expect(plan.skip).toEqual([
      { tag: "v1", digest: "sha256:shared", reason: "its manifest is also tagged stable, which would go with it" },
    ]);
  });

  it("deletes a shared manifest once when all its tags go", () => {
    const plan = planPurge([tag("v1", 90, "sha256:shared"), tag("v1.0", 90, "sha256:shared")], criteria(0));
    expect(plan.delete).toEqual([
      { digest: "sha256:shared", tags: ["v1", "v1.0"], created: new Date(NOW - 90 * DAY).toISOString(), children: [] },
    ]);
  });

  it("skips a tag that shares its manifest with one kept by keep", () => {
    // v2 is the newest old tag and kept; v1b points at the same manifest and must stay with it.
    const plan = planPurge([tag("v1", 90), tag("v2", 80, "sha256:two"), tag("v1b", 85, "sha256:two")], criteria(1));
    expect(plan.keep.map((kept) => kept.tag)).toEqual(["v2"]);
    expect(deletedTags(plan)).toEqual(["v1"]);
    expect(plan.skip.map((skipped) => skipped.tag)).toEqual(["v1b"]);
  });

  it("does not break a multi-platform image that stays by deleting one of its images", () => {
    const plan = planPurge(
      [
        tag("v1-amd64", 90, "sha256:amd64"),
        tag("v1-arm64", 90, "sha256:arm64"),
        tag("release", 90, "sha256:index", ["sha256:amd64", "sha256:arm64"]),
      ],
      criteria(0, 30, /^v.*$/),
    );
    expect(plan.delete).toEqual([]);
    expect(plan.skip.map((skipped) => skipped.reason)).toEqual([
      "its manifest is part of the multi-platform image tagged release, which would break",
      "its manifest is part of the multi-platform image tagged release, which would break",
    ]);
  });

  it("deletes a multi-platform image before its images when all go", () => {
    const plan = planPurge([tag("v1-amd64", 91, "sha256:amd64"), tag("v1", 90, "sha256:index", ["sha256:amd64"])], criteria(0));
    expect(plan.delete.map((deletion) => deletion.tags)).toEqual([["v1"], ["v1-amd64"]]);
  });

  it("follows skips through: a skipped index keeps its images", () => {
    // v1 (an index) shares its manifest with `stable`, so it stays, and so must v1-amd64 it lists.
    const plan = planPurge(
      [
        tag("v1", 90, "sha256:index", ["sha256:amd64"]),
        tag("stable", 90, "sha256:index", ["sha256:amd64"]),
        tag("v1-amd64", 90, "sha256:amd64"),
      ],
      criteria(0),
    );
    expect(plan.delete).toEqual([]);
    expect(plan.skip.map((skipped) => skipped.tag)).toEqual(["v1", "v1-amd64"]);
  });
});

describe("deletionConflict", () => {
  const tags = [tag("a", 1, "sha256:x"), tag("b", 1, "sha256:x"), tag("c", 1, "sha256:y")];

  it("is none when every tag on the manifest goes", () => {
    expect(deletionConflict("sha256:x", new Set(["a", "b"]), tags)).toBeUndefined();
    expect(deletionConflict("sha256:y", new Set(["c"]), tags)).toBeUndefined();
  });

  it("names the tags that would go too", () => {
    expect(deletionConflict("sha256:x", new Set(["a"]), tags)).toEqual({ kind: "tagged", tags: ["b"] });
  });
});

describe("creationTime", () => {
  it("reads ISO times and refuses placeholders", () => {
    expect(creationTime("2024-01-02T03:04:05.123456789Z")).toBe(Date.parse("2024-01-02T03:04:05.123Z"));
    expect(creationTime("0001-01-01T00:00:00Z")).toBeUndefined();
    expect(creationTime("1980-01-01T00:00:01Z")).toBeUndefined();
    expect(creationTime("not a time")).toBeUndefined();
    expect(creationTime(undefined)).toBeUndefined();
  });
});

describe("planUntagged", () => {
  function manifest(digest: string, ageDays: number | undefined, options: Partial<ManifestFacts> = {}): ManifestFacts {
    const lastUpdateTime = ageDays === undefined ? undefined : new Date(NOW - ageDays * DAY).toISOString();
    return {
      digest,
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      tags: [],
      lastUpdateTime,
      deleteEnabled: true,
      writeEnabled: true,
      children: [],
      ...options,
    };
  }
  const cutoff = NOW - 30 * DAY;
  const digests = (plan: ReturnType<typeof planUntagged>): string[] => plan.delete.map((deletion) => deletion.digest);

  it("deletes untagged manifests last updated before the cutoff, oldest first", () => {
    const plan = planUntagged(
      [manifest("a", 40), manifest("b", 90), manifest("young", 1), manifest("tagged", 90, { tags: ["v1"] })],
      cutoff,
      new Set(),
    );
    expect(digests(plan)).toEqual(["b", "a"]);
    expect(plan.skip).toEqual([]);
  });

  it("skips locked manifests (delete or write), those without a time or a media type, and referrers, as acr purge does", () => {
    const plan = planUntagged(
      [
        manifest("locked", 90, { deleteEnabled: false }),
        manifest("readonly", 90, { writeEnabled: false }),
        manifest("timeless", undefined),
        manifest("typeless", 90, { mediaType: undefined }),
        manifest("signature", 90, { subject: "sha256:image" }),
        manifest("plain", 90),
      ],
      cutoff,
      new Set(),
    );
    expect(digests(plan)).toEqual(["plain"]);
    expect(plan.skip.map((skipped) => [skipped.digest, skipped.reason])).toEqual([
      ["locked", "it is locked against deletion (deleteEnabled false)"],
      ["readonly", "it is locked (writeEnabled false), which acr purge leaves alone"],
      ["signature", expect.stringContaining("it is a referrer (a signature, SBOM or attestation) of sha256:image")],
      ["timeless", "the registry gives no last update time, so its age is unknown"],
      ["typeless", "the registry gives no media type, so acr purge leaves it"],
    ]);
  });

  it("keeps the newest --keep untagged manifests that would go, as acr purge does (acr-cli purgeDanglingManifests)", () => {
    const manifests = [manifest("a", 40), manifest("b", 90), manifest("c", 60), manifest("young", 1)];
    const plan = planUntagged(manifests, cutoff, new Set(), 2);
    expect(digests(plan)).toEqual(["b"]);
    expect(plan.keep.map((kept) => kept.digest)).toEqual(["a", "c"]);
    expect(plan.keep[0].reason).toBe("one of the 2 newest untagged manifests (--keep 2)");
    // Fewer than keep: nothing goes.
    expect(planUntagged(manifests, cutoff, new Set(), 5).delete).toEqual([]);
  });

  it("--keep counts after what a staying index lists is left out, as acr-cli does", () => {
    // `listed` is old but a young index lists it: it stays without using up --keep, which then keeps `b`.
    const manifests = [manifest("young", 1, { children: ["listed"] }), manifest("listed", 35), manifest("a", 90), manifest("b", 60)];
    const plan = planUntagged(manifests, cutoff, new Set(), 1);
    expect(plan.keep.map((kept) => kept.digest)).toEqual(["b"]);
    expect(digests(plan)).toEqual(["a"]);
  });

  it("a kept untagged index keeps what it lists", () => {
    const manifests = [manifest("index", 40, { children: ["image"] }), manifest("image", 90)];
    const plan = planUntagged(manifests, cutoff, new Set(), 1);
    expect(plan.keep.map((kept) => kept.digest)).toEqual(["index"]);
    expect(digests(plan)).toEqual([]);
  });

  it("keeps what an index that stays lists, through nested untagged indexes", () => {
    // `young` stays, so the old index it lists stays, and so does that index's image.
    const manifests = [manifest("young", 1, { children: ["inner"] }), manifest("inner", 90, { children: ["leaf"] }), manifest("leaf", 90)];
    const plan = planUntagged(manifests, cutoff, new Set());
    expect(plan.delete).toEqual([]);
    expect(plan.skip.map((skipped) => skipped.reason)).toEqual([
      "a multi-platform image that stays lists it (untagged young)",
      "a multi-platform image that stays lists it (untagged inner)",
    ]);
  });

  it("frees what a tagged index the tag purge deletes lists, and deletes an index before its images", () => {
    const manifests = [
      manifest("image", 90),
      manifest("gone", 90, { tags: ["pr-1"], children: ["image"] }),
      manifest("index", 95, { children: ["image2"] }),
      manifest("image2", 99),
    ];
    expect(digests(planUntagged(manifests, cutoff, new Set(["gone"])))).toEqual(["index", "image", "image2"]);
    expect(digests(planUntagged(manifests, cutoff, new Set()))).toEqual(["index", "image2"]);
  });
});
