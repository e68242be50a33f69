import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createFileBackend } from "@tta-dev/memory-file";
import { populateMemories } from "@tta-dev/testkit/populate";
import { createHandlers } from "@tta-dev/workflow";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHttpApp, type RunningHttpServer, startHttpServer } from "../src/index.js";

/*
 * The first search of a running server builds the memory index from every memory and writes it for
 * the next process; a fresh server then loads it. Neither may hold the event loop: `/healthz` is
 * polled throughout and its worst latency must stay under a guard. The guard is generous: with other
 * suites running beside it on a 2-core machine, garbage collection alone has paused the loop for
 * over 250 ms, while holding it for the whole build and persist of 20 000 memories takes a second
 * or more.
 */

const MEMORIES = 20_000;
const GUARD_MS = 600;

describe("the event loop during a server's first search (file backend)", () => {
  let root: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "tta-http-loop-"));
    await writeFile(join(root, "PAFCORE.md"), "# PAFs\n\n- **QUAL-001**: Minimum 70% test coverage\n");
    const backend = createFileBackend({ root: join(root, ".tta") });
    const handlers = createHandlers({ backend, root, dataDir: join(root, ".tta"), version: "0.0.0-test" });
    const ctx = { namespace: "default" };
    await populateMemories((input) => handlers["memory.create"](input, ctx), MEMORIES);
    await backend.close();
  }, 240_000);

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  async function serve(): Promise<{ server: RunningHttpServer; close: () => Promise<void> }> {
    const backend = createFileBackend({ root: join(root, ".tta") });
    const handlers = createHandlers({ backend, root, dataDir: join(root, ".tta"), version: "0.0.0-test" });
    const app = createHttpApp({
      handlers,
      ready: () => backend.ping(),
      logger: pino({ level: "silent" }),
      tokens: [],
    });
    const server = await startHttpServer({ app, port: 0, host: "127.0.0.1", hasTokens: false });
    return {
      server,
      close: async () => {
        await server.close();
        await backend.close();
      },
    };
  }

  /** Search once while `/healthz` is asked again as soon as it answers; the worst latency. */
  async function searchWhilePolling(url: string): Promise<{ worst: number; polls: number; hits: number }> {
    let done = false;
    let worst = 0;
    let polls = 0;
    const poll = (async () => {
      while (!done) {
        const started = performance.now();
        const res = await fetch(`${url}/healthz`);
        await res.arrayBuffer();
        worst = Math.max(worst, performance.now() - started);
        polls++;
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    const res = await fetch(`${url}/v1/memories/search`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "redis shard", limit: 5 }),
    });
    const body = (await res.json()) as { items: unknown[] };
    expect(res.status).toBe(200);
    done = true;
    await poll;
    return { worst, polls, hits: body.items.length };
  }

  it(`answers /healthz within ${GUARD_MS} ms while the first search builds and persists the index, and while the next server loads it`, async () => {
    for (const phase of ["build", "load"]) {
      const { server, close } = await serve();
      try {
        // The file backend reads its memories journal synchronously when it first opens it (about
        // 0.2 s at 20k memories, more at 100k): that block is the backend's, not the index's, so the
        // server opens it with a read before the polling starts.
        await fetch(`${server.url}/v1/memories/mem_00000000000000000000000000`).then((r) => r.arrayBuffer());
        const r = await searchWhilePolling(server.url);
        expect(r.hits).toBe(5);
        expect(r.polls, phase).toBeGreaterThan(2);
        expect(r.worst, `${phase}: worst /healthz latency`).toBeLessThan(GUARD_MS);
      } finally {
        await close();
      }
    }
  }, 180_000);
});
