import { createHash } from "crypto";
import * as fs from "fs";
import * as yaml from "js-yaml";
import { ValidationError } from "../components/validation";

export interface StackConfig {
  /** Config by full key (`acr-infra:sku`), values as written in the file. */
  config: Record<string, unknown>;
  /** Keys whose value is encrypted (`secure:`); they get a placeholder and are secret. */
  secretKeys: string[];
}

/**
 * Reads a Pulumi stack settings file (`Pulumi.<stack>.yaml`). Encrypted values cannot be read
 * without the stack's secrets provider, so they become a placeholder that is still a secret.
 */
export function readStackFile(file: string): StackConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    throw new ValidationError("config file", `${JSON.stringify(file)} cannot be read: give an existing Pulumi.<stack>.yaml`);
  }
  let document: unknown;
  try {
    document = yaml.load(text);
  } catch (error) {
    throw new ValidationError("config file", `${JSON.stringify(file)} is not valid YAML: ${(error as Error).message.split("\n")[0]}`);
  }
  const raw = (document as { config?: unknown } | null | undefined)?.config ?? {};
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new ValidationError("config file", `${JSON.stringify(file)} has no "config:" map`);
  }
  const config: Record<string, unknown> = {};
  const secretKeys: string[] = [];
  for (const [key, value] of Object.entries(raw)) {
    const encrypted = value !== null && typeof value === "object" && "secure" in value;
    // A stand-in for the value: the ciphertext's hash, so that a plan sees a re-encrypted (or new) value change.
    config[key] = encrypted
      ? `encrypted-${key}-${createHash("sha256")
          .update(String((value as { secure: unknown }).secure))
          .digest("hex")
          .slice(0, 12)}`
      : value;
    if (encrypted) secretKeys.push(key);
  }
  return { config, secretKeys };
}
