import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { MOCK_SECRET_PREFIX, readStackFile } from "../testing";
import { secretFingerprints } from "../testing/harness";
import { comparePlans, renderComparisonText } from "../tools/plan/compare";
import type { PlanDocument } from "../tools/plan/document";
import { HOURS_PER_MONTH, PRICES, estimateCost } from "../tools/plan/cost";
import { GENERIC, documentOf, planDocument, registryInputs, replaceIn, resource } from "./support/plan-documents";

const DAYS_PER_MONTH = HOURS_PER_MONTH / 24;
const REGISTRY_ARM_TYPE = "Microsoft.ContainerRegistry/registries@2025-11-01";

/** A plan document with its cost estimate, as the plan will carry it. */
const withCost = (document: PlanDocument): PlanDocument => ({ ...document, cost: estimateCost(document.resources) });

const webhook = (token: string) => (yaml: string) =>
  `${yaml.trimEnd()}\n  acr-infra:webhooks:\n    - name: deployhook\n      serviceUri: https://hooks.example.com/acr?token=${token}\n      actions: [push]\n`;

describe("comparing real plans of the project's stacks", () => {
  let dev: PlanDocument;
  let prod: PlanDocument;
  beforeAll(() => {
    dev = withCost(planDocument("dev"));
    prod = withCost(planDocument("prod"));
  });

  test("two runs of the same stack: no changes", () => {
    const comparison = comparePlans(dev, withCost(planDocument("dev")));
    expect(comparison).toEqual({
      base: { project: "acr-infra", stack: "dev" },
      current: { project: "acr-infra", stack: "dev" },
      summary: { add: 0, update: 0, replace: 0, delete: 0 },
      resources: [],
      outputs: [],
      policyViolations: { added: [], resolved: [], mandatory: [] },
      cost: { currency: "USD", before: dev.cost!.monthly, after: dev.cost!.monthly, delta: 0, label: "estimate", asOf: PRICES.asOf },
    });
    expect(renderComparisonText(comparison)).toBe("Changes from acr-infra/dev to acr-infra/dev\nNo changes.\n");
  });

  test("a changed SKU updates sku.name in place, resolves the SKU advisory and costs the difference", () => {
    const standard = withCost(planDocument("dev", (yaml) => replaceIn(yaml, "acr-infra:sku: Basic", "acr-infra:sku: Standard")));
    const comparison = comparePlans(dev, standard);
    expect(comparison.resources).toEqual([
      expect.objectContaining({
        action: "update",
        name: "acr-registry",
        armType: REGISTRY_ARM_TYPE,
        changes: [{ path: "sku.name", before: "Basic", after: "Standard", forcesReplacement: false }],
      }),
    ]);
    expect(comparison.policyViolations.added).toEqual([]);
    expect(comparison.policyViolations.resolved.map((v) => v.policy)).toEqual(["acr-sku-standard-or-premium"]);
    expect(comparison.cost.delta).toBeCloseTo((PRICES.registry.Standard - PRICES.registry.Basic) * DAYS_PER_MONTH, 1);
    const text = renderComparisonText(comparison);
    expect(text).toContain(
      `~ update  azure-native:resources:Resource (${REGISTRY_ARM_TYPE}) acr-registry\n      sku.name: Basic → Standard\n`,
    );
    expect(text).toContain("  - resolved advisory  acr-sku-standard-or-premium  acr-registry: ");
    expect(text).toMatch(/\nEstimated cost: \$\d+\.\d\d\/month → \$\d+\.\d\d\/month \(\+\$\d+\.\d\d\/month\)\n/);
    expect(text.endsWith("\n0 to add, 1 to change, 0 to replace, 0 to delete\n")).toBe(true);
  });

  test("a changed location replaces the registry, and in prod says that protect stops pulumi up", () => {
    const moved = planDocument("prod", (yaml) =>
      replaceIn(yaml, "azure-native:location: westeurope", "azure-native:location: swedencentral"),
    );
    const comparison = comparePlans(prod, moved);
    const registry = comparison.resources.find((r) => r.name === "acr-registry");
    // prod's lock: true puts a CanNotDelete lock on the registry; the lock depends on the registry,
    // which is deleted before its replacement (deleteBeforeReplace), so the lock goes first.
    expect(registry).toMatchObject({ action: "replace", blockedByProtect: true, blockedByLock: false });
    expect(registry!.changes).toContainEqual({ path: "location", before: "westeurope", after: "swedencentral", forcesReplacement: true });
    // The replica stays where it was, but it names the registry, which is deleted before it is made
    // again: the engine replaces the replica too (the deleteBeforeReplace cascade), and so its lock.
    const replica = comparison.resources.find((r) => r.name === "acr-replica-northeurope");
    expect(replica).toMatchObject({ action: "replace", replacedWith: "acr-registry", changes: [] });
    expect(comparison.resources.find((r) => r.name === "acr-registry-lock")).toMatchObject({
      action: "replace",
      replacedWith: "acr-registry",
    });
    expect(renderComparisonText(comparison)).toContain(
      "+- replace azure-native:containerregistry:Replication acr-replica-northeurope\n" +
        "      replaced with acr-registry: it is deleted before its replacement, and this depends on it\n",
    );
    expect(comparison.summary).toMatchObject({ add: 0, delete: 0 });
    expect(comparison.summary.replace).toBeGreaterThan(0);
    expect(renderComparisonText(comparison)).toContain(
      `+- replace azure-native:resources:Resource (${REGISTRY_ARM_TYPE}) acr-registry\n` +
        "      location: westeurope → swedencentral  (forces replacement)\n" +
        "      protected: pulumi up refuses to replace it",
    );
  });

  test("removing prod's replica (docs/plan.md's example): the registry's delete lock refuses it until the lock goes", () => {
    // ARM locks are inherited by everything under their scope (Management Locks REST API, 2016-09-01):
    // the replica is a child of the locked registry.
    const noReplica = withCost(planDocument("prod", (yaml) => replaceIn(yaml, "  acr-infra:replicas:\n    - location: northeurope\n", "")));
    const comparison = comparePlans(prod, noReplica);
    expect(comparison.resources).toEqual([
      expect.objectContaining({ action: "delete", name: "acr-replica-northeurope", blockedByLock: true, blockedByProtect: false }),
    ]);
    expect(renderComparisonText(comparison)).toContain(
      "- delete  azure-native:containerregistry:Replication acr-replica-northeurope\n" +
        "      locked: Azure refuses to delete it while a delete lock covers it; remove the lock (lock: false) in an update of its own first\n",
    );
    // Without the lock, nothing stands in the way.
    const unlocked = (yaml: string) => replaceIn(yaml, "acr-infra:lock: true", "acr-infra:lock: false");
    const base = planDocument("prod", unlocked);
    const removed = comparePlans(
      base,
      planDocument("prod", (yaml) => replaceIn(unlocked(yaml), "  acr-infra:replicas:\n    - location: northeurope\n", "")),
    );
    expect(removed.resources).toEqual([expect.objectContaining({ action: "delete", blockedByLock: false })]);
    expect(renderComparisonText(removed)).not.toContain("locked:");
  });

  test("a lock replaced together with the resources it points at and waits for goes first: none of them is refused", () => {
    const renamed = planDocument("prod", (yaml) => `${yaml.trimEnd()}\n  acr-infra:registryName: acrinfrarenamed01\n`);
    const comparison = comparePlans(prod, renamed);
    const byName = new Map(comparison.resources.map((r) => [r.name, r]));
    expect(byName.get("acr-registry-lock")).toMatchObject({ action: "replace" });
    expect(byName.get("acr-registry")).toMatchObject({ action: "replace", blockedByLock: false });
    // The replica moves with the registry's name; the lock waits for everything beneath the registry
    // (a ReadOnly lock must: parts/locks.ts), so the engine deletes the lock before the replica too.
    expect(byName.get("acr-replica-northeurope")).toMatchObject({ action: "replace", blockedByLock: false });
    expect(prod.resources.find((r) => r.name === "acr-registry-lock")!.dependsOn).toEqual(
      expect.arrayContaining(
        prod.resources.filter((r) => /^acr-(replica|audit-logs|purge|ci-role|pull-role)/.test(r.name)).map((r) => r.urn),
      ),
    );
  });

  test("a change pulumi up ignores (the registry's ignoreChanges) is no change", () => {
    const noZones = planDocument("prod", (yaml) => replaceIn(yaml, "acr-infra:zoneRedundancy: true", "acr-infra:zoneRedundancy: false"));
    const comparison = comparePlans(prod, noZones);
    const paths = comparison.resources.flatMap((r) => r.changes.map((c) => `${r.name} ${c.path}`));
    expect(paths.filter((p) => /zoneRedundancy/.test(p))).toEqual([]);
    expect(comparison.summary).toEqual({ add: 0, update: 0, replace: 0, delete: 0 });
  });

  test("a mandatory violation present on both sides is still listed: the comparison exits 2 and says why", () => {
    const admin = planDocument("prod", (yaml) => replaceIn(yaml, "acr-infra:adminUserEnabled: false", "acr-infra:adminUserEnabled: true"));
    const comparison = comparePlans(admin, admin);
    expect(comparison.policyViolations.added).toEqual([]);
    expect(comparison.policyViolations.mandatory.map((v) => v.policy)).toContain("acr-admin-user-disabled");
    const text = renderComparisonText(comparison);
    expect(text).not.toContain("No changes.");
    expect(text).toMatch(/\nMandatory violations in this plan \(exit 2\), new or not:\n {2}acr-admin-user-disabled {2}acr-registry: /);
  });

  test("a changed purge rule reads as the acr purge command it runs, not as base64", () => {
    const comparison = comparePlans(dev, withCost(planDocument("dev", (yaml) => replaceIn(yaml, "ago: 7d", "ago: 14d"))));
    expect(comparison.resources).toEqual([
      expect.objectContaining({
        action: "update",
        type: "azure-native:containerregistry:Task",
        changes: [
          {
            path: "step.taskContent.steps[0].cmd",
            before: expect.stringMatching(/^acr purge .* --ago 7d /),
            after: expect.stringMatching(/^acr purge .* --ago 14d /),
            forcesReplacement: false,
          },
        ],
      }),
    ]);
    expect(renderComparisonText(comparison)).not.toMatch(/encodedTaskContent|dmVyc2lvbj/);
  });

  test("a base priced with an older table: only resource changes move the cost, not the table's prices", () => {
    const olderPrices = { ...PRICES, registry: { ...PRICES.registry, Premium: PRICES.registry.Premium / 2 } };
    const base = { ...prod, cost: estimateCost(prod.resources, olderPrices) };
    const comparison = comparePlans(base, withCost(planDocument("prod")));
    expect(comparison.cost).toMatchObject({ before: prod.cost!.monthly, after: prod.cost!.monthly, delta: 0 });
  });

  test("a new replica is an add with its inputs, and costs one more Premium registry a month", () => {
    const twoReplicas = withCost(
      planDocument("prod", (yaml) =>
        replaceIn(yaml, "    - location: northeurope", "    - location: northeurope\n    - location: swedencentral"),
      ),
    );
    const comparison = comparePlans(prod, twoReplicas);
    expect(comparison.summary).toEqual({ add: 1, update: 0, replace: 0, delete: 0 });
    expect(comparison.resources).toEqual([
      expect.objectContaining({
        action: "add",
        type: "azure-native:containerregistry:Replication",
        name: "acr-replica-swedencentral",
        inputs: expect.objectContaining({ location: "swedencentral", zoneRedundancy: "Enabled" }),
      }),
    ]);
    expect(comparison.cost.delta).toBeCloseTo(PRICES.replica * DAYS_PER_MONTH, 1);
    expect(renderComparisonText(comparison)).toContain(
      "+ add     azure-native:containerregistry:Replication acr-replica-swedencentral\n      location: swedencentral\n",
    );
  });

  test("a webhook taken out of the config is a delete", () => {
    const comparison = comparePlans(planDocument("dev", webhook("first-token-5b1c")), dev);
    expect(comparison.summary).toEqual({ add: 0, update: 0, replace: 0, delete: 1 });
    expect(comparison.resources).toEqual([
      expect.objectContaining({
        action: "delete",
        type: "azure-native:containerregistry:Webhook",
        name: "acr-webhook-deployhook",
        blockedByProtect: false,
      }),
    ]);
    expect(renderComparisonText(comparison)).toContain("\n- delete  azure-native:containerregistry:Webhook acr-webhook-deployhook\n");
  });

  test("secrets stay masked: a changed webhook URI reads [secret] → [secret] (changed), and no value appears", () => {
    const first = planDocument("dev", webhook("first-token-5b1c"));
    const second = planDocument("dev", webhook("second-token-9e4d"));
    const changed = comparePlans(first, second);
    expect(changed.resources).toEqual([
      expect.objectContaining({
        action: "update",
        name: "acr-webhook-deployhook",
        changes: [{ path: "serviceUri", before: "[secret]", after: "[secret]", forcesReplacement: false, secretChanged: true }],
      }),
    ]);
    expect(renderComparisonText(changed)).toContain("      serviceUri: [secret] → [secret] (changed)\n");
    // The same secret twice: no change.
    expect(comparePlans(second, planDocument("dev", webhook("second-token-9e4d"))).resources).toEqual([]);

    const added = comparePlans(dev, second);
    expect(added.resources[0].inputs).toMatchObject({ serviceUri: "[secret]" });
    // dev's client secret is masked in both plans: not an output change.
    expect(dev.outputs.servicePrincipalClientSecret).toBe("[secret]");
    expect(added.outputs).toEqual([]);
    for (const shown of [
      JSON.stringify(added),
      renderComparisonText(added),
      JSON.stringify(changed),
      renderComparisonText(changed),
      JSON.stringify(second),
    ]) {
      expect(shown).not.toContain("first-token-5b1c");
      expect(shown).not.toContain("second-token-9e4d");
      expect(shown).not.toContain(MOCK_SECRET_PREFIX);
    }
    expect(renderComparisonText(added)).toContain("      serviceUri: [secret]\n");
  });

  test("a secure: value stands in as a value that changes with its ciphertext, and never holds it", () => {
    const standIn = (ciphertext: string) => {
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "acr-secure-")), "Pulumi.dev.yaml");
      fs.writeFileSync(file, `config:\n  acr-infra:registryName:\n    secure: ${ciphertext}\n`);
      const { config, secretKeys } = readStackFile(file);
      expect(secretKeys).toEqual(["acr-infra:registryName"]);
      return config["acr-infra:registryName"] as string;
    };
    expect(standIn("v1:AAAA")).toBe(standIn("v1:AAAA"));
    expect(standIn("v1:AAAA")).not.toBe(standIn("v1:BBBB"));
    expect(standIn("v1:AAAA")).toMatch(/^encrypted-acr-infra:registryName-[0-9a-f]{12}$/);
  });

  test("outputs and policy violations: the admin user on adds its outputs (password masked) and an advisory; off again resolves it", () => {
    const admin = planDocument("dev", (yaml) => replaceIn(yaml, "acr-infra:adminUserEnabled: false", "acr-infra:adminUserEnabled: true"));
    const on = comparePlans(dev, admin);
    expect(on.outputs).toEqual([
      { name: "adminPassword", action: "add", after: "[secret]" },
      { name: "adminUsername", action: "add", after: dev.outputs.registryName },
    ]);
    expect(on.policyViolations.added).toEqual([expect.objectContaining({ policy: "acr-admin-user-disabled", enforcement: "advisory" })]);
    expect(on.policyViolations.resolved).toEqual([]);
    expect(renderComparisonText(on)).toContain("\nOutputs:\n  + adminPassword: [secret]\n");
    expect(renderComparisonText(on)).toContain("  + new      advisory  acr-admin-user-disabled  acr-registry: The admin user is on");

    const off = comparePlans(admin, dev);
    expect(off.outputs.map((o) => [o.name, o.action])).toEqual([
      ["adminPassword", "delete"],
      ["adminUsername", "delete"],
    ]);
    expect(off.policyViolations).toEqual({ added: [], resolved: on.policyViolations.added, mandatory: [] });
  });
});

describe("the comparison as text and as JSON", () => {
  const group = resource("azure-native:resources:ResourceGroup", "acr-rg", { location: "westeurope", tags: { env: "dev" } });
  const registry = resource(GENERIC, "acr-registry", registryInputs, { protect: true });
  const oldHook = resource("azure-native:containerregistry:Webhook", "acr-webhook-old", { serviceUri: "[secret]" });
  const newHook = resource("azure-native:containerregistry:Webhook", "acr-webhook-new", { serviceUri: "[secret]", actions: ["push"] });
  const comparison = comparePlans(
    documentOf([group, registry, oldHook], { outputs: { loginServer: "acrone.azurecr.io", retired: true } }),
    documentOf(
      [
        { ...group, inputs: { location: "westeurope", tags: { env: "prod" } } },
        { ...registry, inputs: { ...registryInputs, location: "northeurope" } },
        newHook,
      ],
      {
        outputs: { loginServer: "acrtwo.azurecr.io", adminPassword: "[secret]" },
      },
    ),
  );

  test("each action with its sign, the changed inputs indented, outputs, and a count", () => {
    expect(comparison.summary).toEqual({ add: 1, update: 1, replace: 1, delete: 1 });
    const text = renderComparisonText(comparison);
    expect(text).toContain(
      '\n+ add     azure-native:containerregistry:Webhook acr-webhook-new\n      actions: ["push"]\n      serviceUri: [secret]\n',
    );
    expect(text).toContain("\n- delete  azure-native:containerregistry:Webhook acr-webhook-old\n");
    expect(text).toContain(
      `\n+- replace azure-native:resources:Resource (${REGISTRY_ARM_TYPE}) acr-registry\n      location: westeurope → northeurope  (forces replacement)\n      protected: pulumi up refuses to replace it`,
    );
    expect(text).toContain("\n~ update  azure-native:resources:ResourceGroup acr-rg\n      tags.env: dev → prod\n");
    expect(text).toContain(
      "\nOutputs:\n  + adminPassword: [secret]\n  ~ loginServer: acrone.azurecr.io → acrtwo.azurecr.io\n  - retired: true\n",
    );
    expect(text.endsWith("\n1 to add, 1 to change, 1 to replace, 1 to delete\n")).toBe(true);
    expect(text).not.toContain("No changes.");
  });

  test("is plain JSON: written out and read back, it is the same", () => {
    expect(JSON.parse(JSON.stringify(comparison))).toStrictEqual(comparison);
  });
});

test("secret fingerprints are keyed by the paths the comparison prints, quoted keys included", () => {
  // Pulumi's wire form of a secret (the SDK's specialSigKey and specialSecretSig).
  const secret = (value: unknown) => ({ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value });
  const prints = secretFingerprints({ serviceUri: secret("https://a"), tags: { "a.b": secret("x") }, list: [{ token: secret("t") }] });
  expect(Object.keys(prints).sort()).toEqual(["list[0].token", "serviceUri", 'tags["a.b"]']);
  expect(Object.values(prints).every((p) => /^scrypt:[0-9a-f]{24}$/.test(p))).toBe(true);
  expect(secretFingerprints({ serviceUri: secret("https://a") })).toEqual({ serviceUri: prints.serviceUri });
  expect(secretFingerprints({ serviceUri: secret("https://b") }).serviceUri).not.toBe(prints.serviceUri);
});

test("a lock covers its own resource, that resource's children and what extends it, not a same-named resource of another kind", () => {
  const scope = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/shared1";
  const lock = resource("azure-native:authorization:ManagementLockByScope", "logs-lock", { level: "CanNotDelete", scope });
  const registry = resource(GENERIC, "acr", { ...registryInputs, resourceName: "shared1", resourceGroupName: "rg" });
  const account = resource("azure-native:storage:StorageAccount", "logs", { accountName: "shared1", resourceGroupName: "rg" });
  const policy = resource("azure-native:storage:ManagementPolicy", "rule", {
    accountName: "shared1",
    resourceGroupName: "rg",
    managementPolicyName: "default",
  });
  const elsewhere = resource("azure-native:storage:StorageAccount", "other", { accountName: "shared1", resourceGroupName: "rg2" });
  const role = resource("azure-native:authorization:RoleAssignment", "reader", {
    scope: `${scope}/blobServices/default`,
    principalId: "p",
  });
  const all = [lock, registry, account, policy, elsewhere, role];
  const blocked = comparePlans(documentOf(all), documentOf([lock]))
    .resources.filter((r) => r.blockedByLock)
    .map((r) => r.name);
  expect(blocked.sort()).toEqual(["logs", "reader", "rule"]);
});
