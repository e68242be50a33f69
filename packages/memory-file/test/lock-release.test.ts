import { existsSync, linkSync, mkdirSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createLockManager } from "../src/lock/lock.js";
import { useTempDirs } from "./temp-dirs.js";

const tempDir = useTempDirs();
const pause = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** Replace the lock at `lockPath` by one of another (live) owner, as a process that broke it would. */
function takeOver(ownersDir: string, lockPath: string): void {
  unlinkSync(lockPath);
  const owner = join(ownersDir, `${process.ppid}-0-${"a".repeat(12)}`);
  writeFileSync(owner, JSON.stringify({ pid: process.ppid, thread: 0, start: null, owner }));
  linkSync(owner, lockPath);
}

describe("releasing a lock", () => {
  it("removes the lock after a short hold", () => {
    const root = tempDir("tta-lock-release-");
    const locks = createLockManager({ ownersDir: join(root, "locks"), staleMs: 200, timeoutMs: 1_000 });
    const path = join(root, "short.lock");
    locks.withLockSync(path, () => expect(existsSync(path)).toBe(true));
    expect(existsSync(path)).toBe(false);
    locks.close();
  });

  it("leaves alone a lock that someone else took after a hold long enough to be judged stale", async () => {
    const root = tempDir("tta-lock-release-");
    const ownersDir = join(root, "locks");
    mkdirSync(ownersDir, { recursive: true });
    const locks = createLockManager({ ownersDir, staleMs: 200, timeoutMs: 1_000 });
    const path = join(root, "long.lock");
    await locks.withLock(path, () => {
      pause(150);
      takeOver(ownersDir, path);
    });
    // Held for 150 ms of a 200 ms staleMs: it may have been broken, so the release looked first.
    expect(existsSync(path)).toBe(true);
    locks.close();
  });
});
