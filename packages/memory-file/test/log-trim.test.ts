import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { messagesScope } from "@tta-dev/core";
import { readAll } from "@tta-dev/testkit";
import { describe, expect, it } from "vitest";
import { createFileBackend } from "../src/index.js";
import { flipByte, forgeLine, insertLine, linesOf } from "./forge.js";
import { runWorker, startWorker } from "./spawn-worker.js";
import { useTempDirs } from "./temp-dirs.js";

const tempDir = useTempDirs();
const shared = messagesScope("default", "shared-2026-01-01");
const FILE = "ns/default/log/messages/shared-2026-01-01.jsonl";
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe("trimLog on the file backend", () => {
  it("rewrites the log as a marker line holding the last removed seq, then the kept lines byte for byte", async () => {
    const root = tempDir("tta-file-trim-");
    const b = createFileBackend({ root });
    await b.append(
      shared,
      range(1, 10).map((i) => ({ value: { i }, idempotencyKey: `k${i}` })),
    );
    const before = linesOf(join(root, FILE));
    expect(await b.trimLog(shared, 8)).toBe(7);
    expect(linesOf(join(root, FILE))).toEqual([
      forgeLine('{"s":7,"r":0,"t":1}').slice(0, -1),
      ...before.slice(7),
    ]);
    await b.close();
    // A process that never saw the log before reads it as trimmed, keys included.
    const fresh = createFileBackend({ root });
    expect((await fresh.readLog(shared)).map((e) => e.seq)).toEqual([8, 9, 10]);
    expect(await fresh.logLength(shared)).toBe(10);
    const got = await fresh.append(shared, [
      { value: "anew", idempotencyKey: "k3" },
      { value: "kept", idempotencyKey: "k9" },
    ]);
    expect(got.map((e) => [e.seq, e.duplicate])).toEqual([
      [11, false],
      [9, true],
    ]);
    expect(await fresh.trimLog(shared, 100)).toBe(4);
    expect(linesOf(join(root, FILE))).toEqual([forgeLine('{"s":11,"r":0,"t":1}').slice(0, -1)]);
    await fresh.close();
  });

  it("inspect finds a trimmed log healthy and still finds damage in it; repair cuts a bad end after the marker", async () => {
    const root = tempDir("tta-file-trim-check-");
    const b = createFileBackend({ root });
    await b.append(
      shared,
      range(1, 20).map((i) => ({ value: { i } })),
    );
    await b.trimLog(shared, 11);
    expect((await b.inspect()).problems).toEqual([]);
    const file = join(root, FILE);
    const good = readFileSync(file);
    flipByte(file, 4); // seq 13
    const found = (await b.inspect()).problems;
    expect(found).toMatchObject([{ kind: "corrupt-line", place: FILE, line: 4, repairable: false }]);
    await expect(b.readLog(shared, { afterSeq: 11, limit: 3 })).rejects.toMatchObject({
      code: "BACKEND_CORRUPT",
    });
    expect((await b.readLog(shared, { afterSeq: 15 })).map((e) => e.seq)).toEqual(range(16, 20));
    // A marker anywhere but the first line is damage too.
    writeFileSync(file, good);
    insertLine(file, 6, forgeLine('{"s":15,"r":0,"t":1}').slice(0, -1));
    expect((await b.inspect()).problems).toMatchObject([{ kind: "corrupt-line", line: 6 }]);
    // An end that does not continue the seqs after a log trimmed to empty: moved aside, appends go on.
    writeFileSync(file, `${forgeLine('{"s":30,"r":0,"t":1}')}${forgeLine('{"s":35,"r":0}\t"x"')}`);
    expect((await b.inspect()).problems).toMatchObject([{ kind: "seq-gap", line: 2, repairable: true }]);
    await expect(b.logLength(shared)).rejects.toMatchObject({ code: "BACKEND_CORRUPT" });
    const repaired = await b.repair();
    expect(repaired.moved).toEqual([{ place: FILE, lines: [2], to: `${FILE}.corrupt` }]);
    expect(await b.logLength(shared)).toBe(30);
    expect((await b.append(shared, [{ value: "on" }]))[0]?.seq).toBe(31);
    expect((await b.inspect()).problems).toEqual([]);
    await b.close();
  });

  it("a trim killed at any moment leaves the old log or the trimmed one; either reads whole and appends continue", async () => {
    const root = tempDir("tta-file-trim-kill-");
    const file = join(root, FILE);
    // About 40 MB, so that a trim takes long enough to be killed inside it.
    const pad = "p".repeat(2000);
    const setup = createFileBackend({ root });
    for (let i = 0; i < 10; i++) {
      await setup.append(
        shared,
        range(1, 2000).map((j) => ({ value: { n: i * 2000 + j, pad } })),
      );
    }
    await setup.close();
    const original = readFileSync(file);
    const outcomes = { old: 0, trimmed: 0 };
    let took = 1000;
    for (let round = 0; round < 8; round++) {
      writeFileSync(file, original);
      rmSync(`${file}.keys`, { force: true });
      const child = startWorker({
        mode: "trim",
        root,
        namespace: "default",
        id: round,
        count: 0,
        beforeSeq: 5001,
      });
      let out = "";
      let started = 0;
      // The first round runs to the end and times the trim; the others are killed somewhere inside it.
      const delay = round === 0 ? null : Math.floor(Math.random() * took * 1.2);
      child.stdout!.on("data", (d: Buffer) => {
        out += d.toString();
        if (started === 0 && out.startsWith("start\n")) {
          started = Date.now();
          if (delay !== null) setTimeout(() => child.kill("SIGKILL"), delay);
        }
      });
      await new Promise((resolve) => child.on("exit", resolve));
      if (round === 0) took = Date.now() - started;
      const b = createFileBackend({ root });
      const all = await readAll(b, shared);
      const first = all[0]!.seq;
      expect([1, 5001]).toContain(first);
      if (first === 1) outcomes.old++;
      else outcomes.trimmed++;
      expect(all.map((e) => e.seq)).toEqual(range(first, 20_000));
      expect(all.every((e) => (e.value as { n: number }).n === e.seq)).toBe(true);
      expect(await b.logLength(shared)).toBe(20_000);
      expect((await b.append(shared, [{ value: "after" }]))[0]?.seq).toBe(20_001);
      expect((await b.inspect()).problems).toEqual([]);
      // The next trim sweeps what a killed one left.
      await b.trimLog(shared, 15_001);
      expect((await b.readLog(shared, { limit: 1 }))[0]?.seq).toBe(15_001);
      expect(readdirSync(dirname(file)).filter((n) => n.includes(".tmp-"))).toEqual([]);
      await b.close();
    }
    expect(outcomes.trimmed).toBeGreaterThan(0); // at least the timed round
    console.info(`trim ${took} ms; where 8 runs ended: ${JSON.stringify(outcomes)}`);
  }, 240_000);

  it("3 processes appending while a fourth trims lose no append; seqs stay gapless after the trim point", async () => {
    const root = tempDir("tta-file-trim-proc-");
    const b = createFileBackend({ root });
    await b.append(
      shared,
      range(1, 10).map((i) => ({ value: { i } })),
    );
    const [trimmer, ...appenders] = await Promise.all([
      runWorker<{ removed: number; points: number[] }>({
        mode: "trim",
        root,
        namespace: "default",
        id: 9,
        count: 40,
      }),
      ...[0, 1, 2].map((id) =>
        runWorker<{ seqs: number[] }>({ mode: "append", root, namespace: "default", id, count: 300 }),
      ),
    ]);
    const total = 10 + 900;
    expect(appenders.flatMap((a) => a.seqs).sort((x, y) => x - y)).toEqual(range(11, total));
    expect(await b.logLength(shared)).toBe(total);
    const all = await readAll(b, shared);
    expect(all.map((e) => e.seq)).toEqual(range(trimmer.removed + 1, total));
    const bySeq = new Map(all.map((e) => [e.seq, e.value]));
    appenders.forEach((a, id) => {
      a.seqs.forEach((seq, i) => {
        if (seq > trimmer.removed) expect(bySeq.get(seq)).toEqual({ child: id, i });
      });
    });
    expect(trimmer.removed).toBeGreaterThan(0);
    expect((await b.inspect()).problems).toEqual([]);
    await b.close();
  }, 120_000);
});
