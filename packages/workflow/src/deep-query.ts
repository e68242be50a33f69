import type { MemoryHit, Message, Session } from "@tta-dev/core";
import { compareRank } from "@tta-dev/memory";

/** How much one matching boost tag raises a memory's score. */
export const TAG_BOOST = 0.25;

/**
 * The deep-memory query of SPEC §5.1: an explicit query when given, else the session title plus its
 * last three user messages (each cut to 500 characters so one long message cannot drown the rest).
 */
export function deepQuery(explicit: unknown, session: Session, messages: readonly Message[]): string {
  if (typeof explicit === "string" && explicit.trim() !== "") return explicit.trim().slice(0, 4096);
  const users = messages.filter((m) => m.role === "user").slice(-3);
  return [session.title ?? "", ...users.map((m) => m.content.slice(0, 500))]
    .filter((s) => s.trim() !== "")
    .join("\n")
    .slice(0, 4096);
}

/**
 * Re-rank search hits with tag boosts: each of the memory's tags found in `boostTags` multiplies its
 * score by `1 + TAG_BOOST`. Pinned memories stay first; ties fall back to the memory package's order (newer
 * `createdAt`, then `id`), so the order is the same on every backend.
 */
export function boostHits(hits: readonly MemoryHit[], boostTags: ReadonlySet<string>): MemoryHit[] {
  const boosted = hits.map((h) => {
    const matchedTags = h.memory.tags.filter((t) => boostTags.has(t));
    if (matchedTags.length === 0) return h;
    const matched = [...h.matched];
    for (const t of matchedTags) if (!matched.includes(`tag:${t}`)) matched.push(`tag:${t}`);
    return { ...h, score: h.score * (1 + TAG_BOOST) ** matchedTags.length, matched };
  });
  const key = (h: MemoryHit) => ({
    pinned: h.memory.pinned,
    score: h.score,
    createdMs: Date.parse(h.memory.createdAt),
    id: h.memory.id,
  });
  return boosted.sort((a, b) => compareRank(key(a), key(b)));
}
