// The defaults a child resource's fields document (their TSDoc feeds docs/configuration.md) are the
// ones its reader applies: each documented "Default X" is checked against what resolveArgs gives for
// a value that leaves the field out, so the two places a default is written cannot drift apart.
import { resolveArgs } from "../components/settings";
import { interfaceFields } from "../tools/generate/settings-docs";
import { GUID } from "./support/validation";

/** Each interface: its module, settings that leave its optional fields out, and where the read item is. */
const CHILDREN: { module: string; name: string; args: Record<string, unknown>; item: (resolved: Record<string, unknown>) => unknown }[] = [
  { module: "parts/ci-principal", name: "ServicePrincipalArgs", args: {}, item: (r) => r.servicePrincipal },
  {
    module: "parts/replicas",
    name: "ReplicaArgs",
    args: { sku: "Premium", replicas: [{ location: "northeurope" }] },
    item: (r) => (r.replicas as unknown[])[0],
  },
  {
    module: "parts/webhooks",
    name: "WebhookArgs",
    args: { webhooks: [{ name: "deployhook", serviceUri: "https://hooks.example.com/x", actions: ["push"] }] },
    item: (r) => (r.webhooks as unknown[])[0],
  },
  {
    module: "parts/scope-maps",
    name: "TokenArgs",
    args: { scopeMaps: [{ name: "ci-read", actions: ["repositories/app/content/read"], tokens: [{ name: "ci-token" }] }] },
    item: (r) => (r.scopeMaps as { tokens: unknown[] }[])[0].tokens[0],
  },
  {
    module: "parts/role-assignments",
    name: "RoleAssignmentArgs",
    args: { roleAssignments: [{ principalId: GUID, principalType: "Group", role: "AcrPull" }] },
    item: (r) => (r.roleAssignments as unknown[])[0],
  },
  { module: "parts/identity", name: "RegistryIdentityArgs", args: {}, item: (r) => r.identity },
  {
    module: "purge-rules",
    name: "PurgeRule",
    args: { purge: [{ schedule: "0 3 * * *", filter: "app:.*", ago: "7d" }] },
    item: (r) => (r.purge as unknown[])[0],
  },
  {
    module: "parts/diagnostics",
    name: "DiagnosticsArgs",
    args: {
      diagnostics: { workspaceId: "/subscriptions/0/resourceGroups/logs/providers/Microsoft.OperationalInsights/workspaces/team-logs" },
    },
    item: (r) => r.diagnostics,
  },
];

/** "Default `true`", "Default 180;", "Default `["allLogs"]`": the documented value, parsed as JSON where it is JSON. */
function documentedDefault(doc: string): unknown {
  const text = /\bDefault (`[^`]+`|[^\s;:,.]+)/.exec(doc)?.[1]?.replace(/^`|`$/g, "");
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

test.each(CHILDREN)("$name: every documented default is the one applied", ({ module, name, args, item }) => {
  const resolved = item(resolveArgs({ location: "westeurope", ...args })) as Record<string, unknown>;
  const documented = interfaceFields(module, name).flatMap((field) => {
    const value = documentedDefault(field.doc);
    return value === undefined ? [] : [{ field: field.name, value }];
  });
  expect(documented.length).toBeGreaterThan(0);
  for (const { field, value } of documented) expect({ field, applied: resolved[field] }).toEqual({ field, applied: value });
});
