import { describe, expect, it } from "vitest";
import { codeBlocks, importedPackages, installLines, quickStart, section, specName } from "./readme.js";

const README = [
  "# pkg",
  "",
  "## Install",
  "",
  "```sh",
  "npm install @tta-dev/a keyv   # with keyv",
  "pnpm add -D vitest",
  "echo not an install",
  "```",
  "",
  "## Quick start: in two lines",
  "",
  "Some words.",
  "",
  "```ts",
  'import { a } from "@tta-dev/a";',
  'import type { B } from "@scope/b/sub";',
  'import "side-effect";',
  'import { readFile } from "node:fs/promises";',
  'import { c } from "./c.js";',
  "```",
  "",
  "```sh",
  "tta second",
  "```",
  "",
  "## API",
  "",
  "```ts",
  "later",
  "```",
].join("\n");

describe("README reading", () => {
  it("finds a section by its title's start and stops at the next heading", () => {
    expect(section(README, "Quick start")).toContain("Some words.");
    expect(section(README, "Quick start")).not.toContain("later");
    expect(section(README, "Nope")).toBeUndefined();
  });

  it("takes the first code block of the quick start", () => {
    expect(quickStart(README)).toEqual({ lang: "ts", code: expect.stringContaining('from "@tta-dev/a"') });
    expect(codeBlocks(section(README, "Quick start") ?? "")).toHaveLength(2);
    expect(() => quickStart("# x\n")).toThrow(/no "## Quick start"/);
    expect(() => quickStart("## Quick start\n\nwords only\n")).toThrow(/no code block/);
  });

  it("reads install commands with their flags, comments dropped", () => {
    expect(installLines(README)).toEqual([
      { packages: ["@tta-dev/a", "keyv"], global: false, dev: false },
      { packages: ["vitest"], global: false, dev: true },
    ]);
    expect(() => installLines("## Install\n\n```sh\nmake\n```\n")).toThrow(/no npm\/pnpm install/);
  });

  it("lists the bare packages a block imports", () => {
    expect(importedPackages(quickStart(README).code)).toEqual(["@scope/b", "@tta-dev/a", "side-effect"]);
  });

  it("names a spec's package", () => {
    expect(specName("keyv@5")).toBe("keyv");
    expect(specName("@keyv/redis@5.1.6")).toBe("@keyv/redis");
    expect(specName("@tta-dev/core")).toBe("@tta-dev/core");
  });
});
