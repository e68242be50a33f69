import { compareKeys, normalizeTags, type Session, sessionsScope } from "@tta-dev/core";
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
