/**
 * Puts images into a test registry through the Distribution API (the tool's client supplies the
 * authentication): a config blob with a chosen `created` time, one small layer, and a manifest.
 */
import { createHash } from "node:crypto";
import { RegistryError } from "../../tools/images/errors";
import { RegistryClient, repositoryScope } from "../../tools/images/registry/client";
import { MEDIA_TYPES, type Descriptor } from "../../tools/images/registry/manifests";

export interface PushOptions {
  /** The config's `created`; omitted from the config when null. Default now. */
  created?: Date | string | null;
  /** Makes the image differ from others pushed with the same time. Default the tag. */
  label?: string;
  /** Makes it a referrer (a signature or SBOM) of this manifest: OCI's `subject`. */
  subject?: Descriptor;
}

const DAY_MS = 86_400_000;

/** A time `days` days before now, for images of a chosen age. */
export function daysAgo(days: number): Date {
  return new Date(Date.now() - days * DAY_MS);
}

/** Pushes an image and tags it; returns its manifest's descriptor. */
export async function pushImage(client: RegistryClient, repository: string, tag: string, options: PushOptions = {}): Promise<Descriptor> {
  const created = options.created === undefined ? new Date() : options.created;
  const config = {
    ...(created === null ? {} : { created: created instanceof Date ? created.toISOString() : created }),
    architecture: "amd64",
    os: "linux",
    config: { Labels: { "test.label": options.label ?? tag } },
    rootfs: { type: "layers", diff_ids: [] },
  };
  const configDescriptor = await pushBlob(client, repository, MEDIA_TYPES.ociConfig, JSON.stringify(config));
  const layer = await repositoryLayer(client, repository);
  return putManifest(client, repository, tag, MEDIA_TYPES.ociManifest, {
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.ociManifest,
    config: configDescriptor,
    layers: [layer],
    ...(options.subject ? { subject: options.subject } : {}),
  });
}

/** Pushes an index (multi-platform image) of images already in the repository, and tags it. */
export async function pushIndex(
  client: RegistryClient,
  repository: string,
  tag: string,
  images: readonly Descriptor[],
): Promise<Descriptor> {
  return putManifest(client, repository, tag, MEDIA_TYPES.ociIndex, {
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.ociIndex,
    manifests: images.map((image, index) => ({ ...image, platform: { architecture: `arch${index}`, os: "linux" } })),
  });
}

/** Points another tag at an existing manifest, as `docker tag` + push does. */
export async function tagManifest(client: RegistryClient, repository: string, digest: string, tag: string): Promise<void> {
  const { mediaType, bytes } = await client.getManifest(repository, digest);
  await putManifest(client, repository, tag, mediaType, bytes);
}

/**
 * The images of a repository share one layer, uploaded once: the registry mixes up concurrent
 * uploads of the same blob (a manifest can then name a blob it does not know yet).
 */
const layers = new Map<string, Promise<Descriptor>>();

function repositoryLayer(client: RegistryClient, repository: string): Promise<Descriptor> {
  const key = `${client.origin}/${repository}`;
  let layer = layers.get(key);
  if (!layer) {
    layer = pushBlob(client, repository, "application/vnd.oci.image.layer.v1.tar", `layer of ${repository}`);
    layers.set(key, layer);
  }
  return layer;
}

async function pushBlob(client: RegistryClient, repository: string, mediaType: string, content: string): Promise<Descriptor> {
  const bytes = Buffer.from(content);
  const digest = `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
  const scope = repositoryScope(repository, "pull", "push");
  const started = await client.request("POST", `/v2/${repository}/blobs/uploads/`, scope);
  const location = started.headers.get("location");
  await started.body?.cancel();
  if (started.status !== 202 || !location) throw new Error(`starting an upload to ${repository} answered ${started.status}`);
  const target = new URL(location, client.origin);
  target.searchParams.set("digest", digest);
  const finished = await client.request("PUT", target.href, scope, {
    headers: { "content-type": "application/octet-stream" },
    body: bytes,
  });
  await finished.body?.cancel();
  if (finished.status !== 201) throw new Error(`uploading ${digest} to ${repository} answered ${finished.status}`);
  return { mediaType, digest, size: bytes.length };
}

async function putManifest(
  client: RegistryClient,
  repository: string,
  tag: string,
  mediaType: string,
  manifest: object | Buffer,
): Promise<Descriptor> {
  // Bytes go as they are: the digest is of the exact bytes, and re-serialising could change them.
  const bytes = Buffer.isBuffer(manifest) ? manifest : Buffer.from(JSON.stringify(manifest));
  const response = await client.request("PUT", `/v2/${repository}/manifests/${tag}`, repositoryScope(repository, "pull", "push"), {
    headers: { "content-type": mediaType },
    body: bytes,
  });
  const text = await response.text();
  if (response.status !== 201) throw new Error(`pushing ${repository}:${tag} answered ${response.status}: ${text}`);
  return { mediaType, digest: `sha256:${createHash("sha256").update(bytes).digest("hex")}`, size: bytes.length };
}

/** Whether the registry still has the manifest (a 404 says it is gone). */
export async function manifestExists(client: RegistryClient, repository: string, digest: string): Promise<boolean> {
  try {
    await client.getManifest(repository, digest);
    return true;
  } catch (error) {
    if (error instanceof RegistryError && error.kind === "not-found") return false;
    throw error;
  }
}
