/**
 * `acr-infra images <command> [options]` (`npm run images --` in this repository): list, inspect
 * and delete images in a container registry over the OCI Distribution API. The commands are in
 * ./commands, one a file; the shell they run in (help, usage errors, exit codes) is ../cli.
 * `main` takes its streams and environment as arguments so tests run it in-process.
 */
import { processIo, type CliIo } from "../cli/io";
import { runTool, type ToolSpec } from "../cli/shell";
import { CONNECTION_OPTIONS } from "./commands/connection";
import { deleteCommand } from "./commands/delete";
import { listCommand } from "./commands/list";
import { purgeCommand } from "./commands/purge";
import { tagsCommand } from "./commands/tags";
import { RegistryError } from "./errors";

export type { CliIo } from "../cli/io";

const HINTS: Partial<Record<RegistryError["kind"], string>> = {
  "needs-credentials":
    "Give credentials with --username and --password-stdin, REGISTRY_USERNAME and REGISTRY_PASSWORD, --stack-outputs, or `docker login`; " +
    "for ACR, sign in to Azure (`az login`, a managed or workload identity) or pipe an Entra access token to --access-token-stdin.",
  unauthorized:
    "Check the user name and password: for ACR, the admin user and its password, or a service principal's client ID and secret.",
  unsupported:
    "The registry does not allow deletes: the CNCF Distribution registry needs storage.delete.enabled: true; in ACR a locked image or repository (deleteEnabled false) refuses them.",
};

const IMAGES: ToolSpec = {
  name: "images",
  description: `Lists and deletes images in Azure Container Registry, or any registry that speaks the OCI
Distribution API.`,
  commands: [listCommand, tagsCommand, deleteCommand, purgeCommand],
  common: CONNECTION_OPTIONS,
  examples: (invokedAs) => [
    "pulumi stack output --json --show-secrets > outputs.json",
    `${invokedAs} list --stack-outputs outputs.json`,
    `${invokedAs} tags app/web --stack-outputs outputs.json`,
    `${invokedAs} purge --stack-outputs outputs.json --filter 'app/.*:pr-.*' --ago 30d --keep 5 --dry-run`,
  ],
  hint: (error) => (error instanceof RegistryError ? HINTS[error.kind] : undefined),
};

export function main(args: string[], io: CliIo = processIo("images")): Promise<number> {
  return runTool(IMAGES, args, io);
}
