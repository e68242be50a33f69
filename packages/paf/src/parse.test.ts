import { describe, expect, it } from "vitest";
import { parsePafDocument } from "./parse.js";

const deprecatedDoc = [
  "# Registry",
  "## Languages",
  "- **LANG-001**: ~~Primary language is Python 3.10+~~ **DEPRECATED**",
  "  - Reason: Python 3.12 required for new features",
  "  - Replaced by: LANG-001-v2",
  "  - Date: 2025-10-28",
  "- **LANG-001-v2**: Primary language is Python 3.12+",
  "",
].join("\n");

describe("parsePafDocument", () => {
  it("reads id, category, text, section and line of a fact under any heading", async () => {
    const doc = await parsePafDocument("intro\n\n#### Deep\n\n- **SEC-12**: Secrets never in git\n", {
      file: "x.md",
    });
    expect(doc.facts).toEqual([
      expect.objectContaining({
        id: "SEC-12",
        category: "SEC",
        text: "Secrets never in git",
        status: "active",
        section: ["Deep"],
        source: { file: "x.md", line: 5 },
      }),
    ]);
  });

  it("fills deprecation from strike-through and sub-items, and marks a fact replaced by an active one", async () => {
    const { facts, problems } = await parsePafDocument(deprecatedDoc);
    expect(problems).toEqual([]);
    const old = facts.find((f) => f.id === "LANG-001")!;
    expect(old.status).toBe("replaced");
    expect(old.text).toBe("Primary language is Python 3.10+");
    expect(old.deprecation).toEqual({
      reason: "Python 3.12 required for new features",
      replacedBy: "LANG-001-v2",
      date: "2025-10-28",
    });
    expect(facts.find((f) => f.id === "LANG-001-v2")!.status).toBe("active");
  });

  it("keeps status deprecated when the replacement is not an active fact", async () => {
    const { facts } = await parsePafDocument("- **A-1**: DEPRECATED use B\n  - Replaced by: `B-9`\n");
    expect(facts[0]).toMatchObject({
      status: "deprecated",
      text: "use B",
      deprecation: { replacedBy: "B-9" },
    });
  });

  it("keeps deprecation details only on deprecated facts", async () => {
    const { facts } = await parsePafDocument("- **A-1**: adopted\n  - Date: 2025-01-01\n  - Reason: speed\n");
    expect(facts[0]!.status).toBe("active");
    expect(facts[0]!.deprecation).toBeUndefined();
  });

  it("treats the word DEPRECATED, a struck id and a Deprecated heading as deprecation", async () => {
    const { facts } = await parsePafDocument(
      "- **A-1**: Old rule (DEPRECATED)\n- ~~**A-2**: Older rule~~\n## Deprecated facts\n- **A-3**: Oldest rule\n## Active\n- **A-4**: deprecated in lower case is just a word\n- **A-5**: `a~~b` in code is no strike\n",
    );
    expect(facts.map((f) => [f.id, f.status, f.text])).toEqual([
      ["A-1", "deprecated", "Old rule"],
      ["A-2", "deprecated", "Older rule"],
      ["A-3", "deprecated", "Oldest rule"],
      ["A-4", "active", "deprecated in lower case is just a word"],
      ["A-5", "active", "`a~~b` in code is no strike"],
    ]);
  });

  it("attaches a Check: sub-item, keeping globs that markdown would read as emphasis", async () => {
    const { facts } = await parsePafDocument(
      "- **QUAL-4**: Small files\n  - Check: max-lines 300 src/**/*.ts lib/**/*.ts\n- **QUAL-5**: Runs\n  - **Check**: `command pnpm test --silent`\n",
    );
    expect(facts[0]!.check).toEqual({
      checker: "max-lines",
      args: ["300", "src/**/*.ts", "lib/**/*.ts"],
      inferred: false,
    });
    expect(facts[1]!.check).toEqual({ checker: "command", args: ["pnpm test --silent"], inferred: false });
  });

  it("never takes facts from fenced or indented code, HTML or tables", async () => {
    const text = [
      "```markdown",
      "- **X-1**: in a fence",
      "```",
      "~~~",
      "- **X-2**: in a tilde fence",
      "~~~",
      "",
      "    - **X-3**: indented code",
      "",
      "<div>",
      "- **X-4**: html",
      "</div>",
      "",
      "| a |",
      "|---|",
      "| - **X-5**: cell |",
      "",
      "- **X-6**: real",
    ].join("\n");
    const { facts } = await parsePafDocument(text);
    expect(facts.map((f) => f.id)).toEqual(["X-6"]);
  });

  it("reads facts in ordered lists, block quotes and nested under other bullets", async () => {
    const { facts } = await parsePafDocument(
      "1. **A-1**: one\n> - **A-2**: quoted\n- Group\n  - **A-3**: nested\n    - **A-4**: deeper\n",
    );
    expect(facts.map((f) => [f.id, f.source.line])).toEqual([
      ["A-1", 1],
      ["A-2", 2],
      ["A-3", 4],
      ["A-4", 5],
    ]);
  });

  it("accepts the colon inside the bold and joins wrapped lines", async () => {
    const { facts } = await parsePafDocument("- **A-1:** a rule that\n  wraps onto a second line\n");
    expect(facts[0]!.text).toBe("a rule that wraps onto a second line");
  });

  it("gives CRLF and LF documents the same facts and line numbers", async () => {
    const lf = await parsePafDocument(deprecatedDoc);
    const crlf = await parsePafDocument(deprecatedDoc.replace(/\n/g, "\r\n"));
    expect(crlf.facts).toEqual(lf.facts);
  });

  it("changes a fact's hash when its text changes, not when it moves", async () => {
    const a = await parsePafDocument("- **A-1**: one\n- **A-2**: two\n");
    const moved = await parsePafDocument("# Moved\n\n- **A-2**: two\n- **A-1**: one\n");
    const edited = await parsePafDocument("- **A-1**: one!\n");
    const hash = (d: typeof a, id: string) => d.facts.find((f) => f.id === id)!.hash;
    expect(hash(moved, "A-1")).toBe(hash(a, "A-1"));
    expect(hash(edited, "A-1")).not.toBe(hash(a, "A-1"));
  });

  it("records stated totals with their line", async () => {
    const { statedTotals } = await parsePafDocument(
      "# x\n\nTotal Active PAFs: 3\n\n- **Total Active PAFs**: 4\n",
    );
    expect(statedTotals).toEqual([
      { value: 3, line: 3 },
      { value: 4, line: 5 },
    ]);
  });

  it("reports bullets that look like facts but do not parse, with their lines", async () => {
    const { facts, problems } = await parsePafDocument(
      "- **qual-001**: lower case\n- QUAL-002: not bold\n- **QUAL-003** no colon\n- *QUAL-004*: italic\n- **QUAL_005**: underscore\n- **Atomic**: an ordinary bold label\n- Python 3.12: ordinary text\n- **QUAL-006**:\n",
    );
    expect(facts).toEqual([]);
    expect(problems.map((p) => [p.code, p.source.line])).toEqual([
      ["unparsed-fact", 1],
      ["unparsed-fact", 2],
      ["unparsed-fact", 3],
      ["unparsed-fact", 4],
      ["unparsed-fact", 5],
      ["empty-fact", 8],
    ]);
  });
});
