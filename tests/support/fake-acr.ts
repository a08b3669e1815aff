/**
 * A server that answers as ACR does for signing in and listing: `GET /v2/` challenges with
 * ACR's realm, `POST /oauth2/exchange` trades an Entra token for a refresh token, `GET
 * /oauth2/token` takes basic credentials (a user's, or the empty GUID with a refresh or identity
 * token) and issues an access token, and `GET /v2/_catalog` wants that token.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { readAll } from "../../tools/common/streams";
import { listenOnLoopback } from "./registry-server";

/** The user name ACR takes with a refresh or identity token as the password. */
export const ZERO_GUID = "00000000-0000-0000-0000-000000000000";

/** What the fake accepts. */
export interface FakeAcrCredentials {
  /** Users who may sign in with a password. */
  users: ReadonlyArray<{ username: string; password: string }>;
  /** The one Entra access token /oauth2/exchange accepts. */
  accessToken: string;
  /** What /oauth2/exchange trades that token for. */
  refreshToken: string;
  /** A token a Docker config may hold, accepted like the refresh token. */
  identityToken: string;
}

export interface FakeAcr {
  url: string;
  host: string;
  /** The user names sent to the token service, accepted or not, each once, in the order first seen. */
  signIns(): string[];
  /** The forms posted to /oauth2/exchange. */
  exchanges(): Array<Record<string, string>>;
  /** The access tokens handed out, which are secrets too. */
  issued(): string[];
  reset(): void;
  stop(): Promise<void>;
}

export async function startFakeAcr(credentials: FakeAcrCredentials): Promise<FakeAcr> {
  let signIns: string[] = [];
  let exchanges: Array<Record<string, string>> = [];
  const issued = new Set<string>();
  let host = "";
  let url = "";

  const json = (response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
    response.writeHead(status, { "content-type": "application/json", ...headers });
    response.end(JSON.stringify(body));
  };
  const challenge = (response: ServerResponse, scope?: string): void =>
    json(
      response,
      401,
      { errors: [{ code: "UNAUTHORIZED", message: "authentication required" }] },
      {
        "www-authenticate": `Bearer realm="${url}/oauth2/token",service="${host}"${scope ? `,scope="${scope}"` : ""}`,
      },
    );
  const bearer = (request: IncomingMessage): boolean => issued.has(/^Bearer (.+)$/.exec(request.headers.authorization ?? "")?.[1] ?? "");

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const path = new URL(request.url ?? "/", url);
    if (request.method === "GET" && path.pathname === "/v2/") {
      if (bearer(request)) json(response, 200, {});
      else challenge(response);
    } else if (request.method === "POST" && path.pathname === "/oauth2/exchange") {
      const form = Object.fromEntries(new URLSearchParams(await readAll(request)));
      exchanges.push(form);
      const valid = request.headers["content-type"] === "application/x-www-form-urlencoded" && form.grant_type === "access_token";
      if (valid && form.service === host && form.access_token === credentials.accessToken)
        json(response, 200, { refresh_token: credentials.refreshToken });
      else json(response, 401, { errors: [{ code: "UNAUTHORIZED", message: "the access token is invalid" }] });
    } else if (request.method === "GET" && path.pathname === "/oauth2/token") {
      const decoded = Buffer.from(/^Basic (.+)$/.exec(request.headers.authorization ?? "")?.[1] ?? "", "base64").toString("utf8");
      const colon = decoded.indexOf(":");
      const [username, password] = colon < 0 ? ["", ""] : [decoded.slice(0, colon), decoded.slice(colon + 1)];
      if (username) signIns.push(username);
      const known = credentials.users.some((user) => user.username === username && user.password === password);
      const token = username === ZERO_GUID && (password === credentials.refreshToken || password === credentials.identityToken);
      if (path.searchParams.get("service") === host && (known || token)) {
        const accessToken = `acr-access-${issued.size}-${Math.random().toString(36).slice(2)}`;
        issued.add(accessToken);
        json(response, 200, { access_token: accessToken, expires_in: 300 });
      } else {
        json(response, 401, { errors: [{ code: "UNAUTHORIZED", message: "authentication required" }] });
      }
    } else if (request.method === "GET" && path.pathname === "/v2/_catalog") {
      if (bearer(request)) json(response, 200, { repositories: ["team/app"] });
      else challenge(response, "registry:catalog:*");
    } else {
      json(response, 404, { errors: [{ code: "NOT_FOUND", message: "no such thing here" }] });
    }
  };

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => json(response, 500, { error: String(error) }));
  });
  const port = await listenOnLoopback(server);
  host = `127.0.0.1:${port}`;
  url = `http://${host}`;
  return {
    url,
    host,
    signIns: () => [...new Set(signIns)],
    exchanges: () => exchanges,
    issued: () => [...issued],
    reset: () => {
      signIns = [];
      exchanges = [];
    },
    stop: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
