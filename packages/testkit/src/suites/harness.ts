import { createManualClock, type MemoryBackend } from "@tta-dev/core";
import { afterEach } from "vitest";
import type { ConformanceContext, ConformanceOptions } from "../options.js";
import { freshNamespace } from "../util.js";

/** What a conformance test sets up: a backend, its namespace and the clock it was given. */
export interface Setup extends ConformanceContext {
  backend: MemoryBackend;
}

/** Creates backends for tests and destroys them after each test. */
export interface Harness {
  options: ConformanceOptions;
  setup(): Promise<Setup>;
  peer(first: Setup): Promise<MemoryBackend>;
}

/** Must be called inside a `describe` block: registers the cleanup hook there. */
export function createHarness(options: ConformanceOptions): Harness {
  const created: MemoryBackend[] = [];
  afterEach(async () => {
    const all = created.splice(0);
    for (const b of all) {
      await (options.destroy ? options.destroy(b) : b.close());
    }
  });
  return {
    options,
    async setup() {
      const ctx: ConformanceContext = { clock: createManualClock(Date.now()), namespace: freshNamespace() };
      const backend = await options.create(ctx);
      created.push(backend);
      return { ...ctx, backend };
    },
    async peer(first) {
      if (!options.createPeer) throw new Error("no createPeer given");
      const b = await options.createPeer(first.backend, { clock: first.clock, namespace: first.namespace });
      created.push(b);
      return b;
    },
  };
}
