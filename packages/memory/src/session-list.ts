import { compareKeys, normalizeTags, type Session, type StoredRecord, sessionsScope } from "@tta-dev/core";
import type { z } from "zod";
import type { MemoryContext } from "./context.js";
import { decodeCursor, encodeCursor } from "./cursor.js";
import { toSession } from "./records.js";
import type { Page } from "./schemas/common.js";
import { DEFAULT_SESSION_PAGE, type SessionListInput } from "./schemas/session.js";

const SCAN_PAGE = 500;

function matcher(input: z.output<typeof SessionListInput>): (s: Session) => boolean {
  const tag = input.tag === undefined ? undefined : normalizeTags([input.tag], "tag")[0];
  return (s) => {
    if (input.status !== undefined && s.status !== input.status) return false;
    if (tag !== undefined && !s.tags.includes(tag)) return false;
    if (input.component !== undefined && s.component !== input.component) return false;
    if (input.dateFrom !== undefined || input.dateTo !== undefined) {
      const date = s.date ?? s.createdAt.slice(0, 10);
      if (input.dateFrom !== undefined && date < input.dateFrom) return false;
      if (input.dateTo !== undefined && date > input.dateTo) return false;
    }
    return true;
  };
}

/**
 * List sessions in the stable order of their ids (core `compareKeys`), filtered. The cursor holds the
 * backend page the last item came from and that item's id, so a resumed listing neither repeats nor
 * skips a session, even when sessions are created or deleted in between.
 */
export async function listSessions(
  ctx: MemoryContext,
  input: z.output<typeof SessionListInput>,
): Promise<Page<Session>> {
  if (input.order === "newest") return listNewest(ctx, input);
  const matches = matcher(input);
  const limit = input.limit ?? DEFAULT_SESSION_PAGE;
  const scope = sessionsScope(ctx.namespace);
  let pageCursor: string | null = null;
  let after: string | null = null;
  if (input.cursor !== undefined) {
    const pos = decodeCursor(
      input.cursor,
      (v) => (v.c === null || typeof v.c === "string") && typeof v.a === "string",
    );
    pageCursor = pos.c as string | null;
    after = pos.a as string;
  }
  const items: Session[] = [];
  for (;;) {
    const page = await ctx.backend.list(scope, {
      limit: Math.max(SCAN_PAGE, limit),
      ...(pageCursor !== null ? { cursor: pageCursor } : {}),
    });
    for (let i = 0; i < page.items.length; i++) {
      const record = page.items[i]!;
      if (after !== null && compareKeys(record.key, after) <= 0) continue;
      const session = toSession(ctx.namespace, record);
      if (!matches(session)) continue;
      items.push(session);
      if (items.length === limit) {
        const more = i < page.items.length - 1 || page.nextCursor !== null;
        return { items, nextCursor: more ? encodeCursor({ c: pageCursor, a: session.id }) : null };
      }
    }
    if (page.nextCursor === null) return { items, nextCursor: null };
    pageCursor = page.nextCursor;
    after = null;
  }
}

/** Newest first: `createdAt` descending, then id ascending (core `compareKeys`). */
function newer(a: { createdAt: string; id: string }, b: { createdAt: string; id: string }): number {
  if (a.createdAt !== b.createdAt) return a.createdAt > b.createdAt ? -1 : 1;
  return compareKeys(a.id, b.id);
}

/**
 * List sessions newest first: every session is read (a page of the backend at a time), filtered and
 * ordered on its stored fields, and only the page after the cursor's position (the last item's
 * `createdAt` and id) is decoded, so a resumed listing neither repeats nor skips a session that was
 * there before. Costs a scan of the namespace's sessions per page. A record without the fields is
 * decoded at once, so damage fails the listing as it does in id order.
 */
async function listNewest(
  ctx: MemoryContext,
  input: z.output<typeof SessionListInput>,
): Promise<Page<Session>> {
  const matches = matcher(input);
  const limit = input.limit ?? DEFAULT_SESSION_PAGE;
  let last: { createdAt: string; id: string } | null = null;
  if (input.cursor !== undefined) {
    const pos = decodeCursor(
      input.cursor,
      (v) => v.o === "n" && typeof v.t === "string" && typeof v.a === "string",
    );
    last = { createdAt: pos.t as string, id: pos.a as string };
  }
  const found: { createdAt: string; id: string; record: StoredRecord }[] = [];
  let pageCursor: string | undefined;
  do {
    const page = await ctx.backend.list(sessionsScope(ctx.namespace), {
      limit: 1000,
      ...(pageCursor ? { cursor: pageCursor } : {}),
    });
    for (const record of page.items) {
      const v = record.value as Partial<Record<keyof Session, unknown>> | null;
      const plain =
        v !== null &&
        typeof v === "object" &&
        typeof v.createdAt === "string" &&
        typeof v.status === "string" &&
        Array.isArray(v.tags);
      const fields = (plain ? v : toSession(ctx.namespace, record)) as Session;
      const at = { createdAt: fields.createdAt, id: record.key };
      if (matches(fields) && (last === null || newer(last, at) < 0)) found.push({ ...at, record });
    }
    pageCursor = page.nextCursor ?? undefined;
  } while (pageCursor);
  found.sort(newer);
  const items = found.slice(0, limit).map((f) => toSession(ctx.namespace, f.record));
  const end = items.at(-1);
  return {
    items,
    nextCursor: found.length > limit && end ? encodeCursor({ o: "n", t: end.createdAt, a: end.id }) : null,
  };
}
