import { createManualClock, type ManualClock, type MemoryBackend } from "@tta-dev/core";
import { createInMemoryBackend, type InMemoryBackend } from "@tta-dev/memory-inmemory";
import { expect } from "vitest";
import { createMemoryStore, type MemoryStore, type MemoryStoreOptions } from "../src/index.js";

export const T0 = "2026-11-25T12:00:00.000Z";
export const SID = "auth-refactor-2026-11-25";

let counter = 0;

/** A fresh namespace on a fresh in-memory backend, with a manual clock. */
export function setup(options: Partial<MemoryStoreOptions> = {}): {
  clock: ManualClock;
  backend: InMemoryBackend;
  namespace: string;
  store: MemoryStore;
} {
  const clock = createManualClock(T0);
  const backend = createInMemoryBackend({ clock });
  const namespace = `t${++counter}`;
  const store = createMemoryStore({ backend, clock, namespace, ...options });
  return { clock, backend, namespace, store };
}

/** Expect a promise to fail with a tta error of this code; returns the error. */
export async function expectCode(
  promise: Promise<unknown>,
  code: string,
): Promise<{ details: Record<string, unknown>; message: string }> {
  const error = await promise.then(
    () => {
      throw new Error(`expected ${code}, but it resolved`);
    },
    (e: unknown) => e,
  );
  expect(error).toMatchObject({ code });
  return error as { details: Record<string, unknown>; message: string };
}

/** Counts what a backend is asked to read, to check that cost follows what is read. */
export function countingBackend(
  inner: MemoryBackend,
): MemoryBackend & { entriesRead: number; calls: number } {
  const counter = { entriesRead: 0, calls: 0 };
  const wrapped = Object.create(inner) as MemoryBackend & typeof counter;
  Object.assign(wrapped, counter);
  const count = (result: unknown) => {
    if (Array.isArray(result)) wrapped.entriesRead += result.length;
  };
  wrapped.readLog = async (scope, options) => {
    wrapped.calls++;
    const out = await inner.readLog(scope, options);
    count(out);
    return out;
  };
  wrapped.batch = async (reads) => {
    wrapped.calls++;
    const out = await inner.batch(reads);
    reads.forEach((r, i) => {
      if (r.op === "readLog") count(out[i]);
    });
    return out;
  };
  return wrapped;
}
