/**
 * Starts a real OCI registry (Debian's docker-registry: the CNCF Distribution registry) on a free
 * loopback port, with its storage in a temporary directory, for tests of the image tool.
 */
import { execFile, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { Credentials } from "../../tools/images/auth/session";

const REGISTRY_BINARY = "/usr/bin/docker-registry";
const START_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 5_000;

/** A user of the test registry: the same shape as the image tool's credentials. */
export type RegistryUser = Credentials;

/** Token authentication as in the registry's `auth.token` settings (the flow ACR uses). */
export interface TokenAuth {
  realm: string;
  service: string;
  issuer: string;
  /** PEM file with the certificate the token service signs with. */
  rootCertBundle: string;
}

export interface RegistryServerOptions {
  /** Users for htpasswd authentication; or token authentication; none for an open registry. */
  auth?: { htpasswd: RegistryUser[] } | { token: TokenAuth };
  /** `storage.delete.enabled`. Default true. */
  deleteEnabled?: boolean;
}

export interface RegistryServer {
  /** Such as `http://127.0.0.1:40123`. */
  url: string;
  /** What the registry has written to stdout and stderr, for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

/** Fails with what to do when the registry binary (or htpasswd, when needed) is not installed. */
export function requireRegistryBinary(): void {
  if (!existsSync(REGISTRY_BINARY)) {
    throw new Error(
      `${REGISTRY_BINARY} is missing: the image tool's tests need the CNCF Distribution registry. Run .ci/install-test-deps.`,
    );
  }
}

export async function startRegistry(options: RegistryServerOptions = {}): Promise<RegistryServer> {
  requireRegistryBinary();
  const directory = await mkdtemp(join(tmpdir(), "registry-"));
  try {
    const authConfig = await writeAuthConfig(directory, options.auth);
    // A port found free can be taken before the registry binds it; another try then does it.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const configFile = join(directory, `config-${port}.yml`);
      // Each registry says which it is in a header of every answer: another test's registry that
      // took the port meanwhile (test files run in parallel) is not taken for this one.
      const identity = randomUUID();
      await writeFile(configFile, registryConfig(directory, port, options.deleteEnabled ?? true, authConfig, identity));
      try {
        return await launch(configFile, port, directory, identity);
      } catch (error) {
        if (attempt === 3 || !(error instanceof PortTakenError)) throw error;
      }
    }
  } catch (error) {
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
}

class PortTakenError extends Error {}

async function launch(configFile: string, port: number, directory: string, identity: string): Promise<RegistryServer> {
  const child = spawn(REGISTRY_BINARY, ["serve", configFile], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const collect = (chunk: Buffer): void => {
    // The last few kilobytes are enough to say why it failed.
    output = (output + chunk.toString("utf8")).slice(-16_384);
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  // If the test process dies without afterAll, the registry must not outlive it.
  const killOnExit = (): void => {
    child.kill("SIGKILL");
  };
  process.once("exit", killOnExit);

  const url = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    process.removeListener("exit", killOnExit);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    }
    await rm(directory, { recursive: true, force: true });
  };

  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      process.removeListener("exit", killOnExit);
      if (/address already in use/.test(output)) throw new PortTakenError(output);
      throw new Error(`docker-registry exited (${child.exitCode ?? child.signalCode}) on start:\n${output}`);
    }
    if (await answers(`${url}/v2/`, identity)) {
      return { url, log: () => output, stop };
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.kill("SIGKILL");
  await exited;
  process.removeListener("exit", killOnExit);
  throw new Error(`docker-registry did not answer on ${url} within ${START_TIMEOUT_MS / 1000} s:\n${output}`);
}

/** Whether the registry with this identity answers at `url` (another one may, on a port taken meanwhile). */
async function answers(url: string, identity: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
    await response.body?.cancel();
    return response.headers.get(IDENTITY_HEADER) === identity;
  } catch {
    return false;
  }
}

/** Starts a server on a free loopback port and returns the port. */
export async function listenOnLoopback(server: Pick<Server, "once" | "listen" | "address">): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port from the kernel");
  return address.port;
}

/** A port nothing listens on right now, from the kernel. */
export async function freePort(): Promise<number> {
  const server = createServer();
  const port = await listenOnLoopback(server);
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function writeAuthConfig(directory: string, auth: RegistryServerOptions["auth"]): Promise<string> {
  if (!auth) return "";
  if ("token" in auth) {
    const { realm, service, issuer, rootCertBundle } = auth.token;
    return `auth:
  token:
    realm: ${JSON.stringify(realm)}
    service: ${JSON.stringify(service)}
    issuer: ${JSON.stringify(issuer)}
    rootcertbundle: ${JSON.stringify(rootCertBundle)}
`;
  }
  const file = join(directory, "htpasswd");
  const lines = await Promise.all(auth.htpasswd.map((user) => htpasswdLine(user)));
  await writeFile(file, lines.join(""));
  return `auth:
  htpasswd:
    realm: test-registry
    path: ${JSON.stringify(file)}
`;
}

/** The registry only takes bcrypt entries; htpasswd -B makes them (cost 4, the least, for speed). */
async function htpasswdLine(user: RegistryUser): Promise<string> {
  try {
    const { stdout } = await promisify(execFile)("htpasswd", ["-nbBC", "4", user.username, user.password]);
    return `${stdout.trim()}\n`;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      throw new Error("htpasswd is missing: the image tool's tests need it (apache2-utils). Run .ci/install-test-deps.", { cause: error });
    }
    throw error;
  }
}

const IDENTITY_HEADER = "x-acr-infra-test-registry";

function registryConfig(directory: string, port: number, deleteEnabled: boolean, authConfig: string, identity: string): string {
  return `version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: ${JSON.stringify(join(directory, "data"))}
  delete:
    enabled: ${deleteEnabled}
  maintenance:
    uploadpurging:
      enabled: false
http:
  addr: 127.0.0.1:${port}
  secret: test-only-${port}
  headers:
    ${IDENTITY_HEADER}: [${identity}]
${authConfig}`;
}
