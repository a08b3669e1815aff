import { ARM_ID } from "../azure-facts";
import { object } from "../setting-kinds";
import { read } from "../validation";
import { EncryptionArgs } from "./encryption";

/** Managed identities on the registry itself (for ACR Tasks, CMK, artifact cache). */
export interface RegistryIdentityArgs {
  /** Default `false`. */
  systemAssigned?: boolean;
  /** ARM ids of user-assigned identities. */
  userAssignedIdentityIds?: string[];
}

function readIdentity(value: unknown, setting: string): Required<RegistryIdentityArgs> {
  const entry = read.object(setting, value, ["systemAssigned", "userAssignedIdentityIds"]);
  const ids = read
    .array(`${setting}.userAssignedIdentityIds`, entry.userAssignedIdentityIds)
    .map((id, i) =>
      read.requiredString(
        `${setting}.userAssignedIdentityIds[${i}]`,
        id,
        ARM_ID.userAssignedIdentity,
        "the ARM id of a user-assigned identity",
      ),
    );
  return { systemAssigned: read.boolean(`${setting}.systemAssigned`, entry.systemAssigned, false), userAssignedIdentityIds: ids };
}

export const identitySetting = object<Required<RegistryIdentityArgs>>("Managed identities on the registry itself", {
  type: "RegistryIdentityArgs",
  typeFrom: "./parts/identity",
  read: readIdentity,
  fallback: { systemAssigned: false, userAssignedIdentityIds: [] },
  configDefault: {},
});

/** The registry's identities; a customer-managed key's identity is added rather than asked for twice. */
export function withKeyIdentity(
  identity: Required<RegistryIdentityArgs>,
  encryption: EncryptionArgs | undefined,
): Required<RegistryIdentityArgs> {
  const ids = identity.userAssignedIdentityIds;
  const keyIdentity = encryption?.identityId;
  if (!keyIdentity || ids.some((id) => id.toLowerCase() === keyIdentity.toLowerCase())) return identity;
  return { ...identity, userAssignedIdentityIds: [...ids, keyIdentity] };
}
