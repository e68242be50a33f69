import { readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { BundleStream, Handlers, OutputOf } from "@tta-dev/contract";
import { parseInput } from "@tta-dev/contract";
import { createInMemoryBackend } from "@tta-dev/memory-inmemory";
import { parsePafDocument } from "@tta-dev/paf";
import { codeOf } from "@tta-dev/testkit";
import { describe, expect, it } from "vitest";
import { call, PAFCORE, workspace } from "./scenario.js";

const S = "bundle-ops-2026-11-25";

async function exported(
  handlers: Handlers,
  raw: unknown = {},
): Promise<{ out: BundleStream; bytes: Buffer }> {
  const out = (await handlers["system.export"](parseInput("system.export", raw), {
    namespace: "default",
  })) as BundleStream;
  const parts: Uint8Array[] = [];
  for await (const chunk of out.body) parts.push(chunk);
  return { out, bytes: Buffer.concat(parts) };
}

function imported(handlers: Handlers, bytes: Buffer, raw: unknown = {}): Promise<OutputOf<"system.import">> {
  return handlers["system.import"](parseInput("system.import", raw), {
    namespace: "default",
    body: async function* () {
      yield bytes;
    },
  });
}

async function source() {
  const ws = await workspace(createInMemoryBackend());
  await call(ws.handlers, "session.create", { id: S });
  await call(ws.handlers, "message.append", { sessionId: S, content: "Keep the snapshot" });
  return ws;
}

describe("bundle handlers", () => {
  it("export the namespace with the PAF snapshot of PAFCORE.md, and its counts once read", async () => {
    const { handlers } = await source();
    const { out, bytes } = await exported(handlers);
    expect(out.mediaType).toBe("application/x-ndjson");
    expect(out.counts()).toEqual({ session: 1, message: 1, cache: 0, memory: 0, group: 0, paf: 4 });
    const lines = bytes.toString("utf8").trim().split("\n");
    expect(lines.filter((l) => l.startsWith('{"type":"paf"'))).toHaveLength(4);
  });

  it("refuse a hostile or unknown session id before the first line", async () => {
    const { handlers } = await source();
    expect(await codeOf(exported(handlers, { sessions: ["../etc"] }))).toBe("NAME_INVALID");
    expect(await codeOf(exported(handlers, { sessions: ["nope-2026-11-25"] }))).toBe("SESSION_NOT_FOUND");
  });

  it("write PAFCORE.md from the snapshot into a project without one, and only then", async () => {
    const { handlers } = await source();
    const { bytes } = await exported(handlers);
    const fresh = await workspace(createInMemoryBackend());
    await rm(join(fresh.root, "PAFCORE.md"));

    const dry = await imported(fresh.handlers, bytes, { dryRun: true });
    expect(dry).toMatchObject({ imported: { pafs: 4 }, paf: { written: null, differing: [] } });
    expect(await readdir(fresh.root)).not.toContain("PAFCORE.md");

    const first = await imported(fresh.handlers, bytes);
    expect(first).toMatchObject({
      imported: { sessions: 1, messages: 1, pafs: 4 },
      paf: { written: "PAFCORE.md" },
    });
    const written = await parsePafDocument(await readFile(join(fresh.root, "PAFCORE.md"), "utf8"), {
      file: "PAFCORE.md",
    });
    const original = await parsePafDocument(PAFCORE, { file: "PAFCORE.md" });
    expect(written.facts.map((f) => [f.id, f.status, f.hash])).toEqual(
      original.facts.map((f) => [f.id, f.status, f.hash]),
    );
    expect(await call(fresh.handlers, "paf.list", { all: true })).toMatchObject({ file: "PAFCORE.md" });

    // Now the project has one, equal to the snapshot: every PAF is skipped, the file untouched.
    const text = await readFile(join(fresh.root, "PAFCORE.md"), "utf8");
    const second = await imported(fresh.handlers, bytes);
    expect(second).toMatchObject({
      imported: { pafs: 0 },
      skipped: { pafs: 4 },
      paf: { written: null, differing: [] },
    });
    expect(await readFile(join(fresh.root, "PAFCORE.md"), "utf8")).toBe(text);
  });

  it("keep an existing PAFCORE.md as it is: differing PAFs are reported, and fail refuses before writing", async () => {
    const { handlers } = await source();
    const { bytes } = await exported(handlers);
    const target = await workspace(createInMemoryBackend());
    const mine = "# Mine\n\n- **QUAL-001**: Minimum 90% test coverage\n";
    await writeFile(join(target.root, "PAFCORE.md"), mine);

    expect(await codeOf(imported(target.handlers, bytes, { onConflict: "fail" }))).toBe("ALREADY_EXISTS");
    expect(await call(target.handlers, "session.list", {})).toMatchObject({ items: [] });

    for (const onConflict of ["skip", "overwrite"] as const) {
      const r = await imported(target.handlers, bytes, { onConflict });
      expect(r.paf).toEqual({ written: null, differing: ["QUAL-001", "QUAL-004", "LANG-001", "LANG-009"] });
      expect(r.skipped.pafs).toBe(4);
    }
    expect(await readFile(join(target.root, "PAFCORE.md"), "utf8")).toBe(mine);
  });

  it("need the bundle's body", async () => {
    const { handlers } = await source();
    const missing = handlers["system.import"](parseInput("system.import", {}), { namespace: "default" });
    expect(await codeOf(missing)).toBe("VALIDATION_FAILED");
  });

  it("produce the body as it is read, and stop the export when the reader stops", async () => {
    const { handlers } = await source();
    const messages = Array.from({ length: 500 }, (_, i) => ({ content: `${i} ${"x".repeat(1000)}` }));
    await call(handlers, "message.append", { sessionId: S, messages });
    for (const gzip of [false, true]) {
      const out = (await handlers["system.export"](parseInput("system.export", { gzip }), {
        namespace: "default",
      })) as BundleStream;
      const it = out.body[Symbol.asyncIterator]();
      const first = await it.next();
      expect(first.done).toBe(false);
      if (!gzip) expect(first.value!.length).toBeLessThan(200_000);
      await it.return?.();
      expect(out.counts()).toBeNull();
      expect((await it.next()).done).toBe(true);
    }
  });
});
