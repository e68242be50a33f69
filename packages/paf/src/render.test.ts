import { describe, expect, it } from "vitest";
import { parsePafDocument } from "./parse.js";
import { renderPafDocument } from "./render.js";

const SOURCE = `# PAFCORE — Permanent Architectural Facts

## Architecture

### Layers

- **ARCH-001**: The project's permanent rules live in PAFCORE.md at the repository root.
  - Check: file-exists PAFCORE.md

## Language

- **LANG-001**: Code runs on Node.js 20 or newer, "quoted" \`x\` *y*.
  - Check: max-lines 800 "src/**/*.ts"
- **QUAL-002**: ~~Minimum 60% test coverage~~ DEPRECATED
  - Reason: raised
  - Replaced by: QUAL-003
  - Date: 2025-01-01
- **QUAL-004**: Maximum file size 400 lines.

# Other rules

- **OPS-001**: Deploys run from CI only.
  - Check: command test -f package.json
`;

const essence = (facts: Awaited<ReturnType<typeof parsePafDocument>>["facts"]) =>
  facts.map(({ id, text, status, section, hash, check, deprecation }) => ({
    id,
    text,
    status,
    section,
    hash,
    check,
    deprecation,
  }));

describe("renderPafDocument", () => {
  it("renders facts that parse back to the same ids, texts, statuses, sections, checks and hashes", async () => {
    const before = await parsePafDocument(SOURCE, { file: "PAFCORE.md" });
    expect(before.facts.length).toBe(5);
    const text = renderPafDocument(before.facts, { note: "Written from a bundle." });
    const after = await parsePafDocument(text, { file: "PAFCORE.md" });
    expect(essence(after.facts)).toEqual(essence(before.facts));
    expect(text).toContain("Total Active PAFs: 4");
    expect(text).toContain("Written from a bundle.");
  });

  it("renders no facts as a document with its title only", async () => {
    const text = renderPafDocument([]);
    expect(text.startsWith("# PAFCORE")).toBe(true);
    expect((await parsePafDocument(text, { file: "PAFCORE.md" })).facts).toEqual([]);
  });
});
