import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

/*
 * The workflow composes the domain packages over any MemoryBackend it is given; choosing and opening
 * one from configuration is @tta-dev/runtime's job. An embedder of the workflow installs no backend
 * it does not use.
 */

const ROOT = new URL("..", import.meta.url).pathname;
const BACKEND = /^(@tta-dev\/memory-[a-z]+|ioredis|keyv|@keyv\/.+|yaml)$/;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

describe("@tta-dev/workflow", () => {
  it("depends on no backend package, ioredis, keyv or yaml", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as Record<
      string,
      Record<string, string> | undefined
    >;
    const installed = ["dependencies", "peerDependencies", "optionalDependencies"].flatMap((field) =>
      Object.keys(pkg[field] ?? {}),
    );
    expect(installed.length).toBeGreaterThan(0);
    expect(installed.filter((name) => BACKEND.test(name))).toEqual([]);
    expect(Object.keys(pkg.exports ?? {})).toEqual(["."]);
  });

  it("imports none of them in src", () => {
    const files = sources(join(ROOT, "src"));
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const text = readFileSync(file, "utf8");
      const specifiers = [...text.matchAll(/(?:from\s+|import\s*\(\s*)"([^"]+)"/g)].map((m) => m[1]!);
      expect(
        specifiers.filter((s) => BACKEND.test(s)),
        file,
      ).toEqual([]);
    }
  });
});
