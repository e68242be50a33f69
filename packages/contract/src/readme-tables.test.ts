import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { OPERATION_LIST } from "./index.js";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");

describe("README", () => {
  it("has a row for every operation with its HTTP binding and scope", () => {
    for (const op of OPERATION_LIST) {
      const row = readme.split("\n").find((line) => line.startsWith(`| \`${op.name}\``));
      expect(row, op.name).toBeDefined();
      expect(row).toContain(`\`${op.http.method} ${op.http.path}\``);
      expect(row).toMatch(new RegExp(`\\|\\s*${op.http.scope}\\s*\\|`));
    }
  });
});
