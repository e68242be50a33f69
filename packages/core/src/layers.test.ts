import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

/**
 * The layer rule of docs/architecture.md#the-layer-rule, checked against the repository: the table in
 * `docs/layers.json` gives each package its layer; every workspace package must be in it; its declared
 * dependencies and the imports of its `src/` must keep to the rule; and the two diagrams must show each
 * package in its layer's row.
 */

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const TABLE_FILE = "docs/layers.json";

interface Layer {
  name: string;
  packages: string[];
  /** A package may depend on and import packages of its own layer. */
  sameLayer?: boolean;
  /** Only packages of these layers may import one of this layer's packages from their `src/`. */
  importedFromSrcOnlyBy?: string[];
  /** Besides its own and lower layers, a package's devDependencies may name packages of these layers. */
  devMayAlsoUse?: string[];
  /** Private workspace packages (repository-wide tests): held to the rule, left out of the diagrams. */
  notDrawn?: boolean;
}

interface LayerTable {
  layers: Layer[];
  /** Package name → its layer's index in `layers` (0 is the lowest). */
  rank: Map<string, number>;
}

interface WorkspacePackage {
  /** The folder, relative to the repository root. */
  dir: string;
  name: string;
  dependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
  optionalDependencies: Record<string, string>;
  devDependencies: Record<string, string>;
}

const RUNTIME_FIELDS = ["dependencies", "peerDependencies", "optionalDependencies"] as const;
const TTA = /^(@tta-dev\/[^/]+)/;

function layerTable(layers: Layer[]): LayerTable {
  const rank = new Map<string, number>();
  layers.forEach((layer, i) => {
    for (const name of layer.packages) rank.set(name, rank.has(name) ? -1 : i);
  });
  return { layers, rank };
}

function readTable(): LayerTable {
  const raw = JSON.parse(readFileSync(join(ROOT, TABLE_FILE), "utf8")) as { layers: Layer[] };
  return layerTable(raw.layers);
}

/** What is wrong with the table itself: a package in two layers, an option naming no layer. */
function tableProblems(table: LayerTable): string[] {
  const problems: string[] = [];
  const names = new Set(table.layers.map((l) => l.name));
  if (names.size !== table.layers.length) problems.push("two layers have the same name");
  for (const [name, rank] of table.rank) if (rank < 0) problems.push(`${name} is in more than one layer`);
  for (const layer of table.layers) {
    for (const other of [...(layer.importedFromSrcOnlyBy ?? []), ...(layer.devMayAlsoUse ?? [])]) {
      if (!names.has(other)) problems.push(`layer ${layer.name} names an unknown layer ${other}`);
    }
    for (const name of layer.packages) {
      if (!TTA.test(name)) problems.push(`${name} (layer ${layer.name}) is not an @tta-dev/ package`);
    }
  }
  return problems;
}

/** The package folders of pnpm-workspace.yaml: `dir/*` patterns and plain folders. */
function workspaceDirs(): string[] {
  const yaml = readFileSync(join(ROOT, "pnpm-workspace.yaml"), "utf8");
  const patterns: string[] = [];
  let inPackages = false;
  for (const line of yaml.split(/\r?\n/)) {
    if (/^\S/.test(line)) inPackages = /^packages:\s*$/.test(line);
    else if (inPackages) {
      const m = /^\s+-\s+["']?([^"'#\s]+)["']?\s*(?:#.*)?$/.exec(line);
      if (m) patterns.push(m[1]!);
    }
  }
  const dirs: string[] = [];
  for (const pattern of patterns) {
    if (pattern.startsWith("!")) throw new Error(`pnpm-workspace.yaml: exclusions (${pattern}) are not read`);
    if (pattern.endsWith("/*") && !pattern.slice(0, -2).includes("*")) {
      const base = pattern.slice(0, -2);
      if (!existsSync(join(ROOT, base))) continue;
      for (const entry of readdirSync(join(ROOT, base), { withFileTypes: true })) {
        if (entry.isDirectory() && existsSync(join(ROOT, base, entry.name, "package.json"))) {
          dirs.push(`${base}/${entry.name}`);
        }
      }
    } else if (!pattern.includes("*")) {
      if (existsSync(join(ROOT, pattern, "package.json"))) dirs.push(pattern);
    } else {
      throw new Error(`pnpm-workspace.yaml: the pattern ${pattern} is not read; use dir/* or a folder`);
    }
  }
  return dirs.sort();
}

function readPackage(dir: string): WorkspacePackage {
  const json = JSON.parse(readFileSync(join(ROOT, dir, "package.json"), "utf8"));
  return {
    dir,
    name: json.name,
    dependencies: json.dependencies ?? {},
    peerDependencies: json.peerDependencies ?? {},
    optionalDependencies: json.optionalDependencies ?? {},
    devDependencies: json.devDependencies ?? {},
  };
}

/** Why `from` may not use `to` (a tta package), or null. `dev` applies the devDependencies allowance. */
function edgeProblem(table: LayerTable, from: string, to: string, dev: boolean): string | null {
  const a = table.rank.get(from);
  const b = table.rank.get(to);
  if (a === undefined || a < 0) return `${from} has no layer in ${TABLE_FILE}`;
  if (b === undefined || b < 0) return `${to} has no layer in ${TABLE_FILE}`;
  const own = table.layers[a]!;
  const theirs = table.layers[b]!;
  if (to === from) return null;
  if (b < a) return null;
  if (b === a && own.sameLayer) return null;
  if (dev && own.devMayAlsoUse?.includes(theirs.name)) return null;
  if (b === a) return `${to} is in the same layer (${own.name}), whose packages do not use each other`;
  return `${to} is in a higher layer (${theirs.name} above ${own.name})`;
}

/** The dependency fields of one package that break the rule. */
function dependencyProblems(table: LayerTable, pkg: WorkspacePackage): string[] {
  const problems: string[] = [];
  for (const field of [...RUNTIME_FIELDS, "devDependencies"] as const) {
    for (const dep of Object.keys(pkg[field])) {
      if (!TTA.test(dep)) continue;
      const problem = edgeProblem(table, pkg.name, dep, field === "devDependencies");
      if (problem) problems.push(`${pkg.dir}/package.json ${field}: ${dep}: ${problem}`);
    }
  }
  return problems;
}

/** The tta imports of one source file that break the rule; `file` is for the messages. */
function importProblems(
  table: LayerTable,
  pkg: WorkspacePackage,
  file: string,
  specifiers: string[],
): string[] {
  const problems: string[] = [];
  const declared = new Set(RUNTIME_FIELDS.flatMap((f) => Object.keys(pkg[f])));
  const ownRank = table.rank.get(pkg.name);
  const ownLayer = ownRank === undefined || ownRank < 0 ? undefined : table.layers[ownRank];
  for (const spec of specifiers) {
    const target = TTA.exec(spec)?.[1];
    if (!target || target === pkg.name) continue;
    if (!declared.has(target)) {
      const how = pkg.devDependencies[target] ? "only in devDependencies" : "not in its dependencies";
      problems.push(`${file}: imports ${spec}, ${how}`);
    }
    const problem = edgeProblem(table, pkg.name, target, false);
    if (problem) problems.push(`${file}: imports ${spec}: ${problem}`);
    const rank = table.rank.get(target);
    const theirs = rank === undefined || rank < 0 ? undefined : table.layers[rank];
    const only = theirs?.importedFromSrcOnlyBy;
    if (ownLayer && theirs && only && theirs !== ownLayer && !only.includes(ownLayer.name)) {
      problems.push(
        `${file}: imports ${spec}: a ${theirs.name} package is imported from src/ only by the ${only.join(", ")} layer`,
      );
    }
  }
  return problems;
}

/** The relative imports of a source file (absolute path) that leave its package's folder. */
function escapingImports(packageDir: string, file: string, specifiers: string[]): string[] {
  const where = relative(ROOT, file).split("\\").join("/");
  return specifiers
    .filter((s) => s.startsWith("."))
    .filter((s) => relative(packageDir, resolve(dirname(file), s)).startsWith(".."))
    .map((s) => `${where}: imports ${s}, outside its package; import the other package by name`);
}

/** Every module specifier of a TypeScript source: imports, re-exports, `import()` and `require()`. */
function specifiersOf(source: string): string[] {
  return ts.preProcessFile(source, true, true).importedFiles.map((f) => f.fileName);
}

/** The sources under `src/` of a package, tests left out. */
function sourceFiles(dir: string, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== "node_modules" && entry.name !== "__tests__") sourceFiles(path, out);
    } else if (/\.[cm]?tsx?$/.test(entry.name) && !/\.(test|spec)\.[cm]?tsx?$/.test(entry.name)) {
      if (!entry.name.endsWith(".d.ts")) out.push(path);
    }
  }
  return out;
}

/**
 * The rows of the layer diagram in the fenced block under a file's `## Layers` heading. A row starts
 * on a line whose first word, at most one space in, is a layer name followed by two spaces; the lines
 * after it that start with two or more spaces belong to it. Returns each row's layer name and the
 * `@tta-dev/…` names it shows, top to bottom.
 */
function diagramRows(markdown: string): { layer: string; packages: string[] }[] | null {
  const lines = markdown.split(/\r?\n/);
  const heading = lines.findIndex((l) => /^##\s+Layers\s*$/.test(l));
  if (heading < 0) return null;
  const open = lines.findIndex((l, i) => i > heading && /^```/.test(l));
  if (open < 0) return null;
  const close = lines.findIndex((l, i) => i > open && /^```/.test(l));
  const rows: { layer: string; packages: string[] }[] = [];
  for (const line of lines.slice(open + 1, close < 0 ? undefined : close)) {
    const start = /^ ?([a-z][a-z-]*) {2,}\S/.exec(line);
    if (start) rows.push({ layer: start[1]!, packages: [] });
    const names = [...line.matchAll(/@tta-dev\/[a-z0-9-]+/g)].map((m) => m[0]);
    if (names.length === 0) continue;
    const row = rows.at(-1);
    if (!row) rows.push({ layer: "(above the first row)", packages: names });
    else row.packages.push(...names);
  }
  return rows;
}

/** How a diagram differs from the table: rows top to bottom = layers highest first, same packages. */
function diagramProblems(table: LayerTable, file: string, markdown: string): string[] {
  const rows = diagramRows(markdown);
  if (!rows) return [`${file}: no fenced diagram under a "## Layers" heading`];
  const problems: string[] = [];
  const expected = [...table.layers]
    .reverse()
    .filter((l) => !l.notDrawn)
    .map((l) => l.name);
  const shown = rows.map((r) => r.layer);
  if (shown.join(",") !== expected.join(",")) {
    problems.push(
      `${file}: the diagram's rows are ${shown.join(", ")}; the table's layers, top down: ${expected.join(", ")}`,
    );
  }
  for (const row of rows) {
    const layer = table.layers.find((l) => l.name === row.layer);
    for (const name of row.packages) {
      const rank = table.rank.get(name);
      if (rank === undefined || rank < 0)
        problems.push(`${file}: ${name} (row ${row.layer}) is not in the table`);
      else if (table.layers[rank]!.name !== row.layer) {
        problems.push(`${file}: ${name} is in row ${row.layer}, its layer is ${table.layers[rank]!.name}`);
      }
    }
    if (!layer) continue;
    for (const name of layer.packages) {
      if (!row.packages.includes(name)) problems.push(`${file}: row ${row.layer} does not show ${name}`);
    }
  }
  return problems;
}

/** The rows of the package table under "## Packages" whose layer column differs from the table. */
function packageTableProblems(table: LayerTable, file: string, markdown: string): string[] {
  const problems: string[] = [];
  const listed = new Set<string>();
  const lines = markdown.split(/\r?\n/);
  const heading = lines.findIndex((l) => /^##\s+Packages\s*$/.test(l));
  if (heading < 0) return [`${file}: no "## Packages" heading`];
  const next = lines.findIndex((l, i) => i > heading && /^##\s/.test(l));
  for (const line of lines.slice(heading + 1, next < 0 ? undefined : next)) {
    const m = /^\|\s*`(@tta-dev\/[a-z0-9-]+)`\s*\|\s*([a-z-]+)\s*\|/.exec(line);
    if (!m) continue;
    listed.add(m[1]!);
    const rank = table.rank.get(m[1]!);
    const layer = rank === undefined || rank < 0 ? undefined : table.layers[rank]!.name;
    if (layer !== m[2]) problems.push(`${file}: ${m[1]} is listed in layer ${m[2]}, the table says ${layer}`);
  }
  for (const [name, rank] of table.rank) {
    if (table.layers[rank]?.notDrawn) continue;
    if (!listed.has(name)) problems.push(`${file}: the package table has no row for ${name}`);
  }
  return problems;
}

describe("the layer rule", () => {
  const table = readTable();
  const packages = workspaceDirs().map(readPackage);

  it("has a table that puts each package in one layer", () => {
    expect(tableProblems(table)).toEqual([]);
    expect(table.layers.length).toBeGreaterThan(3);
  });

  it("knows the layer of every workspace package", () => {
    expect(packages.length).toBeGreaterThan(10);
    const missing = packages
      .filter((p) => !table.rank.has(p.name))
      .map((p) => `${p.dir} (${p.name}) is not in ${TABLE_FILE}: add it to its layer there`);
    expect(missing).toEqual([]);
  });

  it("lets no package depend on a package of a higher layer", () => {
    expect(packages.flatMap((p) => dependencyProblems(table, p))).toEqual([]);
  });

  it("lets src/ import only declared tta packages of the same or a lower layer", () => {
    const problems: string[] = [];
    let files = 0;
    for (const pkg of packages) {
      for (const file of sourceFiles(join(ROOT, pkg.dir, "src"))) {
        files++;
        const where = relative(ROOT, file).split("\\").join("/");
        const specifiers = specifiersOf(readFileSync(file, "utf8"));
        problems.push(...importProblems(table, pkg, where, specifiers));
        problems.push(...escapingImports(join(ROOT, pkg.dir), file, specifiers));
      }
    }
    expect(problems).toEqual([]);
    expect(files).toBeGreaterThan(50);
  });

  for (const file of ["README.md", "docs/architecture.md"]) {
    it(`draws each package in its layer's row in the diagram of ${file}`, () => {
      expect(diagramProblems(table, file, readFileSync(join(ROOT, file), "utf8"))).toEqual([]);
    });
  }

  it("gives each package the table's layer in the package table of docs/architecture.md", () => {
    const file = "docs/architecture.md";
    expect(packageTableProblems(table, file, readFileSync(join(ROOT, file), "utf8"))).toEqual([]);
  });
});

describe("the layer checks", () => {
  const table = layerTable([
    { name: "core", packages: ["@tta-dev/core"] },
    {
      name: "backends",
      packages: ["@tta-dev/b1", "@tta-dev/b2"],
      importedFromSrcOnlyBy: ["runtime"],
      devMayAlsoUse: ["contract"],
    },
    { name: "contract", packages: ["@tta-dev/contract", "@tta-dev/kit"], sameLayer: true },
    { name: "domain", packages: ["@tta-dev/d1", "@tta-dev/d2"] },
    { name: "runtime", packages: ["@tta-dev/runtime"] },
  ]);
  const pkg = (name: string, fields: Partial<WorkspacePackage> = {}): WorkspacePackage => ({
    dir: `packages/${name.slice(9)}`,
    name,
    dependencies: {},
    peerDependencies: {},
    optionalDependencies: {},
    devDependencies: {},
    ...fields,
  });

  it("reject a dependency on a higher layer, or on a peer where the layer has none", () => {
    expect(
      dependencyProblems(table, pkg("@tta-dev/core", { dependencies: { "@tta-dev/d1": "workspace:*" } })),
    ).toEqual([
      "packages/core/package.json dependencies: @tta-dev/d1: @tta-dev/d1 is in a higher layer (domain above core)",
    ]);
    expect(
      dependencyProblems(table, pkg("@tta-dev/d1", { peerDependencies: { "@tta-dev/d2": "workspace:^" } })),
    ).toEqual([
      "packages/d1/package.json peerDependencies: @tta-dev/d2: @tta-dev/d2 is in the same layer (domain), whose packages do not use each other",
    ]);
    expect(
      dependencyProblems(
        table,
        pkg("@tta-dev/kit", { dependencies: { "@tta-dev/contract": "workspace:*" } }),
      ),
    ).toEqual([]);
    expect(
      dependencyProblems(table, pkg("@tta-dev/d1", { dependencies: { "@tta-dev/new": "workspace:*" } })),
    ).toEqual([
      `packages/d1/package.json dependencies: @tta-dev/new: @tta-dev/new has no layer in ${TABLE_FILE}`,
    ]);
  });

  it("allow a devDependency only in the layers the table allows", () => {
    expect(
      dependencyProblems(table, pkg("@tta-dev/b1", { devDependencies: { "@tta-dev/kit": "workspace:*" } })),
    ).toEqual([]);
    expect(
      dependencyProblems(table, pkg("@tta-dev/b1", { devDependencies: { "@tta-dev/d1": "workspace:*" } })),
    ).toEqual([
      "packages/b1/package.json devDependencies: @tta-dev/d1: @tta-dev/d1 is in a higher layer (domain above backends)",
    ]);
    expect(
      dependencyProblems(table, pkg("@tta-dev/b1", { dependencies: { "@tta-dev/kit": "workspace:*" } })),
    ).toHaveLength(1);
  });

  it("reject an undeclared import, a dev-only import, and a backend imported outside the runtime", () => {
    const d1 = pkg("@tta-dev/d1", {
      dependencies: { "@tta-dev/core": "workspace:*", "@tta-dev/b1": "workspace:*" },
      devDependencies: { "@tta-dev/kit": "workspace:*" },
    });
    const source = [
      'import { a } from "@tta-dev/core";',
      'import type { B } from "@tta-dev/b1/testing";',
      'export * from "@tta-dev/kit";',
      '// import { x } from "@tta-dev/runtime";',
      'const r = await import("@tta-dev/runtime");',
    ].join("\n");
    expect(importProblems(table, d1, "x.ts", specifiersOf(source))).toEqual([
      "x.ts: imports @tta-dev/b1/testing: a backends package is imported from src/ only by the runtime layer",
      "x.ts: imports @tta-dev/kit, only in devDependencies",
      "x.ts: imports @tta-dev/runtime, not in its dependencies",
      "x.ts: imports @tta-dev/runtime: @tta-dev/runtime is in a higher layer (runtime above domain)",
    ]);
    const runtime = pkg("@tta-dev/runtime", { peerDependencies: { "@tta-dev/b2": "workspace:^" } });
    expect(importProblems(table, runtime, "y.ts", specifiersOf('await import("@tta-dev/b2");'))).toEqual([]);
  });

  it("reject a relative import that leaves the package", () => {
    const dir = join(ROOT, "packages/d1");
    const file = join(dir, "src/a/b.ts");
    expect(escapingImports(dir, file, ["./c.js", "../d.js", "../../package.json"])).toEqual([]);
    expect(escapingImports(dir, file, ["../../../d2/src/x.js"])).toEqual([
      "packages/d1/src/a/b.ts: imports ../../../d2/src/x.js, outside its package; import the other package by name",
    ]);
  });

  it("reject a diagram that misplaces, omits or adds a package, or orders the rows differently", () => {
    const good = [
      "## Layers",
      "",
      "```",
      " runtime    @tta-dev/runtime   opens a backend",
      "                │",
      " domain     @tta-dev/d1 · @tta-dev/d2",
      " contract   @tta-dev/contract",
      "            @tta-dev/kit (tests)",
      " backends   @tta-dev/b1 · @tta-dev/b2",
      " core       @tta-dev/core",
      "```",
    ].join("\n");
    expect(diagramProblems(table, "R.md", good)).toEqual([]);
    const moved = good
      .replace(" · @tta-dev/d2", "")
      .replace("@tta-dev/core", "@tta-dev/core @tta-dev/d2 @tta-dev/zz");
    expect(diagramProblems(table, "R.md", moved)).toEqual([
      "R.md: row domain does not show @tta-dev/d2",
      "R.md: @tta-dev/d2 is in row core, its layer is domain",
      "R.md: @tta-dev/zz (row core) is not in the table",
    ]);
    const swapped = good.replace(" contract   ", " kontract   ");
    expect(diagramProblems(table, "R.md", swapped)[0]).toMatch(/rows are runtime, domain, kontract/);
    expect(diagramProblems(table, "R.md", "# no diagram")).toEqual([
      'R.md: no fenced diagram under a "## Layers" heading',
    ]);
  });
});
