/**
 * ACR's own listing API (`/acr/v1/<repository>/_manifests` and `_tags`), which the OCI
 * Distribution API has no counterpart for: manifests without tags, and the lock attributes
 * (`changeableAttributes`) that `acr purge` checks. Readers of its pages; the requests are the
 * registry client's.
 */
import { field } from "../errors";

/** A manifest as ACR's own API lists it (`GET /acr/v1/<repository>/_manifests`). */
export interface AcrManifest {
  digest: string;
  mediaType?: string;
  /** Empty when no tag points at the manifest (ACR then leaves the field out). */
  tags: string[];
  createdTime?: string;
  /** When the manifest was last pushed or changed; `acr purge` ages untagged manifests by it. */
  lastUpdateTime?: string;
  /** False when the manifest is locked against deletion (`changeableAttributes.deleteEnabled`). */
  deleteEnabled: boolean;
  /** False when the manifest is locked against changes (`changeableAttributes.writeEnabled`); acr purge leaves those too. */
  writeEnabled: boolean;
}

/** A tag as ACR's own API lists it (`GET /acr/v1/<repository>/_tags`). */
export interface AcrTag {
  name: string;
  digest: string;
  /** False when the tag is locked against deletion or changes (`changeableAttributes`). */
  deleteEnabled: boolean;
  writeEnabled: boolean;
}

/** The first page of an ACR listing; ACR's clients send the repository as one escaped path segment, library%2Fhello-world (Azure/acr-cli cfbb835, acr/client.go: autorest.Encode("path", name)). */
export function acrListingPath(repository: string, listing: "_manifests" | "_tags", pageSize: number): string {
  return `/acr/v1/${encodeURIComponent(repository)}/${listing}?n=${pageSize}`;
}

/** Reads a page of `GET /acr/v1/<repository>/_manifests`; undefined when malformed. */
export function readAcrManifests(page: unknown): AcrManifest[] | undefined {
  const entries = field(page, "manifests");
  if (entries === null || entries === undefined) return [];
  if (!Array.isArray(entries)) return undefined;
  const manifests: AcrManifest[] = [];
  for (const entry of entries) {
    const digest = field(entry, "digest");
    const tags = field(entry, "tags") ?? [];
    if (typeof digest !== "string" || !Array.isArray(tags) || !tags.every((tag) => typeof tag === "string")) return undefined;
    const text = (key: string): string | undefined => {
      const value = field(entry, key);
      return typeof value === "string" ? value : undefined;
    };
    manifests.push({
      digest,
      mediaType: text("mediaType"),
      tags,
      createdTime: text("createdTime"),
      lastUpdateTime: text("lastUpdateTime"),
      // Only an explicit false locks a manifest; ACR always sends the attributes, other servers may not.
      deleteEnabled: field(field(entry, "changeableAttributes"), "deleteEnabled") !== false,
      writeEnabled: field(field(entry, "changeableAttributes"), "writeEnabled") !== false,
    });
  }
  return manifests;
}

/** Reads a page of `GET /acr/v1/<repository>/_tags`; undefined when malformed. */
export function readAcrTags(page: unknown): AcrTag[] | undefined {
  const entries = field(page, "tags");
  if (entries === null || entries === undefined) return [];
  if (!Array.isArray(entries)) return undefined;
  const tags: AcrTag[] = [];
  for (const entry of entries) {
    const name = field(entry, "name");
    const digest = field(entry, "digest");
    if (typeof name !== "string" || typeof digest !== "string") return undefined;
    const attributes = field(entry, "changeableAttributes");
    tags.push({
      name,
      digest,
      deleteEnabled: field(attributes, "deleteEnabled") !== false,
      writeEnabled: field(attributes, "writeEnabled") !== false,
    });
  }
  return tags;
}
