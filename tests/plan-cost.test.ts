import { SKUS } from "../components/azure-facts";
import type { PlanDocument } from "../tools/plan/document";
import {
  CostEstimate,
  HOURS_PER_MONTH,
  PRICES,
  PlanResource,
  PriceTable,
  estimateCost,
  formatMoney,
  renderCostText,
} from "../tools/plan/cost";
import { T } from "./support/constants";
import { planDocument } from "./support/plan-documents";

// Every expected amount is derived from prices.json, so a new price table changes the expectations with it.
const DAYS_PER_MONTH = HOURS_PER_MONTH / 24;

function lineOf(estimate: CostEstimate, type: string, plan: PlanDocument) {
  const urns = plan.resources.filter((r) => r.type === type).map((r) => r.urn);
  const lines = estimate.lines.filter((line) => urns.includes(line.urn));
  expect(lines).toHaveLength(1);
  return lines[0];
}

const sum = (amounts: number[]) => amounts.reduce((total, amount) => total + amount, 0);

test("prices.json is dated, sourced, in US dollars, and prices every SKU the component allows", () => {
  expect(PRICES.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  expect(Number.isNaN(Date.parse(PRICES.asOf))).toBe(false);
  expect(Date.parse(PRICES.asOf)).toBeLessThanOrEqual(Date.now());
  // "read YYYY-MM-DD or later": asOf is the oldest date a price was read, so no price is older than it says.
  const readDates = Object.values(PRICES.sources as Record<string, string>).flatMap((text) =>
    [...text.matchAll(/\bread (\d{4}-\d{2}-\d{2})/g)].map((m) => m[1]),
  );
  expect(readDates.length).toBeGreaterThan(0);
  expect(PRICES.asOf).toBe([...readDates].sort()[0]);
  expect(PRICES.currency).toBe("USD");
  expect(PRICES.source).toContain("prices.azure.com");
  for (const sku of SKUS) {
    expect(PRICES.registry[sku]).toBeGreaterThan(0);
    expect(PRICES.sources?.[`registry.${sku}`]).toEqual(expect.any(String));
  }
  expect(PRICES.registry.Basic).toBeLessThan(PRICES.registry.Standard);
  expect(PRICES.registry.Standard).toBeLessThan(PRICES.registry.Premium);
  for (const key of ["replica", "privateEndpoint"] as const) {
    expect(PRICES[key]).toBeGreaterThan(0);
    expect(PRICES.sources?.[key]).toEqual(expect.any(String));
  }
  expect(PRICES.storageAccountFixed).toBeGreaterThanOrEqual(0);
});

describe("the project's stacks", () => {
  let dev: PlanDocument;
  let prod: PlanDocument;
  beforeAll(() => {
    dev = planDocument("dev");
    prod = planDocument("prod");
  });

  test("dev: one Basic registry, and the audit-log account's fixed part", () => {
    const estimate = estimateCost(dev.resources);
    expect(estimate).toMatchObject({ currency: "USD", asOf: PRICES.asOf, source: PRICES.source, label: "estimate", hoursPerMonth: 730 });
    const registry = lineOf(estimate, T.registry, dev);
    expect(registry.monthly).toBeCloseTo(PRICES.registry.Basic * DAYS_PER_MONTH, 2);
    expect(registry.usageBased).toBe(false);
    const storage = lineOf(estimate, T.storageAccount, dev);
    expect(storage).toMatchObject({ monthly: PRICES.storageAccountFixed, usageBased: true });
    expect(estimate.lines).toHaveLength(2);
    expect(estimate.monthly).toBeCloseTo(PRICES.registry.Basic * DAYS_PER_MONTH + PRICES.storageAccountFixed, 2);
  });

  test("prod: a Premium registry, a Premium replica and a private endpoint, registry first", () => {
    const estimate = estimateCost(prod.resources);
    const expected = {
      registry: PRICES.registry.Premium * DAYS_PER_MONTH,
      replica: PRICES.replica * DAYS_PER_MONTH,
      endpoint: PRICES.privateEndpoint * HOURS_PER_MONTH,
    };
    expect(lineOf(estimate, T.registry, prod).monthly).toBeCloseTo(expected.registry, 2);
    expect(lineOf(estimate, T.replication, prod).monthly).toBeCloseTo(expected.replica, 2);
    expect(lineOf(estimate, T.privateEndpoint, prod).monthly).toBeCloseTo(expected.endpoint, 2);
    expect(lineOf(estimate, T.storageAccount, prod).monthly).toBe(PRICES.storageAccountFixed);
    expect(estimate.lines).toHaveLength(4);
    expect(estimate.lines[0].what).toMatch(/^Premium registry acr-registry in westeurope/);
    expect(estimate.monthly).toBeCloseTo(sum(Object.values(expected)) + PRICES.storageAccountFixed, 1);
    expect(estimate.monthly).toBeCloseTo(sum(estimate.lines.map((line) => line.monthly)), 2);
  });

  test("a region's own prices replace the table's there, and only there", () => {
    const prices: PriceTable = {
      ...PRICES,
      regions: { northeurope: { replica: PRICES.replica * 2 }, westeurope: { registry: { Premium: PRICES.registry.Premium * 3 } } },
    };
    const estimate = estimateCost(prod.resources, prices);
    expect(lineOf(estimate, T.replication, prod).monthly).toBeCloseTo(PRICES.replica * 2 * DAYS_PER_MONTH, 2);
    expect(lineOf(estimate, T.registry, prod).monthly).toBeCloseTo(PRICES.registry.Premium * 3 * DAYS_PER_MONTH, 2);
    // westeurope has no private endpoint price of its own: the table's applies, and the line says so.
    expect(lineOf(estimate, T.privateEndpoint, prod).monthly).toBeCloseTo(PRICES.privateEndpoint * HOURS_PER_MONTH, 2);
    expect(lineOf(estimate, T.privateEndpoint, prod).what).toContain(" USD an hour (US list price)");
    expect(lineOf(estimate, T.registry, prod).what).not.toContain("US list price");
    expect(lineOf(estimate, T.replication, prod).what).not.toContain("US list price");
    // The project's own table has no regional price yet: every priced line says whose price it is.
    expect(lineOf(estimateCost(prod.resources), T.registry, prod).what).toMatch(/ in westeurope, [\d.]+ USD a day \(US list price\)$/);
    // A location as a program may write it ("North Europe") is the same region.
    const spelled: PlanResource = { urn: "urn:replica", type: T.replication, name: "acr-replica", inputs: { location: "North Europe" } };
    expect(estimateCost([spelled], prices).lines[0].monthly).toBeCloseTo(PRICES.replica * 2 * DAYS_PER_MONTH, 2);
  });

  test("Log Analytics only where a diagnostic setting sends logs to a workspace: usage-based, 0, not guessed", () => {
    expect(estimateCost(prod.resources).lines.some((line) => line.what.includes("Log Analytics"))).toBe(false);
    const toWorkspace = prod.resources.map((r) =>
      r.type === T.diagnosticSetting
        ? {
            ...r,
            inputs: { ...r.inputs, workspaceId: "/subscriptions/s/resourceGroups/g/providers/Microsoft.OperationalInsights/workspaces/w" },
          }
        : r,
    );
    const estimate = estimateCost(toWorkspace);
    const logs = lineOf(estimate, T.diagnosticSetting, prod);
    expect(logs).toMatchObject({ monthly: 0, usageBased: true });
    expect(logs.what).toContain("usage-based, not estimated");
    expect(estimate.monthly).toBe(estimateCost(prod.resources).monthly);
    expect(renderCostText(estimate)).toContainEqual(
      expect.stringMatching(/^ +usage-based {2}Log Analytics ingestion from acr-audit-logs: /),
    );
  });

  test("as text: the total with its date and what it leaves out, then one line per item", () => {
    const estimate = estimateCost(prod.resources);
    const text = renderCostText(estimate);
    expect(text[0]).toBe(
      `Estimated cost: ${formatMoney(estimate.monthly, "USD")}/month (list prices read ${PRICES.asOf} or later, a month of 730 hours; ` +
        "usage such as storage, data transfer and builds not included)",
    );
    expect(text).toHaveLength(estimate.lines.length + 1);
    expect(text[1]).toBe(`  ${formatMoney(estimate.lines[0].monthly, "USD")}/month  ${estimate.lines[0].what}`);
    expect(text.at(-1)).toMatch(/^ +usage-based {2}storage account acr-logs \(Standard_LRS\)/);
  });
});

test("a registry whose SKU the table does not know is listed as not estimated, at 0", () => {
  const registry: PlanResource = {
    urn: "urn:registry",
    type: T.registry,
    name: "acr-registry",
    inputs: { resourceProviderNamespace: "Microsoft.ContainerRegistry", resourceType: "registries", sku: { name: "Gold" } },
  };
  expect(estimateCost([registry]).lines).toEqual([
    {
      urn: "urn:registry",
      what: 'registry acr-registry: SKU "Gold" is not in the price table, not estimated',
      monthly: 0,
      usageBased: false,
    },
  ]);
});

test("money: dollars with a sign where negative, other currencies by code", () => {
  expect(formatMoney(1234.5, "USD")).toBe("$1234.50");
  expect(formatMoney(-15.214, "USD")).toBe("-$15.21");
  expect(formatMoney(7.3, "EUR")).toBe("7.30 EUR");
});
