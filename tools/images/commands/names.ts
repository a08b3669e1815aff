/** Repository and image names as the user writes them, checked before anything is sent. */
import { REPOSITORY_NAME_PATH } from "../../../components/azure-facts";
import { UsageError } from "../../cli/errors";
import type { RegistryClient } from "../registry/client";

/** The Distribution spec's repository name grammar. */
const REPOSITORY_NAME = new RegExp(`^${REPOSITORY_NAME_PATH}$`);
const TAG_NAME = /^\w[\w.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

/** An image as the user named it: `<repository>:<tag>` or `<repository>@<digest>`. */
export type ImageReference = { text: string; repository: string } & ({ tag: string } | { digest: string });

/** Also takes names with the registry in front (myreg.azurecr.io/app:v1), as `docker` shows them. */
export function repositoryName(text: string, client: RegistryClient): string {
  const host = new URL(client.origin).host;
  const name = text.startsWith(`${host}/`) ? text.slice(host.length + 1) : text;
  if (!REPOSITORY_NAME.test(name)) {
    throw new UsageError(`${JSON.stringify(text)} is not a repository name (lowercase letters, digits, . _ - and /)`);
  }
  return name;
}

export function parseImageReference(text: string, client: RegistryClient): ImageReference {
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
