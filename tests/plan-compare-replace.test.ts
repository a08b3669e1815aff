import { PRICES, estimateCost } from "../tools/plan/cost";
import { GENERIC, change, documentOf, registryInputs, resource } from "./support/plan-documents";
import { comparePlans, renderComparisonText } from "../tools/plan/compare";

const REGISTRY_ARM_TYPE = "Microsoft.ContainerRegistry/registries@2025-11-01";

describe("replace or update, decided offline", () => {
  test("an old base without replaceOnChanges or cost still compares: the current resource's option decides, by path prefix", () => {
    const base = resource("acme:index:Vault", "vault", { properties: { encryption: { status: "disabled" }, note: "a" } });
    const current = { ...base, replaceOnChanges: ["properties.encryption"] };
    const encrypted = change(base, { ...current, inputs: { properties: { encryption: { status: "enabled" }, note: "a" } } });
    expect(encrypted).toMatchObject({
      action: "replace",
      changes: [{ path: "properties.encryption.status", before: "disabled", after: "enabled", forcesReplacement: true }],
    });
    expect(change(base, { ...current, inputs: { properties: { encryption: { status: "disabled" }, note: "b" } } })).toMatchObject({
      action: "update",
    });
    // A listed path under an object that appears whole is changed too.
    const deeper = { ...base, inputs: { properties: { note: "a" } } };
    expect(change(deeper, { ...deeper, replaceOnChanges: ["properties.encryption.status"], inputs: base.inputs })).toMatchObject({
      action: "replace",
      changes: [{ path: "properties.encryption", after: { status: "disabled" }, forcesReplacement: true }],
    });
    // `*` matches any one segment.
    const endpoint = resource(
      "acme:index:Endpoint",
      "pe",
      { connections: [{ groupIds: ["registry"] }] },
      { replaceOnChanges: ["connections[*].groupIds"] },
    );
    expect(change(endpoint, { ...endpoint, inputs: { connections: [{ groupIds: ["registry", "data"] }] } }).action).toBe("replace");

    // The base has no cost (older plans did not carry one): both sides are priced here all the same.
    const comparison = comparePlans(documentOf([base]), documentOf([current], { cost: estimateCost([]) }));
    expect(comparison.cost).toEqual({ currency: "USD", before: 0, after: 0, delta: 0, label: "estimate", asOf: PRICES.asOf });
  });

  test("the generic registry: location and its ARM path inputs replace it; its properties update it", () => {
    const registry = resource(GENERIC, "acr-registry", registryInputs);
    expect(change(registry, { ...registry, inputs: { ...registryInputs, resourceName: "acrtwo" } })).toMatchObject({
      action: "replace",
      armType: REGISTRY_ARM_TYPE,
      changes: [{ path: "resourceName", before: "acrone", after: "acrtwo", forcesReplacement: true }],
    });
    expect(change(registry, { ...registry, inputs: { ...registryInputs, location: "northeurope" } }).action).toBe("replace");
    const exportOff = {
      ...registryInputs,
      properties: { ...registryInputs.properties, policies: { exportPolicy: { status: "disabled" } } },
    };
    expect(change(registry, { ...registry, inputs: exportOff })).toMatchObject({
      action: "update",
      changes: [{ path: "properties.policies.exportPolicy.status", before: "enabled", after: "disabled", forcesReplacement: false }],
    });
    // The component's own option, as the program sends it.
    const withOption = { ...registry, replaceOnChanges: ["location", "properties.encryption.status"] };
    const encrypted = { ...registryInputs, properties: { ...registryInputs.properties, encryption: { status: "enabled" } } };
    expect(change(withOption, { ...withOption, inputs: encrypted }).action).toBe("replace");
  });

  test("a replica: its own name and its registry's name are both in its ARM id and replace it; its tags update it", () => {
    const type = "azure-native:containerregistry:Replication";
    const inputs = {
      location: "northeurope",
      registryName: "acrone",
      replicationName: "northeurope",
      resourceGroupName: "rg",
      tags: { env: "dev" },
    };
    const replica = resource(type, "acr-replica-northeurope", inputs);
    expect(change(replica, { ...replica, inputs: { ...inputs, registryName: "acrtwo" } }).action).toBe("replace");
    expect(change(replica, { ...replica, inputs: { ...inputs, replicationName: "neu" } }).action).toBe("replace");
    expect(change(replica, { ...replica, inputs: { ...inputs, tags: { env: "prod" } } })).toMatchObject({
      action: "update",
      changes: [{ path: "tags.env", before: "dev", after: "prod", forcesReplacement: false }],
    });
  });

  test("a location spelled another way is no change, as azure-native compares them", () => {
    const group = resource("azure-native:resources:ResourceGroup", "acr-rg", { location: "westeurope" });
    expect(comparePlans(documentOf([group]), documentOf([{ ...group, inputs: { location: "West Europe" } }])).resources).toEqual([]);
  });

  test("a client secret and a random suffix are replaced on any change; an Entra ID application is updated", () => {
    const password = resource("azuread:index/applicationPassword:ApplicationPassword", "acr-ci-a", {
      displayName: "a",
      endDate: "2026-12-23T00:00:00Z",
    });
    expect(change(password, { ...password, inputs: { displayName: "a", endDate: "2027-01-22T00:00:00Z" } }).action).toBe("replace");
    const suffix = resource("random:index/randomString:RandomString", "acr-name-suffix", { length: 8 });
    expect(change(suffix, { ...suffix, inputs: { length: 10 } }).action).toBe("replace");
    const application = resource("azuread:index/application:Application", "acr-ci", { displayName: "a" });
    expect(change(application, { ...application, inputs: { displayName: "b" } }).action).toBe("update");
  });

  test("protect turned off with nothing else changed is an update that shows it", () => {
    const registry = resource(GENERIC, "acr-registry", registryInputs, { protect: true });
    const unprotected = change(registry, { ...registry, protect: false });
    expect(unprotected).toMatchObject({ action: "update", changes: [], protect: { before: true, after: false }, blockedByProtect: false });
    expect(renderComparisonText(comparePlans(documentOf([registry]), documentOf([{ ...registry, protect: false }])))).toContain(
      "      protect: true → false\n",
    );
  });

  test("lists of plain values change whole at their path; lists of objects item by item; odd keys are quoted", () => {
    const type = "azure-native:network:PrivateEndpoint";
    const inputs = { privateLinkServiceConnections: [{ groupIds: ["registry"], name: "acr" }], tags: { "app.kubernetes.io/name": "acr" } };
    const endpoint = resource(type, "acr-pe", inputs);
    const next = {
      privateLinkServiceConnections: [{ groupIds: ["registry", "registry_data_westeurope"], name: "acr" }],
      tags: { "app.kubernetes.io/name": "registry" },
    };
    expect(change(endpoint, { ...endpoint, inputs: next }).changes).toEqual([
      {
        path: "privateLinkServiceConnections[0].groupIds",
        before: ["registry"],
        after: ["registry", "registry_data_westeurope"],
        forcesReplacement: false,
      },
      { path: 'tags["app.kubernetes.io/name"]', before: "acr", after: "registry", forcesReplacement: false },
    ]);
  });
});
