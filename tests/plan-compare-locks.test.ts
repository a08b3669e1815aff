import { comparePlans, renderComparisonText } from "../tools/plan/compare";
import { GENERIC, documentOf, planDocument, registryInputs, replaceIn, resource } from "./support/plan-documents";

// What a ReadOnly lock of the base plan refuses (tools/plan/compare/locks.ts); the delete locks'
// cases are in plan-compare.test.ts.
describe("ReadOnly locks", () => {
  const registryId = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/acrone";
  const lockOf = (level: string, dependsOn: string[] = []) =>
    resource(
      "azure-native:authorization:ManagementLockByScope",
      "acr-registry-lock",
      { level, scope: registryId, lockName: "acr-registry-cannot-delete" },
      { dependsOn },
    );
  const registry = (sku: string) => resource(GENERIC, "acr-registry", { ...registryInputs, sku: { name: sku } });
  const hook = (name: string, scope = "app:*") =>
    resource("azure-native:containerregistry:Webhook", name, { registryName: "acrone", resourceGroupName: "rg", webhookName: name, scope });
  const setting = resource("azure-native:monitor:DiagnosticSetting", "acr-diagnostics", { resourceUri: registryId, workspaceId: "/w" });

  test("refuse updates and creates beneath them, not only deletes; a CanNotDelete lock refuses deletes only", () => {
    // lock-resources.md: ReadOnly "can read a resource, but they can't delete or update it".
    const before = [lockOf("ReadOnly"), registry("Premium"), hook("keep"), hook("old"), setting];
    const after = [lockOf("ReadOnly"), registry("Standard"), hook("keep", "app:v*"), hook("new"), setting];
    const comparison = comparePlans(documentOf(before), documentOf(after));
    const blocked = Object.fromEntries(comparison.resources.map((r) => [r.name, [r.action, r.blockedByLock, r.blockingLockLevel]]));
    expect(blocked).toEqual({
      "acr-registry": ["update", true, "ReadOnly"],
      keep: ["update", true, "ReadOnly"],
      new: ["add", true, "ReadOnly"],
      old: ["delete", true, "ReadOnly"],
    });
    const text = renderComparisonText(comparison);
    expect(text).toContain(
      "~ update  azure-native:containerregistry:Webhook keep\n      scope: app:* → app:v*\n" +
        "      locked: Azure refuses to change it while a ReadOnly lock covers it; lower the lock (lock: true) or remove it (lock: false) in an update of its own first\n",
    );
    expect(text).toContain("      locked: Azure refuses to create it while a ReadOnly lock covers it;");
    expect(text).toContain(
      "- delete  azure-native:containerregistry:Webhook old\n      locked: Azure refuses to delete it while a ReadOnly lock covers it; remove the lock (lock: false) in an update of its own first\n",
    );

    const delete_ = comparePlans(
      documentOf(before.map((r) => (r.name === "acr-registry-lock" ? lockOf("CanNotDelete") : r))),
      documentOf(after.map((r) => (r.name === "acr-registry-lock" ? lockOf("CanNotDelete") : r))),
    );
    expect(delete_.resources.filter((r) => r.blockedByLock).map((r) => [r.name, r.blockingLockLevel])).toEqual([["old", "CanNotDelete"]]);
  });

  test("lowering the lock in the same update does not help: it is updated after what it waits for", () => {
    const before = [lockOf("ReadOnly", [hook("keep").urn]), registry("Premium"), hook("keep")];
    const after = [lockOf("CanNotDelete", [hook("keep").urn]), registry("Standard"), hook("keep", "app:v*")];
    const comparison = comparePlans(documentOf(before), documentOf(after));
    expect(comparison.resources.map((r) => [r.name, r.action, r.blockedByLock]).sort()).toEqual([
      ["acr-registry", "update", true],
      ["acr-registry-lock", "update", false],
      ["keep", "update", true],
    ]);
    // In an update of its own, the level changes in place (same lockName), and then nothing beneath is refused.
    expect(comparison.resources.find((r) => r.name === "acr-registry-lock")!.changes).toEqual([
      { path: "level", before: "ReadOnly", after: "CanNotDelete", forcesReplacement: false },
    ]);
    const next = comparePlans(documentOf(after.map((r) => (r.name === "acr-registry" ? registry("Premium") : r))), documentOf(after));
    expect(next.resources.map((r) => [r.name, r.blockedByLock])).toEqual([["acr-registry", false]]);
  });

  test("prod with lock ReadOnly: the registry lock is ReadOnly, the storage lock stays CanNotDelete, and a change to the registry is refused", () => {
    const readOnly = (yaml: string) => replaceIn(yaml, "acr-infra:lock: true", 'acr-infra:lock: "ReadOnly"');
    const base = planDocument("prod", readOnly);
    const locks = base.resources.filter((r) => r.type === "azure-native:authorization:ManagementLockByScope");
    expect(locks.map((l) => [l.name, l.inputs.level, l.inputs.lockName])).toEqual([
      ["acr-logs-lock", "CanNotDelete", "acr-logs-cannot-delete"],
      ["acr-registry-lock", "ReadOnly", "acr-registry-cannot-delete"],
    ]);
    const retention = planDocument("prod", (yaml) =>
      replaceIn(readOnly(yaml), "acr-infra:retentionDays: 30", "acr-infra:retentionDays: 14"),
    );
    const comparison = comparePlans(base, retention);
    expect(comparison.resources).toEqual([
      expect.objectContaining({ action: "update", name: "acr-registry", blockedByLock: true, blockingLockLevel: "ReadOnly" }),
    ]);
    // From prod's lock: true, the switch itself is an update of the lock in place.
    const switched = comparePlans(planDocument("prod"), base);
    expect(switched.resources.find((r) => r.name === "acr-registry-lock")).toMatchObject({
      action: "update",
      blockedByLock: false,
      changes: expect.arrayContaining([{ path: "level", before: "CanNotDelete", after: "ReadOnly", forcesReplacement: false }]),
    });
  });
});
