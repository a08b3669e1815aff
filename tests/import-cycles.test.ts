// No module imports itself through others: a cycle makes load order decide which side sees the
// other's exports as undefined, and says the two files are one job split in two. Type-only imports
// count too, as they tie the files together all the same.
import * as fs from "fs";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..");
const FOLDERS = ["components", "tools", "testing", "policy"];

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

/** Each cycle once, as the files in import order from the alphabetically first, back to it. */
function cycles(): string[] {
  const graph = new Map(sources.map((file) => [file, imports(file)]));
  const found = new Set<string>();
  const walk = (file: string, trail: string[]) => {
    const at = trail.indexOf(file);
    if (at >= 0) {
      const loop = trail.slice(at);
      const start = loop.indexOf([...loop].sort()[0]);
      found.add([...loop.slice(start), ...loop.slice(0, start), loop[start]].join(" → "));
      return;
    }
    for (const next of graph.get(file) ?? []) walk(next, [...trail, file]);
  };
  for (const file of sources) walk(file, []);
  return [...found].sort();
}

test("no source file imports itself through others", () => {
  expect(cycles()).toEqual(ALLOWED);
});
