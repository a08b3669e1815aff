// No module imports itself through others: a cycle makes load order decide which side sees the
// other's exports as undefined, and says the two files are one job split in two. Type-only imports
// count too, as they tie the files together all the same.
import * as fs from "fs";
import * as path from "path";
import { ROOT } from "./support/constants";

const FOLDERS = ["components", "tools", "testing", "policy", "provider"];

/** Cycles known when this test was written, each owned by work under way elsewhere: none at present. */
const ALLOWED: string[] = [];

const sources = FOLDERS.flatMap((folder) =>
  (fs.readdirSync(path.join(ROOT, folder), { recursive: true }) as string[])
    .filter((file) => file.endsWith(".ts") && !file.endsWith(".d.ts"))
    .map((file) => path.join(folder, file).split(path.sep).join("/")),
);

/** The project's .ts files a file imports by a relative path (`import`, `export ... from`, `require`). */
function imports(file: string): string[] {
  const text = fs.readFileSync(path.join(ROOT, file), "utf8");
  const specifiers = [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\(\s*)["'](\.{1,2}\/[^"']*)["']/g)].map((m) => m[1]);
  const base = (specifier: string) => path.posix.join(path.posix.dirname(file), specifier);
  return specifiers.flatMap((s) => [`${base(s)}.ts`, `${base(s)}/index.ts`].filter((candidate) => sources.includes(candidate)).slice(0, 1));
}

const graph = new Map(sources.map((file) => [file, imports(file)]));

/**
 * The cycles a depth-first walk meets, each as the files in import order from the alphabetically
 * first back to it. A file is walked once, so the walk stays linear; fixing a cycle may then show
 * another through the same files.
 */
function cycles(): string[] {
  const found = new Set<string>();
  const done = new Set<string>();
  const walk = (file: string, trail: string[]) => {
    const at = trail.indexOf(file);
    if (at >= 0) {
      const loop = trail.slice(at);
      const start = loop.indexOf([...loop].sort()[0]);
      found.add([...loop.slice(start), ...loop.slice(0, start), loop[start]].join(" → "));
      return;
    }
    if (done.has(file)) return;
    for (const next of graph.get(file) ?? []) walk(next, [...trail, file]);
    done.add(file);
  };
  for (const file of sources) walk(file, []);
  return [...found].sort();
}

test("no source file imports itself through others", () => {
  // The walk sees the imports at all: one of each kind the sources use.
  expect(graph.get("tools/plan/index.ts")).toEqual(expect.arrayContaining(["components/validation.ts", "tools/plan/make.ts"]));
  expect(graph.get("tools/plan/compare/index.ts")).toEqual(
    expect.arrayContaining(["tools/plan/compare/model.ts", "tools/plan/compare/text.ts"]),
  );
  expect(cycles()).toEqual(ALLOWED);
});
