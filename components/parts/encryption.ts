import { ARM_ID, GUID, VERSIONLESS_KEY_URI } from "../azure-facts";
import { object } from "../setting-kinds";
import { ValidationError, read } from "../validation";

/** Encryption with a customer-managed key (Premium). */
export interface EncryptionArgs {
  /** Versionless Key Vault key URI (`https://<vault>.vault.azure.net/keys/<name>`), so key rotation is followed. */
  keyVaultKeyId: string;
  /** ARM id of the user-assigned identity that may use the key (wrap/unwrap). */
  identityId: string;
  /** Client id of that identity. */
  identityClientId: string;
}

function readEncryption(value: unknown, setting: string): EncryptionArgs | undefined {
  if (value === undefined || (typeof value === "object" && value !== null && Object.keys(value).length === 0)) return undefined;
  const entry = read.object(setting, value, ["keyVaultKeyId", "identityId", "identityClientId"]);
  const keyVaultKeyId = read.optionalString(
    `${setting}.keyVaultKeyId`,
    entry.keyVaultKeyId,
    VERSIONLESS_KEY_URI,
    "a versionless Key Vault key URI such as https://my-vault.vault.azure.net/keys/acr (without a version, so the registry follows rotation)",
  );
  const identityId = read.optionalString(
    `${setting}.identityId`,
    entry.identityId,
    ARM_ID.userAssignedIdentity,
    "the ARM id of a user-assigned identity",
  );
  const identityClientId = read.optionalString(
    `${setting}.identityClientId`,
    entry.identityClientId,
    GUID,
    "the identity's client id (a GUID)",
  );
  if (!keyVaultKeyId || !identityId || !identityClientId) {
    throw new ValidationError(setting, "needs keyVaultKeyId, identityId and identityClientId");
  }
  return { keyVaultKeyId, identityId, identityClientId };
}

/** The registry's body sends it; adding or removing a key replaces the registry (parts/registry.ts). */
export const encryptionSetting = object<EncryptionArgs | undefined>(
  "Customer-managed key encryption; Azure sets it only at creation, so adding or removing it replaces the registry ({} = Microsoft-managed keys)",
  {
    type: "EncryptionArgs",
    typeFrom: "./parts/encryption",
    read: readEncryption,
    fallback: undefined,
    configDefault: {},
    premium: (encryption) => encryption !== undefined,
    details:
      "The key's identity is added to the registry's identities. Adding or removing encryption (or changing location) replaces the registry, which deletes every image in it: Pulumi refuses on a protected registry, and a preview shows the replacement. Private endpoints keep pointing at the old registry's connection: replace them after (pulumi up --replace <endpoint urn>).",
  },
);
