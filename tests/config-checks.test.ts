// Config that cannot silently mean something else: a region that is missing or misspelt, a key in a
// namespace or of a provider that nothing reads, a GitHub ref given in full. Each is refused before
// anything is declared, naming the key as the user wrote it.
import { ContainerRegistry, resolveArgs } from "../components";
import { checkConfigKeys } from "../components/config";
import { githubSubject } from "../components/parts/ci-principal";
import { runProgram } from "../testing/harness";

/** The stack program with this config; its error message, or undefined when it ran. */
async function stackError(config: Record<string, unknown>): Promise<string | undefined> {
  jest.resetModules();
  try {
    await runProgram({ stack: "dev", config, program: () => require("../index") });
    return undefined;
  } catch (error) {
    // A fresh module registry has its own ValidationError class: compare by name.
    expect((error as Error).name).toBe("ValidationError");
    return (error as Error).message;
  }
}

describe("the region", () => {
  test("no location anywhere: the stack stops, naming both keys", async () => {
    expect(await stackError({ "acr-infra:sku": "Basic" })).toBe(
      "acr-infra:location: is missing: set acr-infra:location or azure-native:location to the region, such as westeurope",
    );
  });

  test("a misspelt provider location names the provider's key and the closest regions", async () => {
    expect(await stackError({ "azure-native:location": "westeurpe" })).toBe(
      'azure-native:location: "westeurpe" is not an Azure region: did you mean westeurope? (regions known as of 2026-11-29)',
    );
  });

  test("the CLI passes Pulumi.yaml's default acr-infra:location \"\": a bad provider location is still named as the provider's key", async () => {
    expect(await stackError({ "acr-infra:location": "", "azure-native:location": "westeurpe" })).toMatch(
      /^azure-native:location: "westeurpe" is not an Azure region/,
    );
    expect(await stackError({ "acr-infra:location": "", "acr-infra:sku": "Basic" })).toBe(
      "acr-infra:location: is missing: set acr-infra:location or azure-native:location to the region, such as westeurope",
    );
  });

  test("a misspelt acr-infra:location, and a replica's", async () => {
    expect(await stackError({ "acr-infra:location": "northeurop" })).toMatch(
      /^acr-infra:location: "northeurop" is not an Azure region: did you mean northeurope/,
    );
    expect(
      await stackError({
        "azure-native:location": "westeurope",
        "acr-infra:sku": "Premium",
        "acr-infra:replicas": [{ location: "swedencentrl" }],
      }),
    ).toMatch(/^acr-infra:replicas\[0\]\.location: "swedencentrl" is not an Azure region: did you mean swedencentral/);
  });

  test("used from code without a location or the provider's, the component refuses and declares nothing", async () => {
    const registered: string[] = [];
    let message: string | undefined;
    await runProgram({
      program: () => {
        try {
          new ContainerRegistry("web", {});
        } catch (error) {
          message = (error as Error).message;
        }
        return {};
      },
      mocks: {
        newResource: (args) => {
          registered.push(args.type);
          return { id: "x", state: {} };
        },
        call: () => ({}),
      },
    });
    expect(message).toBe(
      'ContainerRegistry "web": location: is missing: give the region (such as westeurope) in location, or in the azure-native:location setting of the stack',
    );
    // Only the stack itself, which the engine registers before the program runs.
    expect(registered).toEqual(["pulumi:pulumi:Stack"]);
  });

  test("case does not matter to Azure, nor here: written in lower case, so a case-only edit changes nothing", () => {
    expect(resolveArgs({ location: "WestEurope" }).location).toBe("westeurope");
    expect(resolveArgs({ sku: "Premium", replicas: [{ location: "NorthEurope" }] }).replicas[0].location).toBe("northeurope");
    expect(() => resolveArgs({ location: "usgovvirginia" })).not.toThrow();
    expect(() => resolveArgs({ location: "mars" })).toThrow('location: "mars" is not an Azure region: use an Azure region name');
  });
});

describe("keys nothing reads", () => {
  test("a namespace that is a near miss of acr-infra is refused with the key it meant", async () => {
    expect(await stackError({ "azure-native:location": "westeurope", "acr-infr:tags": { team: "a" } })).toBe(
      "acr-infr:tags: is in no namespace this stack reads: did you mean acr-infra:tags?",
    );
  });

  test("a near-miss namespace never suggests a key that does not exist there", () => {
    expect(() => checkConfigKeys(["azure:location"])).toThrow(
      "azure:location: is in no namespace this stack reads: did you mean a key of the azuread namespace?",
    );
  });

  test("an empty azure-native:location counts as none", async () => {
    expect(await stackError({ "azure-native:location": "" })).toBe(
      "acr-infra:location: is missing: set acr-infra:location or azure-native:location to the region, such as westeurope",
    );
  });

  test("a key a provider does not have is refused with the provider's closest setting", async () => {
    // The region is then missing too: both are said at once.
    expect(await stackError({ "azure-native:locaton": "westeurope" })).toBe(
      "azure-native:locaton: is not a setting of azure-native: did you mean azure-native:location?\n" +
        "acr-infra:location: is missing: set acr-infra:location or azure-native:location to the region, such as westeurope",
    );
    expect(await stackError({ "azure-native:location": "westeurope", "azuread:tenant": "x" })).toMatch(
      /^azuread:tenant: is not a setting of azuread: did you mean azuread:tenantId/,
    );
  });

  test("a namespace nothing here reads is a warning that names the key, not an error", () => {
    const warnings: string[] = [];
    checkConfigKeys(["azure-native:location", "acr-infra:sku", "pulumi:tags", "observability:team"], (m) => warnings.push(m));
    expect(warnings).toEqual([expect.stringMatching(/^observability:team: nothing in this stack reads the observability namespace/)]);
  });
});

describe("GitHub refs", () => {
  const subjectOf = (github: Record<string, unknown>) =>
    githubSubject(
      resolveArgs({ servicePrincipal: { credential: "federated", github: { repository: "o/r", ...github } } }).servicePrincipal.github!,
    );

  test("a branch given as its full ref makes the same subject as its name", () => {
    expect(subjectOf({ branch: "refs/heads/main" })).toBe("repo:o/r:ref:refs/heads/main");
    expect(subjectOf({ branch: "main" })).toBe("repo:o/r:ref:refs/heads/main");
    expect(subjectOf({ tag: "refs/tags/v1.2.0" })).toBe("repo:o/r:ref:refs/tags/v1.2.0");
  });

  test("a ref of the other kind is refused, not turned into a subject no run has", () => {
    expect(() => subjectOf({ branch: "refs/tags/v1" })).toThrow(
      'servicePrincipal.github.branch: "refs/tags/v1" is not allowed: use the branch name (such as main) or its full ref refs/heads/<name>',
    );
    expect(() => subjectOf({ tag: "refs/heads/main" })).toThrow("servicePrincipal.github.tag:");
  });
});

test("a misspelt setting in the stack file is answered with the config key to use", async () => {
  expect(await stackError({ "azure-native:location": "westeurope", "acr-infra:skuu": "Basic" })).toBe(
    "acr-infra:skuu: is not a setting: did you mean acr-infra:sku?",
  );
});
