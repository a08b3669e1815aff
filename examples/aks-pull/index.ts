// Another stack consumes an acr-infra stack: it reads the registry's outputs through a
// StackReference and grants an AKS cluster's kubelet identity AcrPull on that registry, so the
// cluster pulls images without any credential.
import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import { roleAssignmentName, roleDefinitionId } from "acr-infra";

const config = new pulumi.Config();
const registry = new pulumi.StackReference(config.require("registryStack"));
const registryId = registry.requireOutput("registryId") as pulumi.Output<string>;
const kubeletObjectId = config.require("kubeletObjectId");
const client = authorization.getClientConfigOutput();

new authorization.RoleAssignment("kubelet-acrpull", {
  scope: registryId,
  principalId: kubeletObjectId,
  // Kubelet identities are managed identities: service principals to Entra ID.
  principalType: "ServicePrincipal",
  roleDefinitionId: client.subscriptionId.apply((subscription) => roleDefinitionId(subscription, "AcrPull")),
  roleAssignmentName: registryId.apply((scope) => roleAssignmentName(scope, kubeletObjectId, "AcrPull")),
  description: "AKS kubelet pulls images from the acr-infra registry",
});

export const loginServer = registry.requireOutput("loginServer");
