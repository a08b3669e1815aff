import { ARM_ID } from "../azure-facts";
import { Earlier, object } from "../setting-kinds";
import { read } from "../validation";
import { EncryptionArgs } from "./encryption";

/** Managed identities on the registry itself (for ACR Tasks, CMK, artifact cache). */
export interface RegistryIdentityArgs {
  /** Default `false`. */
  systemAssigned?: boolean;
  /** ARM ids of user-assigned identities. */
  userAssignedIdentityIds?: string[];
}

/** The registry's identities; `earlier.encryption` (read before identity) adds its key's identity. */
function readIdentity(value: unknown, setting: string, earlier: Earlier): Required<RegistryIdentityArgs> {
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
  const identity = { systemAssigned: read.boolean(`${setting}.systemAssigned`, entry.systemAssigned, false), userAssignedIdentityIds: ids };
  return withKeyIdentity(identity, earlier.encryption as EncryptionArgs | undefined);
}

export const identitySetting = object<Required<RegistryIdentityArgs>>("Managed identities on the registry itself", {
  type: "RegistryIdentityArgs",
  typeFrom: "./parts/identity",
  read: readIdentity,
  fallback: { systemAssigned: false, userAssignedIdentityIds: [] },
  configDefault: {},
});

/** A customer-managed key's identity is added to the registry's rather than asked for twice. */
function withKeyIdentity(identity: Required<RegistryIdentityArgs>, encryption: EncryptionArgs | undefined): Required<RegistryIdentityArgs> {
  const ids = identity.userAssignedIdentityIds;
  const keyIdentity = encryption?.identityId;
  if (!keyIdentity || ids.some((id) => id.toLowerCase() === keyIdentity.toLowerCase())) return identity;
  return { ...identity, userAssignedIdentityIds: [...ids, keyIdentity] };
}
