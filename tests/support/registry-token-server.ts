/**
 * A token service for Docker's token authentication, as ACR's /oauth2/token answers it: checks
 * HTTP basic credentials and issues an RS256 JWT granting the requested scopes. The registry
 * trusts it through the self-signed certificate the JWT carries in its `x5c` header, which is
 * also the registry's `rootcertbundle`.
 */
import { execFile } from "node:child_process";
import { createPrivateKey, randomUUID, sign, X509Certificate, type KeyObject } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { listenOnLoopback, type TokenAuth } from "./registry-server";

export interface TokenUser {
  username: string;
  password: string;
  /** `pull` grants only reading (like ACR's AcrPull role); `all` grants what is asked. */
  rights: "pull" | "all";
}

export interface TokenServer {
  /** Settings for the registry's `auth.token`. */
  auth: TokenAuth;
  /** How many tokens were issued, to show the flow was used. */
  issued(): number;
  stop(): Promise<void>;
}

const SERVICE = "test-registry";
const ISSUER = "test-token-issuer";

export async function startTokenServer(users: readonly TokenUser[]): Promise<TokenServer> {
  const directory = await mkdtemp(join(tmpdir(), "registry-token-"));
  try {
    const keyFile = join(directory, "key.pem");
    const certFile = join(directory, "cert.pem");
    await promisify(execFile)("openssl", [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-sha256",
      "-days",
      "2",
      "-subj",
      `/CN=${ISSUER}`,
      "-keyout",
      keyFile,
      "-out",
      certFile,
    ]).catch((error: NodeJS.ErrnoException) => {
      throw error.code === "ENOENT" ? new Error("openssl is missing: run .ci/install-test-deps.") : error;
    });
    const key = createPrivateKey(await readFile(keyFile));
    const certificate = new X509Certificate(await readFile(certFile)).raw.toString("base64");

    let issued = 0;
    const server = createServer((request, response) => {
      const token = answer(request, response, users, key, certificate);
      if (token) issued++;
    });
    const port = await listenOnLoopback(server);
    return {
      auth: { realm: `http://127.0.0.1:${port}/token`, service: SERVICE, issuer: ISSUER, rootCertBundle: certFile },
      issued: () => issued,
      stop: async () => {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
        await rm(directory, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
}

/** Answers one token request; returns whether a token was issued. */
function answer(
  request: IncomingMessage,
  response: ServerResponse,
  users: readonly TokenUser[],
  key: KeyObject,
  certificate: string,
): boolean {
  const url = new URL(request.url ?? "/", "http://token");
  const user = authenticate(request.headers.authorization, users);
  if (url.pathname !== "/token" || !user || url.searchParams.get("service") !== SERVICE) {
    response.writeHead(user ? 400 : 401, { "content-type": "application/json" });
    response.end(JSON.stringify({ errors: [{ code: user ? "BAD_REQUEST" : "UNAUTHORIZED", message: "no token for you" }] }));
    return false;
  }
  const access = url.searchParams.getAll("scope").flatMap((scope) => grant(scope, user));
  const now = Math.floor(Date.now() / 1000);
  const token = jwt(
    { typ: "JWT", alg: "RS256", x5c: [certificate] },
    { iss: ISSUER, sub: user.username, aud: SERVICE, exp: now + 300, nbf: now - 10, iat: now, jti: randomUUID(), access },
    key,
  );
  response.writeHead(200, { "content-type": "application/json" });
  response.end(JSON.stringify({ token, access_token: token, expires_in: 300, issued_at: new Date().toISOString() }));
  return true;
}

function authenticate(header: string | undefined, users: readonly TokenUser[]): TokenUser | undefined {
  const match = /^Basic (.+)$/i.exec(header ?? "");
  if (!match) return undefined;
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return users.find((user) => user.username === decoded.slice(0, colon) && user.password === decoded.slice(colon + 1));
}

/** `repository:app/web:pull,push` → the access entry the user may have of it. */
function grant(scope: string, user: TokenUser): Array<{ type: string; name: string; actions: string[] }> {
  const parts = scope.split(":");
  if (parts.length < 3) return [];
  const type = parts[0];
  const actions = parts[parts.length - 1].split(",");
  const name = parts.slice(1, -1).join(":");
  const allowed = user.rights === "all" || type === "registry" ? actions : actions.filter((action) => action === "pull");
  return allowed.length > 0 ? [{ type, name, actions: allowed }] : [];
}

function jwt(header: object, claims: object, key: KeyObject): string {
  const encode = (value: object): string => Buffer.from(JSON.stringify(value)).toString("base64url");
  const signingInput = `${encode(header)}.${encode(claims)}`;
  return `${signingInput}.${sign("sha256", Buffer.from(signingInput), key).toString("base64url")}`;
}
