/** How the commands print: aligned tables, sizes, counts, and JSON for scripts. */
import type { CliIo } from "../../cli/io";
import type { TaggedImage } from "../registry/manifests";

/** Left-aligned columns two spaces apart; the last column is not padded. */
export function table(rows: string[][], indent = ""): string {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows
    .map((row) => indent + row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]))).join("  "))
    .join("\n")
    .concat("\n");
}

/** Decimal units, as `docker images` shows sizes. */
export function formatSize(bytes: number | undefined): string {
  if (bytes === undefined) return "-";
  const units = ["B", "kB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

export function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}

export function newestFirst(images: TaggedImage[]): TaggedImage[] {
  return [...images].sort((a, b) => (b.created ?? "").localeCompare(a.created ?? "") || a.tag.localeCompare(b.tag));
}

export function writeJson(io: CliIo, value: unknown): void {
  // `children` orders deletions (an index before what it lists); it is not part of the JSON report.
  io.stdout.write(`${JSON.stringify(value, (key, item: unknown) => (key === "children" ? undefined : item), 2)}\n`);
}
