import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const packagesDir = fileURLToPath(new URL("../../", import.meta.url));

function testFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name === "dist") continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...testFiles(path));
    else if (name.endsWith(".test.ts")) out.push(path);
  }
  return out;
}

describe("every backend package", () => {
  const backends = readdirSync(packagesDir).filter((d) => d.startsWith("memory-"));

  it("finds the backend packages", () => {
    expect(backends).toContain("memory-inmemory");
  });

  for (const pkg of backends) {
    it(`${pkg} runs describeBackendConformance in its tests`, () => {
      const root = join(packagesDir, pkg);
      const files = ["src", "test"].flatMap((d) => {
        try {
          return testFiles(join(root, d));
        } catch {
          return [];
        }
      });
      const runs = files.filter((f) => /describeBackendConformance\s*\(/.test(readFileSync(f, "utf8")));
      expect(runs, `${pkg} has no test calling describeBackendConformance`).not.toEqual([]);
    });
  }
});
