import { describe, expect, it } from "vitest";
import { inferCheck } from "./infer.js";

describe("inferCheck", () => {
  it.each([
    ["Maximum file size 800 lines (production maturity)", "max-lines", ["800"]],
    ["Files must not exceed 1,200 lines", "max-lines", ["1200"]],
    ["No file longer than 300 lines", "max-lines", ["300"]],
    ["Source files: 400 lines max", "max-lines", ["400"]],
    ["Functions at most 50 lines", undefined, undefined],
    ["Minimum 70% test coverage for production code", "min-coverage", ["70"]],
    ["Test coverage of at least 82.5 %", "min-coverage", ["82.5"]],
    ["Primary language is Python 3.12+", "runtime-version", ["python", ">=3.12"]],
    ["Runs on Node.js 20 or later", "runtime-version", ["node", ">=20"]],
    ["Requires node >= 20.19", "runtime-version", ["node", ">=20.19"]],
    ["Hub pattern: AGENTS.md, CLAUDE.md at repository root", "file-exists", ["AGENTS.md", "CLAUDE.md"]],
    ["`LICENSE` must exist", "file-exists", ["LICENSE"]],
    ["No dependency on `lodash` or `moment`", "no-dependency", ["lodash", "moment"]],
    ["`left-pad` is forbidden", "no-dependency", ["left-pad"]],
    ["Conventional commits enforced (feat, fix, docs, etc.)", undefined, undefined],
    ["SOLID principles enforced", undefined, undefined],
  ])("%s → %s %j", (text, checker, args) => {
    const check = inferCheck(text);
    if (checker === undefined) expect(check).toBeUndefined();
    else expect(check).toEqual({ checker, args, inferred: true });
  });
});
