/**
 * Signing in to Azure Container Registry with Microsoft Entra ID: an Entra access token for the
 * registry's audience is exchanged at ACR for an ACR refresh token, which ACR's token service
 * then takes as the password of the user 00000000-0000-0000-0000-000000000000 (what
 * `az acr login` hands to `docker login`). This is how identities without a secret sign in, such
 * as CI's federated workload identity.
 */
import { errorLike, errorMessage } from "../../common/errors";
import { describeErrors, parseErrors } from "../errors";
import { discard } from "../http";
import { parseChallenge } from "./challenge";

/** The user name ACR's token service takes an ACR refresh token (or identity token) with (azure-cli's EMPTY_GUID). */
export const ACR_REFRESH_TOKEN_USERNAME = "00000000-0000-0000-0000-000000000000";

/** The scope to ask Entra ID for: the audience of every container registry in the public cloud (ACR docs, container-registry-disable-authentication-as-arm.md, azure-management-docs d923d588). */
export const ACR_ENTRA_SCOPE = "https://containerregistry.azure.net/.default";

/** Gets an Entra access token for `scope`. Injectable so tests and other callers need not load @azure/identity. */
export type EntraTokenProvider = (scope: string) => Promise<string>;

/** Where a registry that is ACR exchanges Entra tokens, learned from its challenge. */
export interface AcrTokenService {
  /** `https://<login server>/oauth2/exchange`. */
  exchange: URL;
  /** The challenge's `service`: the login server. */
  service: string;
}

/** The domains of ACR login servers in Azure's clouds: public, China (21Vianet), US Government (acr_login_server_endpoint in MicrosoftDocs/azure-docs-cli e97b361d, azure-cli-endpoints.md). */
const ACR_DOMAINS = [".azurecr.io", ".azurecr.cn", ".azurecr.us"];
const LOOPBACK = new Set(["127.0.0.1", "[::1]", "localhost"]);

/**
 * Why an Entra access token must not go to this registry, or undefined when it may. An access token
 * works at every registry its identity can reach, so it goes over https only (plain http on
 * loopback alone, for a registry on this machine), and, when the tool found the token by itself
 * rather than being handed it, to an ACR login server only.
 */
export function entraTokenRefusal(registry: URL, found: boolean): string | undefined {
  const loopback = LOOPBACK.has(registry.hostname);
  if (registry.protocol !== "https:" && !loopback) return `${registry.origin} is not https`;
  if (found && !loopback && !ACR_DOMAINS.some((domain) => registry.hostname.endsWith(domain))) {
    return `${registry.host} is not an ACR login server (${ACR_DOMAINS.map((d) => `*${d}`).join(", ")})`;
  }
  return undefined;
}

/** Says why a registry is not taken for ACR, for messages. */
export type NotAcr = { reason: string };

/**
 * Asks `GET /v2/` whether the registry is ACR: ACR challenges with
 * `Bearer realm="https://<login server>/oauth2/token",service="<login server>"`. Never throws: a
 * registry that cannot be reached is reported as not ACR, and the registry client then says
 * what is wrong in its own words.
 */
export async function acrTokenService(registry: URL, timeoutMs: number): Promise<AcrTokenService | NotAcr> {
  let response: Response;
  try {
    response = await fetch(new URL("/v2/", registry), { redirect: "manual", signal: AbortSignal.timeout(timeoutMs) });
    await discard(response);
  } catch (error) {
    return { reason: `it cannot be reached (${errorMessage(errorLike(error).cause ?? error)})` };
  }
  const challenge = parseChallenge(response.headers.get("www-authenticate"));
  const realmText = challenge?.scheme === "bearer" ? challenge.params.realm : undefined;
  if (response.status !== 401 || realmText === undefined) {
    return { reason: `GET /v2/ answered HTTP ${response.status} without a Bearer challenge` };
  }
  let realm: URL;
  try {
    realm = new URL(realmText);
  } catch {
    return { reason: `its token service ${JSON.stringify(realmText)} is not a URL` };
  }
  // The exchange sends an Entra token, so it goes only to the registry itself, as ACR's realm is.
  if (realm.origin !== registry.origin || realm.pathname !== "/oauth2/token") {
    return { reason: `its token service is ${realm.href}, not ${registry.origin}/oauth2/token` };
  }
  return { exchange: new URL("/oauth2/exchange", realm), service: challenge?.params.service ?? registry.host };
}

/** A refusal by ACR of an Entra token; its message names where the token came from. */
export class EntraSignInError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EntraSignInError";
  }
}

/**
 * Exchanges an Entra access token for an ACR refresh token. `token` names the access token for the
 * error message, such as "the Entra ID access token from --access-token-stdin".
 */
export async function exchangeEntraToken(
  service: AcrTokenService,
  accessToken: string,
  token: string,
  timeoutMs: number,
  tenant?: string,
): Promise<string> {
  // Protocol as in Azure/acr-cli acr/client.go (GetAcrRefreshTokenFromExchangePreparer) and docs/swagger.yaml `/oauth2/exchange`, and azure-cli acr/_docker_utils.py (_get_aad_token_after_challenge).
  const form = new URLSearchParams({ grant_type: "access_token", service: service.service, access_token: accessToken });
  if (tenant) form.set("tenant", tenant);
  let response: Response;
  try {
    response = await fetch(service.exchange, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: form.toString(),
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    throw new EntraSignInError(
      `cannot reach ${service.exchange.origin} to exchange the Entra access token: ${errorMessage(errorLike(error).cause ?? error)}`,
    );
  }
  const text = await response.text().catch(() => "");
  if (!response.ok) {
    // ACR does not echo the request's tokens in its errors; the length cap keeps a verbose body short.
    const detail = describeErrors(parseErrors(text)).slice(0, 300);
    throw new EntraSignInError(
      `${service.exchange.origin} refused ${token} (POST /oauth2/exchange answered HTTP ${response.status}` +
        `${detail ? `: ${detail}` : ""}). The token must be for ${ACR_ENTRA_SCOPE} and of an identity in the registry's tenant`,
    );
  }
  let refreshToken: unknown;
  try {
    refreshToken = (JSON.parse(text) as Record<string, unknown>).refresh_token;
  } catch {
    refreshToken = undefined;
  }
  if (typeof refreshToken !== "string" || refreshToken === "") {
    throw new EntraSignInError(`${service.exchange.origin} answered the token exchange (POST /oauth2/exchange) without a refresh_token`);
  }
  return refreshToken;
}

/** Claims of an Entra access token, read without checking it (ACR checks it): for the tenant and for saying who signed in. */
export function tokenClaims(token: string): { tid?: string; oid?: string; appid?: string } {
  try {
    const payload = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")) as Record<string, unknown>;
    const text = (key: string): string | undefined => (typeof payload[key] === "string" ? payload[key] : undefined);
    return { tid: text("tid"), oid: text("oid"), appid: text("appid") ?? text("azp") };
  } catch {
    return {};
  }
}

/** Raised when DefaultAzureCredential finds no identity to sign in as. */
export class NoAzureIdentityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NoAzureIdentityError";
  }
}

/**
 * An Entra access token from DefaultAzureCredential (environment, workload identity, managed
 * identity, Azure CLI, …). @azure/identity is loaded here, on first use, so the tool does not
 * load it when another source gives credentials.
 */
export const defaultAzureToken: EntraTokenProvider = async (scope) => {
  const { DefaultAzureCredential } = await import("@azure/identity");
  let token: { token: string } | null;
  try {
    token = await new DefaultAzureCredential().getToken(scope);
  } catch (error) {
    const { name } = errorLike(error);
    // The chain fails with these when none of its credentials is set up here: no identity, no failure.
    if (name === "AggregateAuthenticationError" || name === "CredentialUnavailableError") {
      throw new NoAzureIdentityError(
        "DefaultAzureCredential found no Azure identity (environment, workload identity, managed identity, Azure CLI)",
      );
    }
    // A credential that is set up but fails (a wrong client secret, an expired federated token) is an error to show.
    throw new EntraSignInError(
      `Entra ID (DefaultAzureCredential) could not get a token for ${scope}: ${errorMessage(error).split("\n")[0].slice(0, 300)}`,
    );
  }
  if (!token?.token) throw new NoAzureIdentityError("DefaultAzureCredential returned no token");
  return token.token;
};
