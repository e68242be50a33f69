import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = new URL(".", import.meta.url).pathname;

describe("start-up", () => {
  it("imports no backend, nor the workflow, stages, PAF parsing or yaml, until they are used", () => {
    const heavy =
      /^import\s[^;]*from\s+"(@tta-dev\/(memory-[a-z]+|workflow|stages|paf)|ioredis|keyv|@keyv\/[a-z]+|yaml)"/m;
    const files = readdirSync(SRC).filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"));
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) {
      const text = readFileSync(join(SRC, file), "utf8").replace(/^import type [^;]*;/gm, "");
      expect(heavy.exec(text)?.[0], file).toBeUndefined();
    }
  });
});
