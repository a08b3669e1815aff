// The PolicyPack entry for real deployments:
//   pulumi preview --policy-pack policy                                        (any stack)
//   pulumi preview --policy-pack policy --policy-pack-config policy/production.json   (production)
// It hands the same policy objects the offline plan evaluates to the Pulumi CLI. Do not import this
// file from code: constructing a PolicyPack starts the policy server.
import { PolicyPack } from "@pulumi/policy";
import { policies } from "./rules";

new PolicyPack("acr-infra", {
  // "Is this a secret" cannot be asked in a real preview (policies see secrets decrypted): that
  // rule runs in the offline plan only.
  policies: policies.filter((policy) => policy.inPolicyPack),
});
