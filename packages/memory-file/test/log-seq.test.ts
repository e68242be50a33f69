import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { messagesScope } from "@tta-dev/core";
import { expectCode, readAll } from "@tta-dev/testkit";
import { describe, expect, it } from "vitest";
import { createFileBackend } from "../src/index.js";
import { deepJson, flipByte, forgeLine, insertLine, linesOf } from "./forge.js";
import { useTempDirs } from "./temp-dirs.js";

const tempDir = useTempDirs();
const session = "a-b-2026-01-01";
const log = messagesScope("default", session);

/** A store with one log of `n` single appends `{ i }`, and the path of that log. */
async function logOf(n: number) {
  const root = tempDir("tta-file-seq-");
  const backend = createFileBackend({ root });
  for (let i = 1; i <= n; i++) await backend.append(log, [{ value: { i } }]);
  await backend.close();
  return { root, file: join(root, "ns", "default", "log", "messages", `${session}.jsonl`) };
}

const seqs = (entries: { seq: number }[]) => entries.map((e) => e.seq);

describe("seq continuity of a log", () => {
  for (const [name, seq] of [
    ["a duplicate", 10],
    ["a jumping", 15],
  ] as const) {
    it(`a forged tail line with a valid checksum and ${name} seq fails BACKEND_CORRUPT naming its line, and append refuses to continue from it`, async () => {
      const { root, file } = await logOf(10);
      appendFileSync(file, forgeLine(`{"s":${seq},"r":0}\t{"forged":true}`));
      const before = readFileSync(file);
      for (const backend of [createFileBackend({ root }), createFileBackend({ root })]) {
        const e = await expectCode(backend.readLog(log, { fromEnd: true, limit: 50 }), "BACKEND_CORRUPT");
        expect(e.details).toMatchObject({ file, line: 11, lastGoodSeq: 10 });
        expect(e.details.reason).toMatch(new RegExp(`seq ${seq} where 11 is due`));
        await expectCode(backend.readLog(log), "BACKEND_CORRUPT");
        await expectCode(backend.logLength(log), "BACKEND_CORRUPT");
        const a = await expectCode(backend.append(log, [{ value: "next" }]), "BACKEND_CORRUPT");
        expect(a.details).toMatchObject({ file, line: 11 });
        await backend.close();
      }
      expect(readFileSync(file).equals(before)).toBe(true);

      // Repair sets the end aside; appends continue gaplessly from the last good seq.
      const backend = createFileBackend({ root });
      const r = await backend.repair();
      expect(r.moved).toEqual([
        {
          place: `ns/default/log/messages/${session}.jsonl`,
          lines: [11],
          to: `ns/default/log/messages/${session}.jsonl.corrupt`,
        },
      ]);
      expect(readFileSync(`${file}.corrupt`, "utf8")).toContain(`{"s":${seq},"r":0}\t{"forged":true}`);
      const [next] = await backend.append(log, [{ value: { i: 11 } }]);
      expect(next!.seq).toBe(11);
      expect(seqs(await readAll(backend, log))).toEqual(Array.from({ length: 11 }, (_, i) => i + 1));
      await backend.close();
    });
  }

  it("a lost line in the middle is one seq gap: reads crossing it name the line after it, the end and appends are fine, repair leaves it", async () => {
    const { root, file } = await logOf(10);
    const lines = linesOf(file);
    writeFileSync(file, `${[...lines.slice(0, 3), ...lines.slice(4)].join("\n")}\n`); // seq 4 is gone
    const backend = createFileBackend({ root });
    expect(seqs(await backend.readLog(log, { fromEnd: true, limit: 6 }))).toEqual([5, 6, 7, 8, 9, 10]);
    for (const options of [{}, { fromEnd: true, limit: 8 }]) {
      const e = await expectCode(backend.readLog(log, options), "BACKEND_CORRUPT");
      expect(e.details).toMatchObject({ file, line: 4 });
      expect(e.details.reason).toMatch(/seq 5 where 4 is due/);
    }
    expect((await backend.append(log, [{ value: 11 }]))[0]!.seq).toBe(11);
    const r = await backend.repair();
    expect(r.moved).toEqual([]);
    expect(r.remaining).toMatchObject([{ kind: "seq-gap", line: 4, repairable: false }]);
    await backend.close();
  });

  it("a forged tail whose batch counter breaks its batch is corrupt too", async () => {
    const { root, file } = await logOf(3);
    // Line 4 says one more line of its batch follows, line 5 says it starts over at r = 0: fine.
    // Line 6 claims to be in the middle of a batch (r = 1) right after a batch ended, then never ends.
    appendFileSync(file, forgeLine('{"s":4,"r":2}\t4') + forgeLine('{"s":5,"r":0}\t5'));
    const backend = createFileBackend({ root });
    const e = await expectCode(backend.readLog(log), "BACKEND_CORRUPT");
    expect(e.details).toMatchObject({ file, line: 5 });
    expect(e.details.reason).toMatch(/batch count 0 where 1 is due/);
    await backend.close();
  });

  it("a foreign line inserted as line 3 is reported as line 3, by forward and by backward reads; other ranges and appends keep working", async () => {
    const { root, file } = await logOf(10);
    insertLine(file, 3, '{"hello":"not a log line"}');
    const backend = createFileBackend({ root });
    const forward = await expectCode(backend.readLog(log), "BACKEND_CORRUPT");
    expect(forward.details).toMatchObject({ file, line: 3 });
    const backward = await expectCode(backend.readLog(log, { fromEnd: true, limit: 100 }), "BACKEND_CORRUPT");
    expect(backward.details).toMatchObject({ file, line: 3 });
    expect(seqs(await backend.readLog(log, { fromEnd: true, limit: 5 }))).toEqual([6, 7, 8, 9, 10]);
    expect(seqs(await backend.readLog(log, { afterSeq: 4, limit: 3 }))).toEqual([5, 6, 7]);
    expect(seqs(await backend.readLog(log, { limit: 2 }))).toEqual([1, 2]);
    expect(await backend.logLength(log)).toBe(10);
    const [next] = await backend.append(log, [{ value: { i: 11 } }]);
    expect(next!.seq).toBe(11);
    await backend.close();
  });

  it("a forged line repeating seq 2 as line 3 is reported as line 3 in both directions (the chain names it, not its neighbour)", async () => {
    const { root, file } = await logOf(6);
    insertLine(file, 3, forgeLine('{"s":2,"r":0}\t{"i":"again"}').trimEnd());
    const backend = createFileBackend({ root });
    for (const options of [{}, { fromEnd: true, limit: 100 }]) {
      const e = await expectCode(backend.readLog(log, options), "BACKEND_CORRUPT");
      expect(e.details).toMatchObject({ file, line: 3 });
      expect(e.details.reason).toMatch(/seq 2 where 3 is due/);
    }
    expect(seqs(await backend.readLog(log, { fromEnd: true, limit: 4 }))).toEqual([3, 4, 5, 6]);
    await backend.close();
  });

  it("a damaged last line is tail corruption that names its line; appends are refused", async () => {
    const { root, file } = await logOf(10);
    flipByte(file, 10);
    const backend = createFileBackend({ root });
    const e = await expectCode(backend.readLog(log, { fromEnd: true, limit: 3 }), "BACKEND_CORRUPT");
    expect(e.details).toMatchObject({ file, line: 10 });
    await expectCode(backend.append(log, [{ value: 1 }]), "BACKEND_CORRUPT");
    expect(linesOf(file)).toHaveLength(10);
    await backend.close();
  });

  it("a damaged line in the middle fails only the reads that cross it, naming it; the last 50 still read", async () => {
    const { root, file } = await logOf(80);
    flipByte(file, 20);
    const backend = createFileBackend({ root });
    expect(seqs(await backend.readLog(log, { fromEnd: true, limit: 50 }))).toEqual(
      Array.from({ length: 50 }, (_, i) => 31 + i),
    );
    for (const options of [{}, { fromEnd: true, limit: 70 }, { afterSeq: 15, limit: 10 }]) {
      const e = await expectCode(backend.readLog(log, options), "BACKEND_CORRUPT");
      expect(e.details).toMatchObject({ file, line: 20 });
    }
    const [next] = await backend.append(log, [{ value: { i: 81 } }]);
    expect(next!.seq).toBe(81);
    await backend.close();
  });

  it("a log line nested 5 000 levels deep reads as BACKEND_CORRUPT naming the file and line, never BACKEND_UNAVAILABLE", async () => {
    const { root, file } = await logOf(2);
    appendFileSync(file, forgeLine(`{"s":3,"r":0}\t{"metadata":${deepJson(5000)}}`));
    const backend = createFileBackend({ root });
    const e = await expectCode(backend.readLog(log), "BACKEND_CORRUPT");
    expect(e.details).toMatchObject({ file, line: 3 });
    expect(e.details.reason).toMatch(/nested more than 1000 levels/);
    expect(seqs(await backend.readLog(log, { limit: 2 }))).toEqual([1, 2]);
    const v = await expectCode(
      backend.append(log, [{ value: JSON.parse(deepJson(5000)) }]),
      "VALIDATION_FAILED",
    );
    expect(v.details).toMatchObject({
      issues: [{ path: "items.0.value", message: /nested more than 1000/ }],
    });
    await backend.close();
  });

  it("a torn tail is still a write in progress, not corruption", async () => {
    const { root, file } = await logOf(3);
    appendFileSync(file, forgeLine('{"s":4,"r":1}\t4') + forgeLine('{"s":5,"r":0}\t5').slice(0, 9));
    const backend = createFileBackend({ root });
    expect(seqs(await readAll(backend, log))).toEqual([1, 2, 3]);
    const [next] = await backend.append(log, [{ value: 4 }]);
    expect(next!.seq).toBe(4);
    expect(linesOf(file)).toHaveLength(4);
    await backend.close();
  });
});
