// A ReadOnly lock refuses creates beneath the registry, so on a first deployment it must come last:
// the registry's lock waits for every resource that takes the registry as an input, whichever part
// declares it (components/container-registry.ts collects them). Found from the inputs, not from a
// list of types, so a child a later part adds is checked too.
import { ContainerRegistry } from "../components";
import { runProgram } from "../testing/harness";
import { T } from "./support/stacks";

const SUBNET = "/subscriptions/0/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/vnet/subnets/pe";
const VAULT_ID = "/subscriptions/0/resourceGroups/secrets/providers/Microsoft.KeyVault/vaults/upstream-kv";
const secret = (name: string) => `https://upstream-kv.vault.azure.net/secrets/${name}`;

test("the registry's ReadOnly lock waits for everything that takes the registry as an input", async () => {
  const run = await runProgram({
    stack: "lock-waits",
    program: () => {
      new ContainerRegistry("acr", {
        location: "westeurope",
        sku: "Premium",
        lock: "ReadOnly",
        replicas: [{ location: "northeurope" }],
        privateEndpoints: [{ subnetId: SUBNET }],
        webhooks: [{ name: "deployhook", serviceUri: "https://hooks.example.com/acr", actions: ["push"] }],
        scopeMaps: [{ name: "ci-read", actions: ["repositories/app/content/read"], tokens: [{ name: "ci-token" }] }],
        purge: [{ schedule: "0 3 * * *", filter: "app:pr-.*", ago: "7d" }],
        credentialSets: [
          {
            name: "dockerhub",
            loginServer: "docker.io",
            usernameSecretId: secret("u"),
            passwordSecretId: secret("p"),
            keyVaultId: VAULT_ID,
          },
        ],
        cacheRules: [{ name: "nginx", source: "docker.io/library/nginx", target: "nginx", credentialSet: "dockerhub" }],
        roleAssignments: [{ principalId: "11111111-2222-3333-4444-555555555555", principalType: "Group", role: "AcrPull" }],
        pullIdentity: true,
        diagnostics: { workspaceId: "/subscriptions/0/resourceGroups/logs/providers/Microsoft.OperationalInsights/workspaces/team-logs" },
      });
    },
  });
  const registry = run.resources.find((r) => r.type === T.registry)!;
  const registryLock = run.resources.find((r) => r.type === T.lock && r.name === "acr-registry-lock")!;
  const beneath = run.resources.filter(
    (r) => r.type !== T.lock && Object.values(r.propertyDependencies).some((urns) => urns.includes(registry.urn)),
  );
  // Every kind the settings above make is among them.
  expect(new Set(beneath.map((r) => r.type.split(":").pop()))).toEqual(
    new Set([
      "Replication",
      "PrivateEndpoint",
      "Webhook",
      "ScopeMap",
      "Token",
      "Task",
      "CredentialSet",
      "CacheRule",
      "RoleAssignment",
      "DiagnosticSetting",
    ]),
  );
  const missing = beneath.filter((r) => !registryLock.dependsOn.includes(r.urn)).map((r) => r.name);
  expect(missing).toEqual([]);
});
