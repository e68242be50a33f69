import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as exported from "../src/index.js";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
const api = readme.slice(readme.indexOf("\n## API\n"), readme.indexOf("\n## Errors\n"));

describe("README", () => {
  it("names every value the package exports in its API table", () => {
    for (const name of Object.keys(exported)) expect(api, name).toMatch(new RegExp(`\`${name}\\b`));
  });

  it("starts its quick start with a ts block that imports the package and reads TTA_URL", () => {
    const code = /```ts\n([\s\S]*?)```/.exec(readme.slice(readme.indexOf("\n## Quick start\n")))?.[1];
    expect(code).toContain('from "@tta-dev/client"');
    expect(code).toContain('process.env.TTA_URL ?? "http://127.0.0.1:7411"');
  });
});
