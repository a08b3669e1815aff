/**
 * What the registry protocol reads from manifests: the OCI and Docker media types, the shapes of
 * image manifests and indexes, and what the tool shows of an image. Pure: no requests here.
 */
import { field } from "../errors";

export const MEDIA_TYPES = {
  ociManifest: "application/vnd.oci.image.manifest.v1+json",
  ociIndex: "application/vnd.oci.image.index.v1+json",
  ociConfig: "application/vnd.oci.image.config.v1+json",
  dockerManifest: "application/vnd.docker.distribution.manifest.v2+json",
  dockerList: "application/vnd.docker.distribution.manifest.list.v2+json",
  dockerConfig: "application/vnd.docker.container.image.v1+json",
} as const;

/** The Accept header of a manifest request: every kind this tool reads. */
export const MANIFEST_ACCEPT = [MEDIA_TYPES.ociManifest, MEDIA_TYPES.ociIndex, MEDIA_TYPES.dockerManifest, MEDIA_TYPES.dockerList].join(
  ", ",
);
export const IMAGE_CONFIG_MEDIA_TYPES: ReadonlySet<string> = new Set([MEDIA_TYPES.ociConfig, MEDIA_TYPES.dockerConfig]);
/** The OCI annotation artifacts without an image config carry their creation time in. */
export const CREATED_ANNOTATION = "org.opencontainers.image.created";

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
}

/** An image manifest (OCI or Docker v2 schema 2). */
export interface ImageManifest {
  schemaVersion: number;
  mediaType?: string;
  config: Descriptor;
  layers: Descriptor[];
  annotations?: Record<string, string>;
}

/** An image index or Docker manifest list: one image per platform. */
export interface ImageIndex {
  schemaVersion: number;
  mediaType?: string;
  manifests: Descriptor[];
  annotations?: Record<string, string>;
}

export interface FetchedManifest {
  digest: string;
  mediaType: string;
  /** As stored: its sha256 is the digest. */
  bytes: Buffer;
  /** Undefined for kinds this tool does not read (Docker schema 1, OCI artifact manifests); those still have a digest and can be deleted. */
  manifest?: ImageManifest | ImageIndex;
  /** The digest a referrer (signature, SBOM, attestation) refers to: its `subject`, of any OCI kind. */
  subject?: string;
}

/** What the tool shows of an image. */
export interface ImageDetails {
  digest: string;
  mediaType: string;
  /** Bytes of config and layers (for an index, of all its images, each blob counted once), when known. */
  size?: number;
  /** From the image config's `created` (for an index, the newest of its images), as ISO 8601, when known. */
  created?: string;
  /** For an index, the digests of the manifests it lists; they must outlive it. */
  children: string[];
  /** For a referrer (signature, SBOM, attestation), the digest of the manifest it refers to. */
  subject?: string;
}

export interface TaggedImage extends ImageDetails {
  tag: string;
}

export function isIndex(manifest: ImageManifest | ImageIndex): manifest is ImageIndex {
  return "manifests" in manifest;
}

/** The manifest kinds this tool reads, told apart by shape as the mediaType field is optional. */
export function readManifest(body: unknown): ImageManifest | ImageIndex | undefined {
  const manifests = field(body, "manifests");
  const config = field(body, "config");
  const layers = field(body, "layers");
  if (Array.isArray(manifests) && manifests.every(isDescriptor)) return body as ImageIndex;
  if (isDescriptor(config) && Array.isArray(layers) && layers.every(isDescriptor)) return body as ImageManifest;
  return undefined;
}

function isDescriptor(value: unknown): value is Descriptor {
  return (
    typeof field(value, "digest") === "string" && typeof field(value, "size") === "number" && typeof field(value, "mediaType") === "string"
  );
}

/** An ISO 8601 time, or undefined for anything that is not a time. */
export function normalizeTime(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

/** Shows a reference as users write it: `repo:tag` or `repo@digest`. */
export function formatReference(repository: string, reference: string): string {
  return reference.includes(":") ? `${repository}@${reference}` : `${repository}:${reference}`;
}
