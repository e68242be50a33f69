import { readFileSync } from "node:fs";
import { OPERATION_LIST } from "@tta-dev/contract";
import { ENV_VARIABLES } from "@tta-dev/runtime";
import { describe, expect, it } from "vitest";
import { EXIT_CODES } from "./exit-codes.js";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");

describe("README", () => {
  it("documents the exit-code table, code for code", () => {
    const rows = [...readme.matchAll(/^\| `([A-Z_]+)`\s*\| (\d+)\s*\|/gm)].map((m) => [m[1], Number(m[2])]);
    expect(Object.fromEntries(rows)).toEqual({ ...EXIT_CODES });
  });

  it("lists every command of the contract with its operation", () => {
    for (const op of OPERATION_LIST) {
      for (const b of op.cli) {
        expect(readme, b.words.join(" ")).toMatch(
          new RegExp(
            `^\\| \`tta ${b.words.join(" ")}[ \`].*\\| \`${op.name.replace(".", "\\.")}\`\\s*\\|$`,
            "m",
          ),
        );
      }
    }
  });

  it("lists every TTA_* variable", () => {
    for (const name of Object.keys(ENV_VARIABLES))
      expect(readme).toMatch(new RegExp(`^\\| \`${name}\`\\s*\\|`, "m"));
  });
});
