import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { freshBundle } from "./bundle-freshness.js";

function bundleDir(): { dir: URL; source: string; write(inputs: [string, number, number][]): void } {
  const root = mkdtempSync(join(tmpdir(), "tta-bundle-"));
  mkdirSync(join(root, "src"));
  mkdirSync(join(root, "dist", "bundle"), { recursive: true });
  const source = join(root, "src", "run.ts");
  writeFileSync(source, "export const x = 1;\n");
  utimesSync(source, 1_700_000_000, 1_700_000_000);
  const dir = pathToFileURL(`${join(root, "dist", "bundle")}/`);
  return {
    dir,
    source,
    write: (inputs) =>
      writeFileSync(
        join(root, "dist", "bundle", "inputs.json"),
        JSON.stringify({ entry: "main.js", version: "1.0.0", inputs }),
      ),
  };
}

describe("freshBundle", () => {
  it("runs the bundle while every source it was built from is unchanged", () => {
    const b = bundleDir();
    b.write([["../../src/run.ts", 1_700_000_000_000, 20]]);
    expect(freshBundle(b.dir, "1.0.0")?.href).toBe(new URL("main.js", b.dir).href);
    expect(freshBundle(b.dir, "1.0.1")).toBeUndefined();
  });

  it("falls back to the unbundled build when a source changed, or when there is no bundle", () => {
    const b = bundleDir();
    expect(freshBundle(b.dir, "1.0.0")).toBeUndefined();
    b.write([["../../src/run.ts", 1_700_000_000_000, 20]]);
    writeFileSync(b.source, "export const x = 2;\n");
    expect(freshBundle(b.dir, "1.0.0")).toBeUndefined();
  });

  it("ignores sources that are absent (an installed package ships none)", () => {
    const b = bundleDir();
    b.write([["../../src/gone.ts", 1, 1]]);
    expect(freshBundle(b.dir, "1.0.0")).toBeDefined();
  });
});
