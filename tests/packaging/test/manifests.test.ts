import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { importedPackages, installLines, quickStart, specName } from "../src/readme.js";
import { publicPackages, ROOT } from "../src/workspace.js";

/*
 * What every package.json and README must say for the tarballs to work outside the monorepo; fast
 * checks, so that a new package gets a clear message before the slow pack-and-install test.
 */

const packages = publicPackages();
const license = readFileSync(join(ROOT, "LICENSE"), "utf8");

describe.each(packages.map((p) => [p.manifest.name, p] as const))("%s", (_name, p) => {
  const m = p.manifest;

  it("builds before it is packed", () => {
    expect(m.scripts?.prepack, "a prepack script that builds from clean").toMatch(
      /^node \.\.\/\.\.\/scripts\/prepack\.mjs\b/,
    );
  });

  it("exports ES modules with types and a default condition; the published exports drop `source`", () => {
    const exportsField = m.exports ?? {};
    expect(Object.keys(exportsField).length).toBeGreaterThan(0);
    const published: Record<string, Record<string, string>> = {};
    for (const [path, conditions] of Object.entries(exportsField)) {
      expect(Object.keys(conditions), path).toEqual(["source", "types", "default"]);
      expect(conditions.default, path).toMatch(/^\.\/dist\/.+\.js$/);
      expect(conditions.types, path).toBe(conditions.default?.replace(/\.js$/, ".d.ts"));
      published[path] = { types: conditions.types!, default: conditions.default! };
    }
    expect(m.publishConfig?.exports).toEqual(published);
    expect(m.publishConfig?.access).toBe("public");
  });

  it("ships dist and src without build info or tests", () => {
    expect(m.files).toEqual(["dist", "!dist/**/*.tsbuildinfo", "src", "!src/**/*.test.ts"]);
    for (const bin of Object.values(m.bin ?? {})) expect(bin).toMatch(/^\.\/dist\//);
  });

  it("carries the project's LICENSE", () => {
    expect(m.license).toBe("MIT");
    expect(readFileSync(join(p.dir, "LICENSE"), "utf8")).toBe(license);
  });

  it("README: the Install line installs every package the quick start imports", () => {
    const block = quickStart(p.readme);
    const installed = new Set(installLines(p.readme).flatMap((l) => l.packages.map(specName)));
    expect(installed.has(m.name), `the Install line names ${m.name}`).toBe(true);
    if (block.lang === "ts") {
      for (const imported of importedPackages(block.code)) {
        expect(installed.has(imported), `${imported} is imported but not installed`).toBe(true);
      }
    }
  });
});
