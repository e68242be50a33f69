import { readFileSync } from "node:fs";
import { DEFAULT_HTTP_PORT, HTTP_DEFAULTS, OPERATION_LIST } from "@tta-dev/contract";
import { describe, expect, it } from "vitest";
import { DEFAULT_BODY_LIMIT } from "./app.js";
import { HTTP_STATUS } from "./status.js";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");

describe("README", () => {
  it("documents the status table, code for code", () => {
    const rows = [...readme.matchAll(/^\| `([A-Z_]+)` \| (\d{3}) \|$/gm)].map((m) => [m[1], Number(m[2])]);
    expect(Object.fromEntries(rows)).toEqual({ ...HTTP_STATUS });
  });

  it("lists every route of the contract with its operation, scope and status", () => {
    for (const op of OPERATION_LIST) {
      const row = `| \`${op.http.method} ${op.http.path}\` | \`${op.name}\` | ${op.http.scope} | ${op.http.status ?? 200} |`;
      expect(readme, op.name).toContain(row);
    }
  });

  it("states the default body limit", () => {
    expect(readme).toContain(`\`${DEFAULT_BODY_LIMIT}\` (1.5 MiB)`);
  });

  it("states the defaults of the other http keys as the contract declares them", () => {
    expect(readme).toContain(`| port | \`http.port\`, \`--port\` | \`${DEFAULT_HTTP_PORT}\` |`);
    for (const [key, value] of Object.entries(HTTP_DEFAULTS)) {
      if (key === "bodyLimitBytes") continue;
      expect(readme, key).toContain(`| ${key} | \`http.${key}\` | \`${value}\` |`);
    }
  });
});
