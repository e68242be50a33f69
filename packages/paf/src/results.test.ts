import { describe, expect, it } from "vitest";
import { formatResults, toReport } from "./format.js";
import { exitCodeFor, type PafResult } from "./results.js";

const base = {
  actual: null,
  expected: null,
  source: { file: "PAFCORE.md", line: 3 },
  kind: "check" as const,
};
const pass: PafResult = { ...base, pafId: "A-1", ok: true, severity: "info", message: "A-1: fine." };
const warn: PafResult = {
  ...base,
  pafId: "A-2",
  ok: false,
  severity: "warning",
  message: "A-2: 50%, needs 70%",
};
const err: PafResult = {
  ...base,
  pafId: "A-3",
  ok: false,
  severity: "error",
  message: "A-3: 2 files, too long:\nmore",
  locations: [{ file: "src/a,b.ts", line: 801 }],
};
const skip: PafResult = {
  ...base,
  pafId: "A-4",
  ok: true,
  severity: "info",
  skipped: true,
  message: "A-4: not run",
};

describe("exitCodeFor", () => {
  it("is 0 when all pass, 1 for warnings only, 2 for any error", () => {
    expect(exitCodeFor([pass, skip])).toBe(0);
    expect(exitCodeFor([])).toBe(0);
    expect(exitCodeFor([pass, warn])).toBe(1);
    expect(exitCodeFor([warn, err, pass])).toBe(2);
  });

  it("turns warnings into errors with strict", () => {
    expect(exitCodeFor([pass, warn], { strict: true })).toBe(2);
    expect(exitCodeFor([pass, skip], { strict: true })).toBe(0);
  });
});

describe("formatResults", () => {
  it("renders text for people with a summary line", () => {
    const text = formatResults([pass, warn, err, skip], "text");
    expect(text).toContain("✓ pass    PAFCORE.md:3");
    expect(text).toContain("! warning PAFCORE.md:3");
    expect(text).toContain("✗ error   PAFCORE.md:3");
    expect(text).toContain("\n    more\n");
    expect(text.trim().split("\n").at(-1)).toBe("1 passed, 1 error, 1 warning, 1 skipped");
  });

  it("renders the { ok, results, summary } report as JSON", () => {
    const json = JSON.parse(formatResults([pass, warn], "json"));
    expect(json).toEqual(JSON.parse(JSON.stringify(toReport([pass, warn]))));
    expect(json.ok).toBe(false);
    expect(json.summary).toEqual({ total: 2, passed: 1, errors: 0, warnings: 1, skipped: 0 });
  });

  it("renders GitHub annotations for failures only, escaped, with one per violating file", () => {
    const out = formatResults([pass, warn, err, skip], "github").trim().split("\n");
    expect(out).toEqual([
      "::warning file=PAFCORE.md,line=3,title=PAF A-2::A-2: 50%25, needs 70%25",
      "::error file=PAFCORE.md,line=3,title=PAF A-3::A-3: 2 files, too long:%0Amore",
      "::error file=src/a%2Cb.ts,line=801,title=PAF A-3::A-3: 2 files, too long:%0Amore",
    ]);
    expect(formatResults([pass], "github")).toBe("");
  });
});
