/**
 * Reads registry credentials the way `docker login` leaves them, as docker, crane, regctl and
 * skopeo read them: `$DOCKER_CONFIG/config.json` or `~/.docker/config.json`, where a registry's
 * host has a credential helper (`credHelpers`), stored credentials (`auths`), or the default
 * helper (`credsStore`). A helper is the program `docker-credential-<name>`: `get` with the server
 * on stdin answers `{"ServerURL","Username","Secret"}` on stdout.
 */
import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { errorLike, errorMessage } from "../../common/errors";

/** What the Docker config holds for a registry: a user name and password, or an identity token. */
export interface DockerCredential {
  /** An identity token is an OAuth2 refresh token, not a password (Docker sends it as `refresh_token`). */
  kind: "password" | "identity-token";
  /** Empty for an identity token without a user name. */
  username: string;
  secret: string;
  /** Where in the config it was found, such as `credHelpers: acr-env` or `auths: https://myreg.azurecr.io`. */
  where: string;
}

export interface DockerConfigIo {
  env: Record<string, string | undefined>;
  /** The user's home directory; without it (and without DOCKER_CONFIG) there is no Docker config. */
  homeDir?: string;
}

/** The user name a credential helper answers when its Secret is an identity token (docker's convention). */
const IDENTITY_TOKEN_USERNAME = "<token>";
/** A helper may ask the OS keychain, which can take a moment; one that hangs must not hang the tool. */
const HELPER_TIMEOUT_MS = 60_000;
/** Helper names end up in a program name; a slash would turn that into a path. */
const HELPER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export class DockerConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DockerConfigError";
  }
}

/** `$DOCKER_CONFIG/config.json`, else `<home>/.docker/config.json`; undefined when neither can be named. */
export function dockerConfigPath(io: DockerConfigIo): string | undefined {
  if (io.env.DOCKER_CONFIG) return join(io.env.DOCKER_CONFIG, "config.json");
  return io.homeDir ? join(io.homeDir, ".docker", "config.json") : undefined;
}

interface AuthEntry {
  auth?: unknown;
  username?: unknown;
  password?: unknown;
  identitytoken?: unknown;
}

interface DockerConfigFile {
  auths?: Record<string, AuthEntry>;
  credHelpers?: Record<string, unknown>;
  credsStore?: unknown;
}

/**
 * The credentials the Docker config has for `host` (such as `myreg.azurecr.io` or
 * `127.0.0.1:5000`), as docker picks its store: `credHelpers[host]`, else `credsStore`, else
 * `auths`. Lazy: a helper runs only when the caller asks for the next candidate, so a later
 * helper is not run once an earlier source was taken. Yields nothing when there is no config file.
 */
export async function* dockerCredentials(host: string, io: DockerConfigIo): AsyncGenerator<DockerCredential, void, undefined> {
  const file = dockerConfigPath(io);
  if (file === undefined) return;
  const config = await readConfig(file);
  if (config === undefined) return;

  // As docker/cli's ConfigFile.GetCredentialsStore: the host's credHelpers entry, else the
  // credsStore helper, else the file's own auths; whichever applies is the only one asked.
  const helper = config.credHelpers?.[host];
  if (helper !== undefined) {
    const found = await fromHelper(helperName(helper, file, `credHelpers["${host}"]`), "credHelpers", host, file, io.env);
    if (found) yield found;
    return;
  }
  if (config.credsStore !== undefined && config.credsStore !== "") {
    const found = await fromHelper(helperName(config.credsStore, file, "credsStore"), "credsStore", host, file, io.env);
    if (found) yield found;
    return;
  }
  const entry = findAuth(config.auths ?? {}, host);
  if (entry) {
    const found = fromAuthEntry(entry.value, `auths: ${entry.key}`, file);
    if (found) yield found;
  }
}

async function readConfig(file: string): Promise<DockerConfigFile | undefined> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    // No Docker config is the common case on CI machines: nothing to read, nothing wrong.
    if (errorLike(error).code === "ENOENT") return undefined;
    throw new DockerConfigError(`cannot read the Docker config ${file}: ${errorMessage(error)}`);
  }
  let config: unknown;
  try {
    config = JSON.parse(text);
  } catch {
    throw new DockerConfigError(`the Docker config ${file} is not JSON`);
  }
  if (typeof config !== "object" || config === null || Array.isArray(config)) {
    throw new DockerConfigError(`the Docker config ${file} is not a JSON object`);
  }
  const { auths, credHelpers, credsStore } = config as Record<string, unknown>;
  if (auths !== undefined && !isObject(auths)) throw new DockerConfigError(`the Docker config ${file}: "auths" is not an object`);
  if (credHelpers !== undefined && !isObject(credHelpers)) {
    throw new DockerConfigError(`the Docker config ${file}: "credHelpers" is not an object`);
  }
  return {
    auths: auths as Record<string, AuthEntry> | undefined,
    credHelpers,
    credsStore,
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function helperName(value: unknown, file: string, key: string): string {
  if (typeof value !== "string" || !HELPER_NAME.test(value)) {
    throw new DockerConfigError(`the Docker config ${file}: ${key} ${JSON.stringify(value)} is not a credential helper name`);
  }
  return value;
}

/**
 * The `auths` entry for `host` as docker finds it: the key spelled as the host itself first, then
 * any key whose host part is `host` once a scheme and path are stripped (`https://host`,
 * `https://host/v1/`, `http://host/`), as docker's ConvertToHostname does.
 */
function findAuth(auths: Record<string, AuthEntry>, host: string): { key: string; value: AuthEntry } | undefined {
  if (Object.hasOwn(auths, host) && isObject(auths[host])) return { key: host, value: auths[host] };
  for (const [key, value] of Object.entries(auths)) {
    if (isObject(value) && keyHost(key) === host) return { key, value };
  }
  return undefined;
}

function keyHost(key: string): string {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(key);
  // Like docker: only http and https are stripped; any other scheme leaves the key as it is.
  const rest = scheme === null ? key : /^https?$/i.test(scheme[1]) ? key.slice(scheme[0].length) : key;
  return rest.split("/")[0];
}

/** An identity token wins over `auth`, which wins over `username`/`password`, as in docker. An empty entry (`{}`, written next to a credsStore) gives nothing. */
function fromAuthEntry(entry: AuthEntry, where: string, file: string): DockerCredential | undefined {
  const text = (value: unknown): string => (typeof value === "string" ? value : "");
  if (text(entry.identitytoken)) {
    return { kind: "identity-token", username: text(entry.username), secret: text(entry.identitytoken), where };
  }
  if (text(entry.auth)) {
    const decoded = Buffer.from(text(entry.auth), "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon <= 0) {
      // Never quote the value: it is a password, base64 or not.
      throw new DockerConfigError(`the Docker config ${file}: ${where} has an "auth" that is not base64 of <user>:<password>`);
    }
    return { kind: "password", username: decoded.slice(0, colon), secret: decoded.slice(colon + 1), where };
  }
  if (text(entry.username) && text(entry.password)) {
    return { kind: "password", username: text(entry.username), secret: text(entry.password), where };
  }
  return undefined;
}

async function fromHelper(
  name: string,
  key: "credHelpers" | "credsStore",
  host: string,
  file: string,
  env: Record<string, string | undefined>,
): Promise<DockerCredential | undefined> {
  const program = `docker-credential-${name}`;
  const where = `${key}: ${name}`;
  const { code, stdout, stderr } = await runHelper(program, host, env, file, where);
  if (code !== 0) {
    const said = `${stdout}\n${stderr}`;
    // docker-credential-helpers' ErrCredentialsNotFound: "credentials not found in native keychain".
    if (/credentials not found/i.test(said)) return undefined;
    const reason = said.trim().split("\n")[0]?.slice(0, 200) || `exit code ${code}`;
    throw new DockerConfigError(`${program} get failed for ${host} (the Docker config ${file}, ${where}): ${reason}`);
  }
  let answer: unknown;
  try {
    answer = JSON.parse(stdout);
  } catch {
    throw new DockerConfigError(`${program} get answered something that is not JSON for ${host} (the Docker config ${file}, ${where})`);
  }
  const username = isObject(answer) && typeof answer.Username === "string" ? answer.Username : "";
  const secret = isObject(answer) && typeof answer.Secret === "string" ? answer.Secret : "";
  if (secret === "") return undefined;
  if (username === IDENTITY_TOKEN_USERNAME) return { kind: "identity-token", username: "", secret, where };
  return username === "" ? undefined : { kind: "password", username, secret, where };
}

/** Runs `<program> get` with the server on stdin, found on the PATH of `env` (the tool's environment). */
function runHelper(
  program: string,
  host: string,
  env: Record<string, string | undefined>,
  file: string,
  where: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, ["get"], { env, stdio: ["pipe", "pipe", "pipe"] });
    // Not spawn's own `timeout`: its timer outlives a program that could not be started.
    const timer = setTimeout(() => child.kill(), HELPER_TIMEOUT_MS);
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    // A helper that exits without reading stdin makes the write fail; its exit code tells the story.
    child.stdin.on("error", () => undefined);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(
        errorLike(error).code === "ENOENT"
          ? new DockerConfigError(`the Docker config ${file} names a credential helper (${where}), but ${program} is not on PATH`)
          : new DockerConfigError(`cannot run ${program} (the Docker config ${file}, ${where}): ${errorMessage(error)}`),
      );
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (signal !== null) {
        reject(
          new DockerConfigError(`${program} get did not answer for ${host} (the Docker config ${file}, ${where}): stopped by ${signal}`),
        );
      } else {
        resolve({ code: code ?? 1, stdout, stderr });
      }
    });
    child.stdin.end(host);
  });
}
