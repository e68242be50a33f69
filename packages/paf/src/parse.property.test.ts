import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parsePafDocument } from "./parse.js";

const word = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9.,;:%()'/+=-]{0,11}$/);
const fact = fc.record({
  category: fc.stringMatching(/^[A-Z]{1,6}$/),
  num: fc.integer({ min: 0, max: 9999 }),
  rev: fc.option(fc.integer({ min: 2, max: 9 }), { nil: undefined }),
  words: fc.array(word, { minLength: 1, maxLength: 8 }),
  deprecated: fc.boolean(),
  heading: fc.option(fc.stringMatching(/^[A-Za-z][A-Za-z ]{0,15}$/), { nil: undefined }),
});

describe("parsePafDocument (property)", () => {
  it("gets back every written fact, with its id, text, status and line, whatever the line endings", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fact, { maxLength: 25 }), fc.boolean(), async (specs, crlf) => {
        const out: string[] = [];
        const expected: [string, string, string, number][] = [];
        for (const s of specs) {
          if (s.heading !== undefined) out.push("", `## Area ${s.heading}`, "");
          const id = `${s.category}-${s.num}${s.rev ? `-v${s.rev}` : ""}`;
          const text = s.words.join(" ");
          out.push(s.deprecated ? `- **${id}**: ~~${text}~~ **DEPRECATED**` : `- **${id}**: ${text}`);
          expected.push([id, text, s.deprecated ? "deprecated" : "active", out.length]);
          if (s.deprecated) out.push("  - Reason: because");
        }
        const doc = await parsePafDocument(out.join(crlf ? "\r\n" : "\n"));
        expect(doc.facts.map((f) => [f.id, f.text, f.status, f.source.line])).toEqual(expected);
        expect(doc.problems).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });
});
