import { describe, expect, it } from "vitest";
import { lintPafDocument } from "./lint.js";

describe("lintPafDocument", () => {
  it("reports every problem with its line, in line order, not only the first", async () => {
    const text = [
      "# PAFs", //                                                1
      "- **A-1**: first", //                                      2
      "- **A-1**: again", //                                      3
      "- **a-2**: lower case id", //                              4
      "- **B-1**: ~~old~~", //                                    5
      "- **B-2**: DEPRECATED older", //                           6
      "  - Reason: superseded", //                                7
      "  - Replaced by: B-99", //                                 8
      "- **B-3**: ~~oldest~~", //                                 9
      "  - Reason: gone", //                                      10
      "  - Replaced by: B-1", //                                  11
      "- **C-1**: checked", //                                    12
      "  - Check: max-lines many", //                             13
      "- **C-2**: checked by nobody", //                          14
      "  - Check: frobnicate now", //                             15
      "", //                                                      16
      "Total Active PAFs: 7", //                                  17
      "- **A-1**: third", //                                      18
    ].join("\n");
    const problems = await lintPafDocument(text);
    expect(problems.map((p) => [p.source.line, p.code, p.severity])).toEqual([
      [3, "duplicate-id", "error"],
      [4, "unparsed-fact", "warning"],
      [5, "deprecated-no-reason", "warning"],
      [5, "deprecated-no-replacement", "warning"],
      [6, "dangling-replacement", "error"],
      [9, "replacement-not-active", "warning"],
      [12, "invalid-check", "error"],
      [14, "invalid-check", "error"],
      [17, "total-mismatch", "warning"],
      [18, "duplicate-id", "error"],
    ]);
    expect(problems[0]!.message).toContain("line 2");
    expect(problems[4]!.message).toContain("B-99");
    expect(problems.find((p) => p.code === "total-mismatch")!.message).toMatch(/7.*5 active/);
  });

  it("warns when an active fact reuses the id of a deprecated one", async () => {
    const problems = await lintPafDocument(
      "- **A-1**: ~~old~~\n  - Reason: r\n  - Replaced by: A-1\n- **A-1**: new\n",
    );
    expect(problems.map((p) => p.code)).toEqual(["reused-id"]);
  });

  it("checks the counts of a By Category list against the facts under each heading", async () => {
    const text = [
      "## 1. Code Quality", //               1
      "- **Q-1**: a", //                     2
      "- **Q-2**: b", //                     3
      "## 2. Security", //                   4
      "- **S-1**: c", //                     5
      "## Index", //                         6
      "By Category:", //                     7
      "", //                                 8
      "- Code Quality: 2", //                9
      "- Security: 4", //                    10
      "- Not A Heading: 3", //               11
    ].join("\n");
    const problems = await lintPafDocument(text);
    expect(problems.map((p) => [p.source.line, p.code])).toEqual([[10, "total-mismatch"]]);
    expect(problems[0]!.message).toBe(
      'The document states "Security: 4" but 1 active facts are under that heading.',
    );
  });

  it("finds nothing wrong in a clean document", async () => {
    const text =
      "- **A-1**: ~~old~~\n  - Reason: r\n  - Replaced by: A-1-v2\n- **A-1-v2**: new\n  - Check: min-coverage 80 coverage/lcov.info\n\nTotal Active PAFs: 1\n";
    expect(await lintPafDocument(text)).toEqual([]);
  });
});
