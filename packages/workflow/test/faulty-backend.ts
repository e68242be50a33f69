import { BackendUnavailableError, type MemoryBackend, type Scope } from "@tta-dev/core";

/** A write as the faulty backend sees it. */
export interface WriteCall {
  method: "put" | "delete" | "append" | "deleteLog" | "clear";
  scope: Scope;
  key?: string;
  value?: unknown;
}

/**
 * What to do with a write: `"fail"` throws an injected `BACKEND_UNAVAILABLE` without writing, a promise
 * holds the write until it settles, anything else lets it through.
 */
export type FaultRule = (call: WriteCall) => "fail" | Promise<void> | undefined;

/**
 * A backend that forwards to `inner` but lets a test fail or hold chosen writes: the window between
 * two writes of one operation, on demand.
 */
export function faultyBackend(inner: MemoryBackend, rule: FaultRule): MemoryBackend {
  async function gate(call: WriteCall): Promise<void> {
    const verdict = rule(call);
    if (verdict === "fail") {
      throw new BackendUnavailableError(`injected failure of ${call.method} on ${call.scope.collection}`, {
        injected: true,
      });
    }
    if (verdict) await verdict;
  }
  return {
    name: inner.name,
    capabilities: inner.capabilities,
    get: (scope, key) => inner.get(scope, key),
    getMany: (scope, keys) => inner.getMany(scope, keys),
    list: (scope, options) => inner.list(scope, options),
    readLog: (scope, options) => inner.readLog(scope, options),
    logLength: (scope) => inner.logLength(scope),
    batch: (reads) => inner.batch(reads),
    ping: () => inner.ping(),
    close: () => inner.close(),
    async put(scope, key, value, options) {
      await gate({ method: "put", scope, key, value });
      return inner.put(scope, key, value, options);
    },
    async delete(scope, key, options) {
      await gate({ method: "delete", scope, key });
      return inner.delete(scope, key, options);
    },
    async append(scope, items) {
      await gate({ method: "append", scope, value: items });
      return inner.append(scope, items);
    },
    async deleteLog(scope) {
      await gate({ method: "deleteLog", scope });
      return inner.deleteLog(scope);
    },
    async clear(scope) {
      await gate({ method: "clear", scope });
      return inner.clear(scope);
    },
  };
}

/** A promise and the function that resolves it. */
export function deferred(): { promise: Promise<void>; release: () => void } {
  let release!: () => void;
  const promise = new Promise<void>((resolve) => {
    release = resolve;
  });
  return { promise, release };
}
