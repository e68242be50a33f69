/**
 * `pnpm bench`: the public memory store (`createMemoryStore` of @tta-dev/memory) on this backend,
 * beside the backend call under it and raw ioredis doing the least the same work takes, in one run.
 * Uses `REDIS_URL` when set, else starts its own redis-server (no AOF) on a free port.
 *
 * - messages.append of one 1 KiB message (the session checked in the same script) vs raw EVALSHA of
 *   a two-command append script, and vs the store's own append script sent by raw ioredis (what the
 *   server's part costs: the client's part is the difference)
 * - messages.list({ last: 50 }) of a 10 000-message session vs raw LRANGE of 50 + JSON.parse of each
 * - messages.appendBatch of 100 vs a raw pipeline of 100 RPUSH
 */
import { messagesScope, sessionsScope } from "@tta-dev/core";
import { createMemoryStore } from "@tta-dev/memory";
import { type RedisServerHandle, startRedisServer } from "@tta-dev/testkit/redis";
import { Redis } from "ioredis";
import { createRedisBackend } from "../src/index.js";
import { recordKey, scopeKeys } from "../src/keys.js";
import { LUA_SOURCES } from "../src/scripts.js";
import { compare, rate, table, us } from "./measure.js";

const CONTENT = "the preferences store keeps one Redis hash per user, with cached reads; "
  .repeat(14)
  .slice(0, 1024);
const MESSAGE = { role: "user", content: CONTENT, metadata: {}, createdAt: "2026-11-25T12:00:00.000Z" };
const BATCH = 100;
const HISTORY = 10_000;
const RAW_APPEND = `local s = redis.call('INCR', KEYS[2]) redis.call('RPUSH', KEYS[1], ARGV[1]) return s`;

async function main(): Promise<void> {
  const server: RedisServerHandle | null = process.env.REDIS_URL ? null : await startRedisServer();
  const url = process.env.REDIS_URL ?? server!.url;
  const raw = new Redis(url);
  raw.defineCommand("rawAppend", { numberOfKeys: 2, lua: RAW_APPEND });
  raw.defineCommand("sameScript", { numberOfKeys: 4, lua: LUA_SOURCES.ttaAppendIf });
  const rawAppend = (raw as unknown as { rawAppend(...a: string[]): Promise<number> }).rawAppend.bind(raw);
  const sameScript = (
    raw as unknown as { sameScript(...a: (string | number)[]): Promise<unknown> }
  ).sameScript.bind(raw);
  const backend = createRedisBackend({ url });
  const namespace = `bench-${Date.now().toString(36)}`;
  const store = createMemoryStore({ backend, namespace });
  const sessionId = "bench-store-2026-11-25";
  const reader = "bench-reader-2026-11-25";
  await store.sessions.create({ id: sessionId });
  await store.sessions.create({ id: reader });
  const log = messagesScope(namespace, sessionId);
  const rawLog = `bench:{${namespace}}:raw`;

  const condition = { scope: sessionsScope(namespace), key: sessionId, field: "status", equals: "active" };
  const sessionKey = recordKey(scopeKeys(condition.scope, "tta"), sessionId);
  const logKeys = scopeKeys(log, "tta");
  const [appendS, appendB, appendR, appendSame] = await compare(5, 2000, [
    () => store.messages.append({ sessionId, role: "user", content: CONTENT }),
    () => backend.appendIf!(condition, log, [{ value: { ...MESSAGE, createdAt: new Date().toISOString() } }]),
    () =>
      rawAppend(rawLog, `${rawLog}:seq`, JSON.stringify({ ...MESSAGE, createdAt: new Date().toISOString() })),
    () =>
      sameScript(
        sessionKey,
        logKeys.log,
        logKeys.idempotency,
        logKeys.trimmed,
        Date.now(),
        "status",
        "active",
        1,
        "",
        JSON.stringify([{ ...MESSAGE, createdAt: new Date().toISOString() }]),
      ),
  ]);

  for (let i = 0; i < HISTORY; i += 1000) {
    await store.messages.appendBatch({
      sessionId: reader,
      messages: Array.from({ length: 1000 }, (_, j) => ({
        role: "user" as const,
        content: `${i + j} ${CONTENT}`,
      })),
    });
  }
  const readerLog = messagesScope(namespace, reader);
  const readerKey = `tta:{${namespace}:${reader}}:messages:log`;
  if ((await raw.llen(readerKey)) !== HISTORY) throw new Error("bench: message log key layout changed");
  const [listS, listB, listR] = await compare(5, 1000, [
    () => store.messages.list({ sessionId: reader, last: 50 }),
    () => backend.readLog(readerLog, { fromEnd: true, limit: 50 }),
    async () => (await raw.lrange(readerKey, -50, -1)).map((e) => JSON.parse(e)),
  ]);

  const batch = Array.from({ length: BATCH }, () => ({ role: "assistant" as const, content: CONTENT }));
  const [batchS, batchB, batchR] = await compare(5, 40, [
    () => store.messages.appendBatch({ sessionId, messages: batch }),
    () =>
      backend.append(
        log,
        batch.map(() => ({ value: { ...MESSAGE, createdAt: new Date().toISOString() } })),
      ),
    () => {
      const p = raw.pipeline();
      const createdAt = new Date().toISOString();
      for (let i = 0; i < BATCH; i++) p.rpush(rawLog, JSON.stringify({ ...MESSAGE, createdAt }));
      return p.exec();
    },
  ]);

  const x = (floor: number, project: number): string => `${(project / floor).toFixed(2)}×`;
  const pct = (floor: number, project: number): string => `${((floor / project) * 100).toFixed(0)} %`;
  const rows = [
    [
      "messages.append, 1 KiB, median",
      us(appendS.median),
      us(appendB.median),
      us(appendR.median),
      x(appendR.median, appendS.median),
      "≤ 1.25× raw EVALSHA",
    ],
    [
      "messages.append beside its own script sent raw",
      us(appendS.median),
      us(appendB.median),
      us(appendSame.median),
      x(appendSame.median, appendS.median),
      "",
    ],
    ["messages.append, p99", us(appendS.p99), us(appendB.p99), us(appendR.p99), "", ""],
    ["messages.append, client CPU", us(appendS.cpu), us(appendB.cpu), us(appendR.cpu), "", ""],
    [
      `messages.list last 50 of ${HISTORY.toLocaleString("en-US")}, median`,
      us(listS.median),
      us(listB.median),
      us(listR.median),
      x(listR.median, listS.median),
      "≤ 1.5× LRANGE + parse",
    ],
    ["messages.list, client CPU", us(listS.cpu), us(listB.cpu), us(listR.cpu), "", ""],
    [
      `messages.appendBatch (${BATCH} per call)`,
      rate((BATCH * 1e6) / batchS.mean),
      rate((BATCH * 1e6) / batchB.mean),
      rate((BATCH * 1e6) / batchR.mean),
      pct(batchR.mean, batchS.mean),
      "≥ 80 % of raw pipeline",
    ],
    ["appendBatch, client CPU per call", us(batchS.cpu), us(batchB.cpu), us(batchR.cpu), "", ""],
  ];
  process.stdout.write(
    `\nThe public store: Redis ${(await raw.info("server")).match(/redis_version:(\S+)/)?.[1]}, Node ${process.version}\n`,
  );
  process.stdout.write(
    table(
      [
        "1 KiB messages",
        "createMemoryStore",
        "backend call (appendIf, readLog, append)",
        "raw ioredis (floor)",
        "store / floor",
        "target",
      ],
      rows,
    ),
  );

  await store.sessions.delete({ id: sessionId, cascade: true }).catch(() => undefined);
  await store.sessions.delete({ id: reader, cascade: true }).catch(() => undefined);
  await raw.del(rawLog, `${rawLog}:seq`);
  await backend.close();
  await raw.quit();
  await server?.stop();
}

await main();
