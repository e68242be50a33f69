import { randomBytes } from "node:crypto";
import KeyvPostgres from "@keyv/postgres";
import { Keyv } from "keyv";
import { createKeyvBackend } from "../src/index.js";

/** `PG_URL`, else the local server the machine and CI provide (trust auth, database `test`). */
export const PG_URL = process.env.PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/** A table of its own for this run, so runs never collide. */
export function freshTable(): string {
  return `tta_keyv_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
}

/**
 * A Keyv over PostgreSQL, on `table`. `asyncCommit` sets `synchronous_commit=off` for the session:
 * commits stop waiting for the disk, so a benchmark measures round trips rather than flush time.
 */
export function postgresKeyv(table: string, options: { asyncCommit?: boolean } = {}): Keyv {
  const store = new KeyvPostgres({
    uri: PG_URL,
    table,
    iterationLimit: 500,
    ...(options.asyncCommit ? { options: "-c synchronous_commit=off" } : {}),
  });
  return new Keyv({ store, namespace: "tta-test" });
}

/** Null when the server answers; the reason otherwise. */
export async function probePostgres(table: string): Promise<string | null> {
  const keyv = postgresKeyv(table);
  const backend = createKeyvBackend({ keyv, timeoutMs: 5_000 });
  try {
    await backend.ping();
    return null;
  } catch (error) {
    return `no PostgreSQL at ${PG_URL}: ${error instanceof Error ? error.message : String(error)}`;
  } finally {
    await keyv.disconnect();
  }
}

/** Drop the run's table. */
export async function dropTable(table: string): Promise<void> {
  const store = new KeyvPostgres({ uri: PG_URL, table });
  try {
    await store.query(`DROP TABLE IF EXISTS public.${table}`);
  } finally {
    await store.disconnect();
  }
}
