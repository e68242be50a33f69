import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { useTempDirs } from "../../test/temp-dirs.js";
import { createFileBackend } from "../file-backend.js";
import { frameLine } from "../line-codec.js";

const tempDir = useTempDirs();
const scope = { namespace: "default", collection: "messages", partition: "keys-2026-01-01" };

async function seeded(): Promise<{ root: string; index: string }> {
  const root = tempDir("tta-key-index-");
  const backend = createFileBackend({ root });
  for (let b = 0; b < 10; b++) {
    await backend.append(
      scope,
      Array.from({ length: 100 }, (_, i) => ({ value: b * 100 + i, idempotencyKey: `k${b * 100 + i}` })),
    );
    await backend.append(scope, [{ value: "no key" }]);
  }
  await backend.close();
  return { root, index: join(root, "ns", "default", "log", "messages", "keys-2026-01-01.jsonl.keys") };
}

/** A new process (backend) appends the key `k<n>` again: it must get the original entry back. */
async function dupSeq(root: string, n: number): Promise<number> {
  const backend = createFileBackend({ root });
  const [e] = await backend.append(scope, [{ value: "again", idempotencyKey: `k${n}` }]);
  await backend.close();
  expect(e!.duplicate).toBe(true);
  expect(e!.value).toBe(n);
  return e!.seq;
}

describe("the idempotency key index beside a log", () => {
  it("holds every key with the log offset it covers, so a new process need not read the log", async () => {
    const { root, index } = await seeded();
    const lines = readFileSync(index, "utf8").trimEnd().split("\n");
    expect(lines).toHaveLength(1 + 1000);
    expect(await dupSeq(root, 0)).toBe(1);
    expect(await dupSeq(root, 999)).toBe(1009);
  });

  it("is rebuilt from the log when torn, behind, pointing to the wrong entry, of another log, or missing", async () => {
    const { root, index } = await seeded();
    const good = readFileSync(index, "utf8");
    // Torn by a killed writer.
    writeFileSync(index, `${good}${frameLine('{"k":"k1","s":2,"e":1').slice(0, 12)}`);
    expect(await dupSeq(root, 1)).toBe(2);
    expect(readFileSync(index, "utf8").endsWith("\n")).toBe(true);
    // Behind: the writer died before recording its batch.
    writeFileSync(index, good.split("\n").slice(0, 500).join("\n").concat("\n"));
    expect(await dupSeq(root, 990)).toBe(1000);
    // Wrong entry, with a valid checksum.
    writeFileSync(index, `${good}${frameLine('{"k":"k7","s":3,"e":10}')}`);
    expect(await dupSeq(root, 7)).toBe(8);
    // Another log's index.
    writeFileSync(index, `${frameLine('{"log":"1:2"}')}${good.split("\n").slice(1).join("\n")}`);
    expect(await dupSeq(root, 5)).toBe(6);
    // Missing.
    writeFileSync(index, "");
    expect(await dupSeq(root, 500)).toBe(506);
    expect(readFileSync(index, "utf8").trimEnd().split("\n")).toHaveLength(1 + 1000);
  });

  it("goes with its log on deleteLog", async () => {
    const { root, index } = await seeded();
    const backend = createFileBackend({ root });
    expect(await backend.deleteLog(scope)).toBe(true);
    expect(existsSync(index)).toBe(false);
    const [e] = await backend.append(scope, [{ value: "fresh", idempotencyKey: "k1" }]);
    expect(e).toMatchObject({ seq: 1, duplicate: false });
    await backend.close();
  });
});
