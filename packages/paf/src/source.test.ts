import { mkdir, mkdtemp, rm, stat, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { findPafFile, loadPafs, PAF_LOOKUP_ORDER } from "./locate.js";
import { createPafSource } from "./source.js";

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});
async function root(files: Record<string, string> = {}) {
  const dir = await mkdtemp(join(tmpdir(), "tta-paf-src-"));
  dirs.push(dir);
  for (const [p, c] of Object.entries(files)) {
    await mkdir(join(dir, p, ".."), { recursive: true });
    await writeFile(join(dir, p), c);
  }
  return dir;
}

describe("findPafFile / loadPafs", () => {
  it("follows the lookup order of docs/domain.md#paf-lookup", async () => {
    expect(PAF_LOOKUP_ORDER).toEqual([
      "PAFCORE.md",
      ".tta/PAFCORE.md",
      ".universal-instructions/paf/PAFCORE.md",
      "docs/PAFCORE.md",
    ]);
    const dir = await root({
      "docs/PAFCORE.md": "- **D-1**: docs",
      ".universal-instructions/paf/PAFCORE.md": "- **U-1**: ui",
    });
    expect((await findPafFile({ root: dir })).file).toBe(".universal-instructions/paf/PAFCORE.md");
    await writeFile(join(dir, "PAFCORE.md"), "- **R-1**: root");
    const doc = await loadPafs({ root: dir });
    expect(doc.facts.map((f) => [f.id, f.source.file])).toEqual([["R-1", "PAFCORE.md"]]);
    expect(doc.path).toBe(join(dir, "PAFCORE.md"));
  });

  it("uses only the configured pafPath when one is given", async () => {
    const dir = await root({ "PAFCORE.md": "- **R-1**: root", "rules/core.md": "- **C-1**: custom" });
    expect((await loadPafs({ root: dir, pafPath: "rules/core.md" })).facts[0]!.source).toEqual({
      file: "rules/core.md",
      line: 1,
    });
    await expect(loadPafs({ root: dir, pafPath: "rules/none.md" })).rejects.toMatchObject({
      code: "PAF_FILE_NOT_FOUND",
      details: { searched: [join(dir, "rules/none.md")] },
    });
  });

  it("fails PAF_FILE_NOT_FOUND saying every place it looked", async () => {
    const dir = await root();
    const err = await loadPafs({ root: dir }).catch((e) => e);
    expect(err.code).toBe("PAF_FILE_NOT_FOUND");
    for (const p of PAF_LOOKUP_ORDER) expect(err.message).toContain(join(dir, p));
  });

  it("refuses a binary file and strips a byte-order mark", async () => {
    const dir = await root({ "PAFCORE.md": "\uFEFF- **B-1**: bom" });
    expect((await loadPafs({ root: dir })).facts[0]!.text).toBe("bom");
    await writeFile(join(dir, "PAFCORE.md"), Buffer.from([0x2d, 0x20, 0x00, 0xff]));
    await expect(loadPafs({ root: dir })).rejects.toMatchObject({ code: "PAF_PARSE_ERROR" });
  });
});

describe("createPafSource", () => {
  it("re-parses only when the document's mtime or size changes", async () => {
    const dir = await root({ "PAFCORE.md": "- **A-1**: one\n" });
    const source = createPafSource({ root: dir });
    const first = await source.document();
    expect(await source.document()).toBe(first);
    await writeFile(join(dir, "PAFCORE.md"), "- **A-1**: one\n- **A-2**: two\n");
    expect((await source.load()).map((f) => f.id)).toEqual(["A-1", "A-2"]);
    // Same size, different mtime: re-read.
    const st = await stat(join(dir, "PAFCORE.md"));
    await writeFile(join(dir, "PAFCORE.md"), "- **B-1**: one\n- **B-2**: two\n");
    await utimes(join(dir, "PAFCORE.md"), st.atime, new Date(st.mtimeMs + 5_000));
    expect((await source.load()).map((f) => f.id)).toEqual(["B-1", "B-2"]);
  });

  it("keeps the parse in a cache file that a new source (a new process) reuses without parsing", async () => {
    const dir = await root({ "PAFCORE.md": "- **A-1**: one\n" });
    const cacheFile = join(dir, ".tta", "paf-cache.json");
    expect((await createPafSource({ root: dir, cacheFile }).load()).map((f) => f.text)).toEqual(["one"]);
    // Prove the second source reads the cache: doctor the cached text; mtime and size still match.
    const { readFile } = await import("node:fs/promises");
    await writeFile(cacheFile, (await readFile(cacheFile, "utf8")).replace('"text":"one"', '"text":"ONE"'));
    expect((await createPafSource({ root: dir, cacheFile }).load()).map((f) => f.text)).toEqual(["ONE"]);
    // A garbage cache is ignored.
    await writeFile(cacheFile, "garbage");
    expect((await createPafSource({ root: dir, cacheFile }).load()).map((f) => f.text)).toEqual(["one"]);
  });

  it("gives no facts for a missing document when optional, and fails otherwise", async () => {
    const dir = await root();
    expect(await createPafSource({ root: dir, optional: true }).load()).toEqual([]);
    await expect(createPafSource({ root: dir }).load()).rejects.toMatchObject({ code: "PAF_FILE_NOT_FOUND" });
  });
});
