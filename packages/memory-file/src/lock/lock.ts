import { randomBytes } from "node:crypto";
import {
  existsSync,
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { threadId } from "node:worker_threads";
import { BackendUnavailableError, InternalError } from "@tta-dev/core";
import { isProcessAlive, processStartTime } from "./process-alive.js";

/** Options of {@link createLockManager}. */
export interface LockManagerOptions {
  /** Directory of the per-process owner files (`<root>/locks`). */
  ownersDir: string;
  /** A lock whose live holder has not touched any lock for this long is broken anyway (pid reuse, hang). */
  staleMs: number;
  /** Give up waiting after this long with `BACKEND_UNAVAILABLE`. */
  timeoutMs: number;
}

/** Cross-process mutual exclusion over lock files; critical sections are synchronous. */
export interface LockManager {
  /** Run `fn` holding `lockPath`, waiting (asynchronously) while another process holds it. */
  withLock<T>(lockPath: string, fn: () => T): Promise<T>;
  /** Run `fn` holding `lockPath`, waiting synchronously: for a lock taken inside another one. */
  withLockSync<T>(lockPath: string, fn: () => T): T;
  /** Remove this owner's file. */
  close(): void;
}

interface OwnerInfo {
  pid: number;
  thread: number;
  start: string | null;
  owner: string;
}

const OWNER_NAME = /^\d+-\d+-[0-9a-f]{12}$/;
const sleeper = new Int32Array(new SharedArrayBuffer(4));
/** How long a waiter polls synchronously (sleeping between tries) before it yields to the event loop. */
const SPIN_MS = 25;
/** When a waiter first checks whether the holder is gone, and how often after that. */
const FIRST_CHECK_MS = 5;
const CHECK_EVERY_MS = 50;
/** Locks this thread holds right now, whichever manager took them. */
const heldHere = new Set<string>();

function code(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException)?.code;
}

/**
 * A lock is a hard link from the lock path to this process's owner file, whose content names the
 * owner (pid, thread, process start time). Taking it is one `link()` (atomic, fails `EEXIST` when
 * held), releasing it one `unlink()`. A holder that was killed leaves its link behind: the next
 * writer sees that the pid is gone (or is another process now) and breaks the lock at once, by
 * renaming it aside and checking that it moved the very inode it judged stale.
 *
 * @example
 * const locks = createLockManager({ ownersDir: ".tta/locks", staleMs: 30_000, timeoutMs: 10_000 });
 * await locks.withLock(".tta/ns/default/sessions.rec.lock", () => doWrite());
 */
export function createLockManager(options: LockManagerOptions): LockManager {
  const me: OwnerInfo = {
    pid: process.pid,
    thread: threadId,
    start: processStartTime(process.pid),
    owner: `${process.pid}-${threadId}-${randomBytes(6).toString("hex")}`,
  };
  const ownerPath = join(options.ownersDir, me.owner);
  let ownerReady = false;
  let ownerIno = -1;

  /** Remove the owner files of processes that are gone (killed while holding no lock). */
  function sweepOwners(): void {
    let names: string[];
    try {
      names = readdirSync(options.ownersDir);
    } catch {
      return;
    }
    for (const name of names) {
      if (!OWNER_NAME.test(name) || name === me.owner) continue;
      const info = readOwner(join(options.ownersDir, name));
      if (!info || isProcessAlive(info.pid, info.start)) continue;
      try {
        unlinkSync(join(options.ownersDir, name));
      } catch {
        /* swept by someone else */
      }
    }
  }

  function ensureOwner(): void {
    if (ownerIno === -1) sweepOwners();
    mkdirSync(options.ownersDir, { recursive: true });
    writeFileSync(ownerPath, JSON.stringify(me));
    ownerIno = statSync(ownerPath).ino;
    ownerReady = true;
  }

  function readOwner(path: string): OwnerInfo | null {
    try {
      const info = JSON.parse(readFileSync(path, "utf8")) as OwnerInfo;
      return typeof info.pid === "number" && typeof info.owner === "string" ? info : null;
    } catch {
      return null;
    }
  }

  function isStale(lockPath: string, ctimeMs: number): boolean {
    const holder = readOwner(lockPath);
    if (holder === null) return Date.now() - ctimeMs > options.staleMs;
    if (holder.pid === me.pid && holder.thread === me.thread) return !heldHere.has(lockPath);
    if (!isProcessAlive(holder.pid, holder.start)) return true;
    return Date.now() - ctimeMs > options.staleMs;
  }

  function breakLock(lockPath: string, ino: number): void {
    const holder = readOwner(lockPath);
    const aside = `${lockPath}.broken-${me.owner}`;
    try {
      renameSync(lockPath, aside);
    } catch {
      return;
    }
    try {
      if (statSync(aside).ino !== ino) {
        // Someone took the lock between our check and the rename: put it back.
        try {
          linkSync(aside, lockPath);
        } catch {
          /* a third writer got in first; its link stands */
        }
      } else if (holder && OWNER_NAME.test(holder.owner) && !isProcessAlive(holder.pid, holder.start)) {
        try {
          unlinkSync(join(options.ownersDir, holder.owner));
        } catch {
          /* already gone */
        }
      }
    } finally {
      unlinkSync(aside);
    }
  }

  /**
   * One attempt. With `checkStale`, a held lock is examined (its owner's pid and start time) and
   * broken when its holder is gone; waiters do that only every few milliseconds, because the
   * check costs several system calls and a contended lock is nearly always held by a live writer.
   */
  function tryAcquire(lockPath: string, checkStale: boolean, retry = true): boolean {
    if (!ownerReady) ensureOwner();
    // A failed link() throws, and building that error costs more than the lock cycle: a waiter
    // first looks whether the lock is still there (no exception), which leaves the CPU to the holder.
    if (retry && !checkStale && existsSync(lockPath)) return false;
    try {
      linkSync(ownerPath, lockPath);
      heldHere.add(lockPath);
      return true;
    } catch (e) {
      if (code(e) === "ENOENT") {
        mkdirSync(dirname(lockPath), { recursive: true });
        ensureOwner();
        return false;
      }
      if (code(e) !== "EEXIST") throw e;
    }
    if (!checkStale) return false;
    let st: ReturnType<typeof statSync>;
    try {
      st = statSync(lockPath);
    } catch {
      return false;
    }
    if (isStale(lockPath, st.ctimeMs)) breakLock(lockPath, st.ino);
    return false;
  }

  /**
   * Let a lock go. Another process breaks the lock of a live holder only once the holder's owner file
   * has not changed for `staleMs` (see `isStale`), and taking the lock changed it (a `link` sets its
   * ctime): a lock held for less than half of that is still ours, and is unlinked without a look.
   */
  function release(lockPath: string, heldMs: number): void {
    heldHere.delete(lockPath);
    try {
      if (heldMs < options.staleMs / 2 || statSync(lockPath).ino === ownerIno) unlinkSync(lockPath);
    } catch {
      /* broken by someone who judged us stale: nothing left to release */
    }
  }

  function timeout(lockPath: string): BackendUnavailableError {
    return new BackendUnavailableError(
      `Timed out after ${options.timeoutMs} ms waiting for the lock ${lockPath}.`,
      {
        lock: lockPath,
        timeoutMs: options.timeoutMs,
      },
    );
  }

  /** A waiter's clock for staleness checks: first after {@link FIRST_CHECK_MS}, then every {@link CHECK_EVERY_MS}. */
  function staleTimer(): () => boolean {
    let next = Date.now() + FIRST_CHECK_MS;
    return () => {
      const now = Date.now();
      if (now < next) return false;
      next = now + CHECK_EVERY_MS;
      return true;
    };
  }

  function acquireSync(lockPath: string, deadline: number): void {
    // The first try links at once, as `withLock`'s does: a free lock costs one system call.
    if (tryAcquire(lockPath, false, false)) return;
    let pause = 0.02;
    const due = staleTimer();
    while (!tryAcquire(lockPath, due())) {
      if (Date.now() > deadline) throw timeout(lockPath);
      Atomics.wait(sleeper, 0, 0, pause * (0.5 + Math.random()));
      pause = Math.min(pause * 2, 2);
    }
  }

  function runHeld<T>(lockPath: string, fn: () => T): T {
    const taken = performance.now();
    try {
      return fn();
    } finally {
      release(lockPath, performance.now() - taken);
    }
  }

  // Taking the lock and running the critical section happen in one synchronous stretch: no other
  // task of this thread can run while the lock is held.
  async function withLock<T>(lockPath: string, fn: () => T): Promise<T> {
    if (heldHere.has(lockPath)) throw new InternalError(`Lock ${lockPath} is already held by this thread.`);
    if (tryAcquire(lockPath, false, false)) return runHeld(lockPath, fn);
    const due = staleTimer();
    // Holders keep a lock for microseconds: a short synchronous spin first, then yield to the loop.
    const spinUntil = Date.now() + SPIN_MS;
    let pause = 0.02;
    while (Date.now() < spinUntil) {
      Atomics.wait(sleeper, 0, 0, pause * (0.5 + Math.random()));
      if (tryAcquire(lockPath, due())) return runHeld(lockPath, fn);
      pause = Math.min(pause * 2, 0.02);
    }
    const deadline = Date.now() + options.timeoutMs;
    let wait = 1;
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, wait * (0.5 + Math.random())));
      if (tryAcquire(lockPath, due())) return runHeld(lockPath, fn);
      if (Date.now() > deadline) throw timeout(lockPath);
      wait = Math.min(wait * 2, 10);
    }
  }

  return {
    withLock,
    withLockSync(lockPath, fn) {
      if (heldHere.has(lockPath)) throw new InternalError(`Lock ${lockPath} is already held by this thread.`);
      acquireSync(lockPath, Date.now() + options.timeoutMs);
      return runHeld(lockPath, fn);
    },
    close() {
      if (!ownerReady) return;
      ownerReady = false;
      try {
        unlinkSync(ownerPath);
      } catch {
        /* already gone */
      }
    },
  };
}
