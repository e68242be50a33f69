import { execFileSync } from "node:child_process";
import { existsSync, linkSync, mkdirSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { hasErrorCode } from "@tta-dev/core";
import { describe, expect, it } from "vitest";
import { useTempDirs } from "../../test/temp-dirs.js";
import { createLockManager } from "./lock.js";

const tempDir = useTempDirs();

function setup(staleMs = 30_000, timeoutMs = 2_000) {
  const root = tempDir("tta-lock-");
  const ownersDir = join(root, "locks");
  return { root, ownersDir, locks: createLockManager({ ownersDir, staleMs, timeoutMs }) };
}

/** Plant a lock held by `pid` (as another process would leave it). */
function plant(ownersDir: string, lockPath: string, pid: number, start: string | null = null): string {
  mkdirSync(ownersDir, { recursive: true });
  const owner = `${pid}-0-${Math.random().toString(16).slice(2, 14).padEnd(12, "0")}`;
  writeFileSync(join(ownersDir, owner), JSON.stringify({ pid, thread: 0, start, owner }));
  linkSync(join(ownersDir, owner), lockPath);
  return join(ownersDir, owner);
}

function deadPid(): number {
  return Number(
    execFileSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]).toString(),
  );
}

describe("lock manager", () => {
  it("takes and releases a lock, leaving no lock file", async () => {
    const { root, locks } = setup();
    const path = join(root, "a.lock");
    expect(await locks.withLock(path, () => existsSync(path))).toBe(true);
    expect(existsSync(path)).toBe(false);
    expect(locks.withLockSync(path, () => 7)).toBe(7);
    expect(() =>
      locks.withLockSync(path, () => {
        throw new Error("boom");
      }),
    ).toThrow("boom");
    expect(existsSync(path)).toBe(false);
    locks.close();
  });

  it("breaks at once a lock whose holder process is dead, and removes its owner file", async () => {
    const { root, ownersDir, locks } = setup();
    const path = join(root, "dead.lock");
    const ownerFile = plant(ownersDir, path, deadPid());
    const started = Date.now();
    await locks.withLock(path, () => undefined);
    expect(Date.now() - started).toBeLessThan(200);
    expect(existsSync(ownerFile)).toBe(false);
    locks.close();
  });

  it("treats a live pid with another start time as a reused pid, so the lock is stale", async () => {
    const { root, ownersDir, locks } = setup();
    const path = join(root, "reused.lock");
    plant(ownersDir, path, process.ppid, "1");
    await locks.withLock(path, () => undefined);
    locks.close();
  });

  it("waits for a live holder and fails BACKEND_UNAVAILABLE after the timeout", async () => {
    const { root, ownersDir } = setup();
    const locks = createLockManager({ ownersDir, staleMs: 60_000, timeoutMs: 100 });
    const path = join(root, "live.lock");
    plant(ownersDir, path, process.ppid);
    let err: unknown;
    try {
      await locks.withLock(path, () => undefined);
    } catch (e) {
      err = e;
    }
    expect(hasErrorCode(err, "BACKEND_UNAVAILABLE")).toBe(true);
    expect(existsSync(path)).toBe(true);
    locks.close();
  });

  it("breaks a live holder's lock once it has been idle longer than staleMs", async () => {
    const { root, ownersDir } = setup();
    const locks = createLockManager({ ownersDir, staleMs: 1_000, timeoutMs: 2_000 });
    const path = join(root, "old.lock");
    const owner = plant(ownersDir, path, process.ppid);
    const old = new Date(Date.now() - 5_000);
    utimesSync(owner, old, old);
    // ctime cannot be set back; the holder stays "recent" until staleMs has passed.
    const started = Date.now();
    await locks.withLock(path, () => undefined);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    locks.close();
  });
});

describe("owner files", () => {
  it("sweeps the owner files of processes that are gone when a manager starts", async () => {
    const { root, ownersDir, locks } = setup();
    const deadOwner = plant(ownersDir, join(root, "x.lock"), deadPid());
    const liveOwner = plant(ownersDir, join(root, "y.lock"), process.ppid);
    await locks.withLock(join(root, "z.lock"), () => undefined);
    expect(existsSync(deadOwner)).toBe(false);
    expect(existsSync(liveOwner)).toBe(true);
    locks.close();
  });
});
