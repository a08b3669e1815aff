/**
 * The options every command takes (where the registry is, as whom, how output looks) and the
 * connection they make: a registry client signed in from the first credential source that has
 * credentials.
 */
import { readFile } from "node:fs/promises";
import { UsageError } from "../../cli/errors";
import type { CliIo } from "../../cli/io";
import { errorMessage } from "../../common/errors";
import { readAll } from "../../common/streams";
import { defineOptions, HELP_OPTION, integerOption, type HelpSection, type OptionValues } from "../../cli/options";
import type { Credentials } from "../auth/session";
import { signIn, SignInUsageError } from "../auth/sign-in";
import { RegistryClient } from "../registry/client";

const WHERE: HelpSection = {
  title: "Where and as whom:",
  notes: `Credentials come from the first of: the flags; --stack-outputs; REGISTRY_USERNAME and
REGISTRY_PASSWORD; the Docker config ($DOCKER_CONFIG/config.json or ~/.docker/config.json:
credHelpers, auths, credsStore, as \`docker login\` and \`az acr login\` leave it); for ACR,
Entra ID (DefaultAzureCredential: environment, workload identity, managed identity, Azure CLI).
Without any, the registry is used anonymously. Where the tool found credentials itself, a note
on stderr says which it signed in with.`,
};

const OUTPUT: HelpSection = { title: "Output:" };

/** acr purge allows up to 32 requests in flight ("the max number of parallel delete requests recommended by ACR server": Azure/acr-cli cfbb835, cmd/acr/purge.go maxPoolSize). */
const MAX_CONCURRENCY = 32;

export const CONNECTION_OPTIONS = defineOptions({
  registry: {
    type: "string",
    value: "<server>",
    help: "a login server such as myreg.azurecr.io (spoken to over https), or a\nURL with its scheme such as http://127.0.0.1:5000",
    env: "REGISTRY",
    section: WHERE,
  },
  username: { type: "string", value: "<name>", help: "", env: "REGISTRY_USERNAME", section: WHERE },
  "password-stdin": { type: "boolean", help: "read the password from stdin", env: "REGISTRY_PASSWORD", section: WHERE },
  "access-token-stdin": {
    type: "boolean",
    help: "ACR only: read a Microsoft Entra access token for\nhttps://containerregistry.azure.net from stdin, and sign in with it",
    section: WHERE,
  },
  "stack-outputs": {
    type: "string",
    value: "<file>",
    help:
      "the JSON of `pulumi stack output --json --show-secrets` (- for stdin):\n" +
      "loginServer, and servicePrincipalClientId/-Secret or\n" +
      "adminUsername/adminPassword (the service principal wins when both are there)",
    section: WHERE,
  },
  json: { type: "boolean", help: "print JSON on stdout (prompts and notes go to stderr)", section: OUTPUT },
  "page-size": {
    type: "string",
    value: "<n>",
    help: "repositories, tags or manifests asked for per request (default 100); all\npages are read",
    section: OUTPUT,
  },
  concurrency: {
    type: "string",
    value: "<n>",
    help: `requests in flight at once, reads and deletes (default 8, at most ${MAX_CONCURRENCY});\na throttled registry's Retry-After is waited for, 502/503/504 retried`,
    section: OUTPUT,
  },
  help: { ...HELP_OPTION, section: OUTPUT },
});

export type ConnectionValues = OptionValues<typeof CONNECTION_OPTIONS>;

export async function connect(values: ConnectionValues, io: CliIo): Promise<RegistryClient> {
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

function concurrencyOption(text: string | undefined): number | undefined {
  const value = integerOption(text, "--concurrency", 1);
  if (value !== undefined && value > MAX_CONCURRENCY)
    throw new UsageError(`--concurrency ${value}: at most ${MAX_CONCURRENCY}, as acr purge allows`);
  return value;
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

/** The order of sources and how each is read are in ../auth/sign-in. */
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
