import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { selectTools } from "./catalog.js";
import { listedTool } from "./tools.js";

const README = readFileSync(new URL("../README.md", import.meta.url), "utf8");
const thin = (n: number) => n.toLocaleString("en-US").replace(/,/g, " ");

describe("README", () => {
  it("states what each tool set's tools/list costs, as computed from the tools", () => {
    for (const set of ["default", "all"] as const) {
      const chars = JSON.stringify({ tools: selectTools(set).map(listedTool) }).length;
      const tokens = Math.round(chars / 4 / 10) * 10;
      const row = README.split("\n").find((l) => l.startsWith(`| \`${set}\` |`));
      expect(row, set).toBeDefined();
      expect(row).toContain(`${thin(chars)} characters`);
      expect(row).toContain(`~${thin(tokens)}`);
    }
  });
});
