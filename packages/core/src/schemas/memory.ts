import { z } from "zod";
import { Timestamp, Version } from "./common.js";

export const MemoryKind = z.enum(["observation", "lesson", "decision", "pattern", "failure"]);
export type MemoryKind = z.infer<typeof MemoryKind>;

/** A lesson, decision or failure that outlives its session. */
export const DeepMemory = z.object({
  id: z.string().regex(/^mem_[0-9A-HJKMNP-TV-Z]{26}$/),
  content: z.string(),
  kind: MemoryKind,
  tags: z.array(z.string()),
  importance: z.number().min(0).max(1),
  sessionId: z.string().optional(),
  groupIds: z.array(z.string()),
  pinned: z.boolean(),
  /** When set, search never returns the memory from this instant on; `tta forget` removes it. */
  expiresAt: Timestamp.optional(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  version: Version,
});
export type DeepMemory = z.infer<typeof DeepMemory>;

/**
 * The parts of a search score (README "Ranking"): `score = text × importance × recency × boost`, each
 * factor rounded to 6 decimals. `text` is the BM25+ relevance (1 with no query), `importance` is
 * `0.5 + importance`, `recency` decays from 1 to 0.5 with age, `boost` is `1 + 0.2 × boosts`, and
 * `boostedBy` names each boost (`tag:<t>`, `session:<id>`, `group:<id>`).
 */
export const ScoreParts = z.object({
  text: z.number(),
  importance: z.number(),
  recency: z.number(),
  boost: z.number(),
  boostedBy: z.array(z.string()),
});
export type ScoreParts = z.infer<typeof ScoreParts>;

/**
 * One deep-memory search result. `matched` lists the analysed query terms that matched (folded,
 * stemmed; a typo as the term it was taken for), then `tag:<t>` for each filter or boost tag it carries.
 */
export const MemoryHit = z.object({
  memory: DeepMemory,
  score: z.number(),
  matched: z.array(z.string()),
  /** The parts of `score`, when the search asked for them (`explain: true`). */
  explain: ScoreParts.optional(),
});
export type MemoryHit = z.infer<typeof MemoryHit>;
