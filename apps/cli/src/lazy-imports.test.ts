import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = new URL(".", import.meta.url).pathname;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? sources(join(dir, e.name))
      : e.name.endsWith(".ts") && !e.name.endsWith(".test.ts")
        ? [join(dir, e.name)]
        : [],
  );
}

describe("start-up", () => {
  it("never imports a backend, the workflow, the HTTP server, PAF parsing, ioredis or keyv statically", () => {
    const heavy =
      /^import\s[^;]*from\s+"(@tta-dev\/(memory-[a-z]+|workflow|stages|http|mcp|paf)|ioredis|keyv|@keyv\/[a-z]+)"/m;
    for (const file of sources(SRC)) {
      const text = readFileSync(file, "utf8");
      const typeOnly = text.replace(/^import type [^;]*;/gm, "");
      expect(heavy.exec(typeOnly)?.[0], file).toBeUndefined();
    }
  });
});
