// A team's stack with its own registry, built from the acr-infra component: Standard SKU, CI
// pushes with a federated GitHub identity (no secret), the team's group may pull, and pull-request
// images are purged weekly. `npm install acr-infra`, then this is the whole program.
import * as pulumi from "@pulumi/pulumi";
import { ContainerRegistry } from "acr-infra";

const config = new pulumi.Config();
const team = config.require("team");

const registry = new ContainerRegistry(team, {
  sku: "Standard",
  location: "westeurope",
  tags: { team },
  servicePrincipal: { role: "AcrPush", credential: "federated", github: { repository: `contoso/${team}-service`, branch: "main" } },
  roleAssignments: [{ principalId: "6f1c1f4e-3b1a-4c55-9a51-0c9d2f6e8a10", principalType: "Group", role: "AcrPull" }],
  purge: [{ schedule: "0 2 * * 6", filter: `${team}/.*:pr-.*`, ago: "14d", untagged: true }],
});

export const loginServer = registry.loginServer;
export const ciClientId = registry.servicePrincipalClientId;
export const tenantId = registry.tenantId;
