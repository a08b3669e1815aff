/**
 * Where the image tool's credentials come from, the first that gives some:
 *
 * 1. the flags: `--username` with `--password-stdin` (or REGISTRY_USERNAME / REGISTRY_PASSWORD
 *    for the half not given), or `--access-token-stdin` with an Entra access token for ACR;
 * 2. `--stack-outputs`: the stack's service principal, else its admin user;
 * 3. REGISTRY_USERNAME and REGISTRY_PASSWORD;
 * 4. the Docker config, as `docker login` (or `az acr login`) left it, read as docker reads it:
 *    the host's `credHelpers` entry, else `credsStore`, else `auths`;
 * 5. for ACR only, Entra ID through DefaultAzureCredential (environment, workload identity,
 *    managed identity, Azure CLI), exchanged for an ACR refresh token.
 *
 * Sources the user named for this tool (1 to 3) are used as given and never fall back to another:
 * acting as some other identity than the one asked for is worse than failing, in a tool that
 * deletes. The Docker config is ambient and often stale (an `az acr login` token lasts three
 * hours), so on ACR a refused one falls back to Entra ID, with a note. The tool says on stderr
 * which source it signed in with whenever it found the credentials itself (4, 5) or exchanged a
 * token (`--access-token-stdin`); the flags, stack outputs and environment stay as quiet as before.
 */
import {
  ACR_ENTRA_SCOPE,
  ACR_REFRESH_TOKEN_USERNAME,
  acrTokenService,
  defaultAzureToken,
  EntraSignInError,
  entraTokenRefusal,
  exchangeEntraToken,
  NoAzureIdentityError,
  tokenClaims,
  type AcrTokenService,
  type EntraTokenProvider,
  type NotAcr,
} from "./acr-entra";
import { readAll } from "../../common/streams";
import { RegistryError } from "../errors";
import { DEFAULT_TIMEOUT_MS, discard } from "../http";
import { RegistrySession, type Credentials } from "./session";
import { dockerConfigPath, dockerCredentials } from "./docker-config";

export interface SignInIo {
  stdin: NodeJS.ReadableStream;
  stderr: { write(text: string): unknown };
  /** Also the environment credential helpers run in (their PATH included). */
  env: Record<string, string | undefined>;
  /** Where `~/.docker/config.json` is looked for; without it only DOCKER_CONFIG names a Docker config. */
  homeDir?: string;
}

/** What the command line and the stack outputs say. */
export interface SignInRequest {
  /** The registry: scheme, host and port. */
  url: URL;
  username?: string;
  passwordStdin?: boolean;
  accessTokenStdin?: boolean;
  /** The credentials `--stack-outputs` holds, when it was given and holds some. */
  stackOutputs?: Credentials;
}

/** Where an Entra access token comes from when no other source gives credentials. */
export interface EntraTokenSource {
  /** For messages, such as "DefaultAzureCredential". */
  name: string;
  getToken: EntraTokenProvider;
}

export interface SignInOptions {
  /** Default: DefaultAzureCredential, whose package is loaded only when it is asked for a token. */
  entra?: EntraTokenSource;
  /** Per request made while signing in. Default 30 s. */
  timeoutMs?: number;
}

/** Wrong or conflicting options: the caller shows usage (exit code 2). */
export class SignInUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SignInUsageError";
  }
}

const DEFAULT_ENTRA: EntraTokenSource = { name: "DefaultAzureCredential", getToken: defaultAzureToken };
const ACCESS_TOKEN_HOWTO = `such as the output of \`az account get-access-token --scope ${ACR_ENTRA_SCOPE} --query accessToken -o tsv\``;

/** The credentials to use with the registry at `request.url`; undefined for anonymous access. */
export async function signIn(request: SignInRequest, io: SignInIo, options: SignInOptions = {}): Promise<Credentials | undefined> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const { url } = request;
  let acr: Promise<AcrTokenService | NotAcr> | undefined;
  // Asked at most once, and only when a source needs to know (tokens are for ACR only).
  const acrService = (): Promise<AcrTokenService | NotAcr> => (acr ??= acrTokenService(url, timeoutMs));

  if (request.accessTokenStdin) {
    if (request.username !== undefined || request.passwordStdin) {
      throw new SignInUsageError("--access-token-stdin signs in with an Entra access token; leave out --username and --password-stdin");
    }
    const token = (await readAll(io.stdin)).trim();
    if (token === "")
      throw new SignInUsageError(`--access-token-stdin: stdin is empty; pipe an Entra access token to it, ${ACCESS_TOKEN_HOWTO}`);
    const notThere = entraTokenRefusal(url, false);
    if (notThere) throw new EntraSignInError(`--access-token-stdin: the access token is not sent there: ${notThere}`);
    const service = await acrService();
    if (!("exchange" in service)) {
      throw new EntraSignInError(
        `--access-token-stdin signs in to Azure Container Registry only, and ${url.origin} does not look like one: ${service.reason}`,
      );
    }
    return entraSignIn(url, service, token, "the Entra ID access token from --access-token-stdin", true, io, timeoutMs);
  }

  if (request.username !== undefined || request.passwordStdin) {
    const username = request.username ?? io.env.REGISTRY_USERNAME;
    if (!username) throw new SignInUsageError("--password-stdin needs --username (or REGISTRY_USERNAME)");
    const password = request.passwordStdin ? passwordFromStdin(await readAll(io.stdin)) : io.env.REGISTRY_PASSWORD;
    if (!password) throw new SignInUsageError("--username needs a password: pipe it to --password-stdin, or set REGISTRY_PASSWORD");
    const source = `${request.username !== undefined ? "--username" : "REGISTRY_USERNAME"} and ${request.passwordStdin ? "--password-stdin" : "REGISTRY_PASSWORD"}`;
    const credentials = { username, password };
    const refusal = await refused(url, credentials, timeoutMs);
    if (refusal) throw naming(refusal, source, true);
    return credentials;
  }

  if (request.stackOutputs) return request.stackOutputs;

  if (io.env.REGISTRY_USERNAME) {
    if (!io.env.REGISTRY_PASSWORD) throw new SignInUsageError("REGISTRY_USERNAME is set but REGISTRY_PASSWORD is not");
    return { username: io.env.REGISTRY_USERNAME, password: io.env.REGISTRY_PASSWORD };
  }

  let dockerRefusal: RegistryError | undefined;
  for await (const found of dockerCredentials(url.host, io)) {
    const source = `the Docker config ${dockerConfigPath(io)} (${found.where}${found.kind === "identity-token" ? ", an identity token" : ""})`;
    let credentials: Credentials;
    if (found.kind === "identity-token") {
      // Docker sends an identity token as an OAuth2 refresh token; ACR's token service takes it
      // as the password of the empty GUID, the only way this tool's token flow can use one.
      if (!("exchange" in (await acrService()))) {
        io.stderr.write(`Note: skipped ${source}: this tool signs in with identity tokens to ACR only.\n`);
        continue;
      }
      credentials = { username: ACR_REFRESH_TOKEN_USERNAME, password: found.secret };
    } else {
      credentials = { username: found.username, password: found.secret };
    }
    const refusal = await refused(url, credentials, timeoutMs);
    if (!refusal) {
      io.stderr.write(`Signed in with ${source}.\n`);
      return credentials;
    }
    dockerRefusal = naming(refusal, source, false);
    break;
  }

  const service = await acrService();
  if (!("exchange" in service)) {
    if (dockerRefusal) throw dockerRefusal;
    return undefined;
  }
  const notThere = entraTokenRefusal(url, true);
  if (notThere) {
    if (dockerRefusal) throw dockerRefusal;
    io.stderr.write(`Note: no Entra ID sign-in: ${notThere}; going on without credentials.\n`);
    return undefined;
  }
  if (dockerRefusal) io.stderr.write(`Note: ${dockerRefusal.message} Trying Entra ID.\n`);
  const entra = options.entra ?? DEFAULT_ENTRA;
  let token: string;
  try {
    token = await entra.getToken(ACR_ENTRA_SCOPE);
  } catch (error) {
    if (!(error instanceof NoAzureIdentityError)) throw error;
    if (dockerRefusal) throw dockerRefusal;
    io.stderr.write(`Note: ${error.message}; going on without credentials.\n`);
    return undefined;
  }
  return entraSignIn(url, service, token, `the Entra ID access token from ${entra.name}`, false, io, timeoutMs);
}

/** Exchanges an Entra access token for an ACR refresh token and checks ACR takes it. */
async function entraSignIn(
  url: URL,
  service: AcrTokenService,
  accessToken: string,
  source: string,
  explicit: boolean,
  io: SignInIo,
  timeoutMs: number,
): Promise<Credentials> {
  const claims = tokenClaims(accessToken);
  let refreshToken: string;
  try {
    refreshToken = await exchangeEntraToken(service, accessToken, source, timeoutMs, claims.tid ?? io.env.AZURE_TENANT_ID);
  } catch (error) {
    if (explicit && error instanceof EntraSignInError) throw new EntraSignInError(`${error.message}. No other source was tried.`);
    throw error;
  }
  const credentials = { username: ACR_REFRESH_TOKEN_USERNAME, password: refreshToken };
  const refusal = await refused(url, credentials, timeoutMs);
  if (refusal) throw naming(refusal, source, explicit);
  // Object and tenant IDs say which identity acts, which matters in a tool that deletes; they are not secrets.
  const who = [claims.oid && `object ID ${claims.oid}`, claims.tid && `tenant ${claims.tid}`].filter(Boolean).join(", ");
  io.stderr.write(`Signed in with ${source}${who ? `, ${who}` : ""}.\n`);
  return credentials;
}

/**
 * Signs in as `docker login` does, with `GET /v2/` (for a token registry: a token without
 * scope), and returns the registry's refusal, if it refused; other failures are thrown as they are.
 */
async function refused(url: URL, credentials: Credentials, timeoutMs: number): Promise<RegistryError | undefined> {
  const session = new RegistrySession({ url, credentials, timeoutMs });
  try {
    await discard(await session.request("GET", "/v2/", ""));
    return undefined;
  } catch (error) {
    if (error instanceof RegistryError && error.kind === "unauthorized") return error;
    throw error;
  }
}

/** The registry's refusal, saying where the credentials came from. */
function naming(refusal: RegistryError, source: string, explicit: boolean): RegistryError {
  const tail = explicit ? "; no other source was tried" : "";
  return new RegistryError(
    `${refusal.message.replace(/\.$/, "")}. The credentials came from ${source}${tail}.`,
    refusal.kind,
    refusal.status,
  );
}

/** As `docker login --password-stdin`: the line break `echo` adds is not part of the password. */
function passwordFromStdin(text: string): string {
  return text.replace(/\r?\n$/, "");
}
