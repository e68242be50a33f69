import { describe, expect, it } from "vitest";
import { parsePafDocument } from "./parse.js";
import { createPafRegistry, validatePaf } from "./validate-paf.js";

const doc = `
- **QUAL-001**: Minimum 70% test coverage for production code
- **QUAL-004**: Maximum file size 800 lines (production maturity)
- **LANG-001**: ~~Primary language is Python 3.10+~~ **DEPRECATED**
  - Reason: newer features
  - Replaced by: LANG-001-v2
- **LANG-001-v2**: Primary language is Python 3.12+
- **DEP-1**: Keep lean
  - Check: no-dependency lodash
- **CMD-1**: Builds
  - Check: command pnpm build
- **AGENT-4**: AGENTS.md, CLAUDE.md at repository root
- **DOC-1**: All packages require README.md with examples
`;
const { facts } = await parsePafDocument(doc);

describe("validatePaf", () => {
  it("passes QUAL-001 with 85 against its 70 % minimum", () => {
    expect(validatePaf(facts, "QUAL-001", 85)).toMatchObject({
      pafId: "QUAL-001",
      ok: true,
      severity: "info",
      actual: 85,
    });
  });

  it("fails QUAL-001 with 65, naming both numbers", () => {
    const r = validatePaf(facts, "QUAL-001", 65);
    expect(r).toMatchObject({ ok: false, severity: "error", actual: 65, expected: "lines coverage ≥ 70%" });
    expect(r.message).toContain("65%");
    expect(r.message).toContain("70%");
  });

  it("accepts percentages, versions and lists as the caller measured them", () => {
    expect(validatePaf(facts, "QUAL-001", "71%").ok).toBe(true);
    expect(validatePaf(facts, "QUAL-004", 800).ok).toBe(true);
    expect(validatePaf(facts, "QUAL-004", 801)).toMatchObject({
      ok: false,
      message: expect.stringContaining("801 lines exceeds the limit of 800"),
    });
    expect(validatePaf(facts, "LANG-001-v2", "Python 3.12.0").ok).toBe(true);
    expect(validatePaf(facts, "LANG-001-v2", "3.11.9").ok).toBe(false);
    expect(validatePaf(facts, "DEP-1", ["zod", "lodash"])).toMatchObject({ ok: false, actual: ["lodash"] });
    expect(validatePaf(facts, "DEP-1", { dependencies: { zod: "1" } }).ok).toBe(true);
    expect(validatePaf(facts, "CMD-1", 0).ok).toBe(true);
    expect(validatePaf(facts, "CMD-1", 2).ok).toBe(false);
    expect(validatePaf(facts, "AGENT-4", ["AGENTS.md"])).toMatchObject({
      ok: false,
      message: expect.stringContaining("CLAUDE.md"),
    });
  });

  it("answers an unknown id, an uncheckable fact and a wrong kind of value with a failed result, not an exception", () => {
    expect(validatePaf(facts, "NOPE-1", 1)).toMatchObject({
      ok: false,
      code: "unknown-paf",
      severity: "error",
    });
    expect(validatePaf(facts, "DOC-1", true)).toMatchObject({
      ok: false,
      code: "no-check",
      severity: "warning",
    });
    expect(validatePaf(facts, "QUAL-001", "lots")).toMatchObject({
      ok: false,
      message: expect.stringContaining("Expected a coverage percentage"),
    });
  });

  it("says when the fact validated is no longer active", () => {
    expect(validatePaf(facts, "LANG-001", "3.10.1").message).toContain("LANG-001 is replaced");
  });
});

describe("createPafRegistry", () => {
  it("gets, lists and validates", () => {
    const registry = createPafRegistry(facts);
    expect(registry.get("LANG-001")!.status).toBe("replaced");
    expect(registry.list({ category: "lang" }).map((f) => f.id)).toEqual(["LANG-001-v2"]);
    expect(registry.list({ category: "LANG", all: true })).toHaveLength(2);
    expect(registry.validatePaf("QUAL-001", 85).ok).toBe(true);
  });
});
