import { randomBytes } from "node:crypto";
import { hasErrorCode, type MemoryBackend, type Scope } from "@tta-dev/core";

/** A namespace no other test uses. */
export function freshNamespace(prefix = "ct"): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(4).toString("hex")}`;
}

export const recordsScope = (namespace: string, partition?: string): Scope =>
  partition === undefined
    ? { namespace, collection: "things" }
    : { namespace, collection: "things", partition };
export const logScope = (namespace: string, partition = "log-a"): Scope => ({
  namespace,
  collection: "events",
  partition,
});

/** Read-modify-write increment of a counter record with `ifVersion`, retrying on conflicts. */
export async function casIncrement(backend: MemoryBackend, scope: Scope, key: string): Promise<number> {
  for (let attempt = 0; attempt < 10_000; attempt++) {
    const current = await backend.get(scope, key);
    const n = ((current?.value as { n?: number } | undefined)?.n ?? 0) + 1;
    try {
      await backend.put(scope, key, { n }, { ifVersion: current?.version ?? 0 });
      return attempt;
    } catch (e) {
      if (!hasErrorCode(e, "VERSION_CONFLICT")) throw e;
    }
  }
  throw new Error("casIncrement: too many conflicts");
}

/** Read a whole log, page by page. */
export async function readAll(
  backend: MemoryBackend,
  scope: Scope,
): Promise<{ seq: number; value: unknown }[]> {
  const out: { seq: number; value: unknown }[] = [];
  let after = 0;
  for (;;) {
    const page = await backend.readLog(scope, { afterSeq: after, limit: 1000 });
    out.push(...page);
    if (page.length < 1000) return out;
    after = page[page.length - 1]!.seq;
  }
}

/** Every record of a scope, following cursors. */
export async function listAll(backend: MemoryBackend, scope: Scope, limit = 100): Promise<string[]> {
  const keys: string[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await backend.list(scope, { limit, ...(cursor ? { cursor } : {}) });
    keys.push(...page.items.map((r) => r.key));
    if (!page.nextCursor) return keys;
    cursor = page.nextCursor;
  }
}
