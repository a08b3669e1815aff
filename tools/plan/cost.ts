/**
 * What a planned stack costs a month at list prices: the fixed charges of what it declares (registry
 * units, geo-replicas, private endpoints), from the dated price table in prices.json. Usage (storage
 * above a SKU's included amount, data transfer, ACR Tasks, log ingestion) depends on traffic a plan
 * cannot know: it is named where a resource brings it, and priced at 0, never guessed.
 */
import { SKUS, Sku, isRegistryResource } from "../../components/azure-facts";
import { armRegionName } from "../../components/azure-regions";
import PRICE_DATA from "./prices.json";

/** Azure's own month for hourly prices (the pricing calculator's): 730 hours, so 730/24 days. */
export const HOURS_PER_MONTH = 730;
const DAYS_PER_MONTH = HOURS_PER_MONTH / 24;

/** A region's prices where they differ from the table's defaults; anything left out uses the default. */
export interface RegionPrices {
  registry?: Partial<Record<Sku, number>>;
  replica?: number;
  privateEndpoint?: number;
  storageAccountFixed?: number;
}

/** prices.json: list prices in one currency, each with where and when it was read (`source`, `sources`). */
export interface PriceTable {
  /** The date of the oldest price in the table (ISO 8601): no price was read before it. */
  asOf: string;
  currency: string;
  source: string;
  notes: string;
  /** Per price: meter, region and the date it was read. */
  sources?: Record<string, string>;
  /** A registry of each SKU, per day. */
  registry: Record<Sku, number>;
  /** A geo-replica, per day: Azure bills each replicated region as another Premium registry. */
  replica: number;
  /** A private endpoint, per hour. */
  privateEndpoint: number;
  /** A storage account's fixed charge, per month (a Standard_LRS account has none: it pays per GB and operation). */
  storageAccountFixed: number;
  /** For reference: ingestion is usage, never estimated. */
  logAnalytics: { perGbIngested: number; freeGbPerMonth: number };
  /** Keyed by ARM region name (`westeurope`). */
  regions: Record<string, RegionPrices>;
}

export const PRICES: PriceTable = PRICE_DATA;

/** What the estimate reads of a planned resource: a resource of the plan or of its JSON document. */
export interface PlanResource {
  urn: string;
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

export interface CostLine {
  urn: string;
  what: string;
  monthly: number;
  /** Its cost is (mostly) usage the estimate leaves out: `monthly` is only its fixed part, often 0. */
  usageBased: boolean;
}

export interface CostEstimate {
  currency: string;
  /** The sum of the lines, per month. */
  monthly: number;
  asOf: string;
  source: string;
  label: "estimate";
  hoursPerMonth: number;
  lines: CostLine[];
}

const TYPES = {
  replication: "azure-native:containerregistry:Replication",
  privateEndpoint: "azure-native:network:PrivateEndpoint",
  storageAccount: "azure-native:storage:StorageAccount",
  diagnosticSetting: "azure-native:monitor:DiagnosticSetting",
} as const;

/** To the cent: the prices carry at most four decimals, so more would be precision the table does not have. */
const cents = (amount: number): number => Math.round(amount * 100) / 100;

function regionOf(inputs: Record<string, unknown>): string | undefined {
  return typeof inputs.location === "string" && inputs.location !== "" ? armRegionName(inputs.location) : undefined;
}

const isSku = (value: unknown): value is Sku => typeof value === "string" && (SKUS as readonly string[]).includes(value);

function skuName(inputs: Record<string, unknown>): unknown {
  const sku = inputs.sku;
  return sku !== null && typeof sku === "object" ? (sku as { name?: unknown }).name : undefined;
}

/** The order a bill lists them in: the registry, then what it adds. */
const ORDER = { registry: 0, replica: 1, privateEndpoint: 2, storage: 3, logAnalytics: 4 } as const;

function costLine(r: PlanResource, prices: PriceTable): (CostLine & { order: number }) | undefined {
  const region = regionOf(r.inputs);
  const overrides = (region !== undefined ? prices.regions[region] : undefined) ?? {};
  const where = region !== undefined ? ` in ${region}` : "";
  // Where the table has no price of that region for the item, the line says whose price it is.
  const unit = (price: number, per: string, regional = true) => `${price} ${prices.currency} ${per}${regional ? "" : " (US list price)"}`;
  const line = (order: number, what: string, monthly: number, usageBased: boolean) => ({ order, urn: r.urn, what, monthly, usageBased });

  if (isRegistryResource(r.type, r.inputs)) {
    const sku = skuName(r.inputs);
    if (!isSku(sku)) {
      return line(
        ORDER.registry,
        `registry ${r.name}${where}: SKU ${JSON.stringify(sku)} is not in the price table, not estimated`,
        0,
        false,
      );
    }
    const daily = overrides.registry?.[sku] ?? prices.registry[sku];
    return line(
      ORDER.registry,
      `${sku} registry ${r.name}${where}, ${unit(daily, "a day", overrides.registry?.[sku] !== undefined)}`,
      cents(daily * DAYS_PER_MONTH),
      false,
    );
  }
  if (r.type === TYPES.replication) {
    const daily = overrides.replica ?? prices.replica;
    const what = `geo-replica ${r.name}${where}, billed as a Premium registry there, ${unit(daily, "a day", overrides.replica !== undefined)}`;
    return line(ORDER.replica, what, cents(daily * DAYS_PER_MONTH), false);
  }
  if (r.type === TYPES.privateEndpoint) {
    const hourly = overrides.privateEndpoint ?? prices.privateEndpoint;
    const what = `private endpoint ${r.name}${where}, ${unit(hourly, "an hour", overrides.privateEndpoint !== undefined)}; data processed is usage, not estimated`;
    return line(ORDER.privateEndpoint, what, cents(hourly * HOURS_PER_MONTH), false);
  }
  if (r.type === TYPES.storageAccount) {
    const fixed = overrides.storageAccountFixed ?? prices.storageAccountFixed;
    const sku = skuName(r.inputs);
    const kind = typeof sku === "string" ? ` (${sku})` : "";
    const fixedText = fixed === 0 ? "no fixed charge" : `${unit(fixed, "a month", overrides.storageAccountFixed !== undefined)} fixed`;
    const what = `storage account ${r.name}${kind}${where}: ${fixedText}; data stored and operations are usage-based, not estimated`;
    return line(ORDER.storage, what, cents(fixed), true);
  }
  // A diagnostic setting costs nothing itself; sent to a Log Analytics workspace, each GB ingested is
  // billed there. The volume depends on traffic, so it is named rather than guessed.
  if (r.type === TYPES.diagnosticSetting && typeof r.inputs.workspaceId === "string" && r.inputs.workspaceId !== "") {
    const { perGbIngested, freeGbPerMonth } = prices.logAnalytics;
    const what =
      `Log Analytics ingestion from ${r.name}: usage-based, not estimated ` +
      `(${unit(perGbIngested, "per GB")} after the first ${freeGbPerMonth} GB a month, read ${prices.asOf} or later; the price depends on the workspace's region)`;
    return line(ORDER.logAnalytics, what, 0, true);
  }
  return undefined;
}

/**
 * The monthly list-price estimate of the resources of a plan: each registry by SKU, each geo-replica,
 * each private endpoint, each storage account's fixed part, and Log Analytics (usage-based, 0) where
 * a diagnostic setting sends logs to a workspace. Resources that cost nothing themselves (resource
 * groups, role assignments, locks, identities, tasks until they run) have no line.
 */
export function estimateCost(resources: readonly PlanResource[], prices: PriceTable = PRICES): CostEstimate {
  // Array.prototype.sort is stable: within a kind, lines keep the plan's order.
  const lines = resources
    .flatMap((r) => costLine(r, prices) ?? [])
    .sort((a, b) => a.order - b.order)
    .map(({ order: _order, ...line }): CostLine => line);
  return {
    currency: prices.currency,
    monthly: cents(lines.reduce((sum, line) => sum + line.monthly, 0)),
    asOf: prices.asOf,
    source: prices.source,
    label: "estimate",
    hoursPerMonth: HOURS_PER_MONTH,
    lines,
  };
}

/** `$12.34` in US dollars, `12.34 EUR` otherwise; negative amounts as `-$12.34`. */
export function formatMoney(amount: number, currency: string): string {
  const digits = Math.abs(amount).toFixed(2);
  const sign = cents(amount) < 0 ? "-" : "";
  return currency === "USD" ? `${sign}$${digits}` : `${sign}${digits} ${currency}`;
}

/** The estimate as text: a total with its date and what it leaves out, then one line per item. */
export function renderCostText(estimate: CostEstimate): string[] {
  const money = (amount: number) => formatMoney(amount, estimate.currency);
  const amounts = estimate.lines.map((line) =>
    line.usageBased && line.monthly === 0 ? "usage-based" : `${money(line.monthly)}/month${line.usageBased ? " + usage" : ""}`,
  );
  const width = Math.max(0, ...amounts.map((amount) => amount.length));
  return [
    `Estimated cost: ${money(estimate.monthly)}/month (list prices read ${estimate.asOf} or later, a month of ${estimate.hoursPerMonth} hours; ` +
      "usage such as storage, data transfer and builds not included)",
    ...estimate.lines.map((line, i) => `  ${amounts[i].padStart(width)}  ${line.what}`),
  ];
}
