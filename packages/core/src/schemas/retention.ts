import { z } from "zod";
import { ImportanceField, MemoryIdField, MemoryKindsField, SessionIdField, TagsField } from "./fields.js";
import { SessionStatus } from "./session.js";

/** The longest age a retention rule may name: 100 years, in milliseconds. */
export const MAX_RETENTION_MS = 100 * 365 * 86_400_000;

/** A duration of a retention rule in milliseconds (at least 1 ms, at most 100 years). */
export const RetentionMsField = z
  .number()
  .int()
  .min(1, "must be at least 1 ms")
  .max(MAX_RETENTION_MS, "must be at most 100 years");

/** The conditions a rule may hold besides its layer; a rule must hold at least one. */
const SESSION_CONDITIONS = ["olderThanMs", "status", "archivedForMs", "tags"] as const;
const MEMORY_CONDITIONS = ["olderThanMs", "kinds", "importanceBelow", "tags", "expired"] as const;

/**
 * One retention rule (docs/domain.md#forgetting): what it forgets is what matches every condition it
 * holds. `sessions` rules take a session with its messages, cache entries and group memberships;
 * `memories` rules take deep memories, never a pinned one.
 */
export const RetentionRule = z
  .strictObject({
    layer: z.enum(["sessions", "memories"]),
    /** Last active at least this long ago (a session: its record or its latest message; a memory: `updatedAt`). */
    olderThanMs: RetentionMsField.optional(),
    /** Sessions: in one of these statuses. */
    status: z.array(SessionStatus).min(1).max(3).optional(),
    /** Sessions: archived at least this long ago. */
    archivedForMs: RetentionMsField.optional(),
    /** Memories: of one of these kinds. */
    kinds: MemoryKindsField.min(1).optional(),
    /** Memories: importance strictly below this. */
    importanceBelow: ImportanceField.optional(),
    /** Carrying at least one of these tags. */
    tags: TagsField.min(1).optional(),
    /** Memories: past their `expiresAt`. */
    expired: z.literal(true).optional(),
  })
  .superRefine((rule, ctx) => {
    const allowed: readonly string[] = rule.layer === "sessions" ? SESSION_CONDITIONS : MEMORY_CONDITIONS;
    const given = Object.keys(rule).filter((k) => k !== "layer");
    for (const key of given) {
      if (!allowed.includes(key)) {
        ctx.addIssue({
          code: "custom",
          path: [key],
          message: `does not apply to ${rule.layer} (it takes ${allowed.join(", ")})`,
        });
      }
    }
    if (!given.length) {
      ctx.addIssue({
        code: "custom",
        path: ["layer"],
        message: `a rule needs at least one condition (${allowed.join(", ")}); it would forget every one of the ${rule.layer}`,
      });
    }
  });
export type RetentionRule = z.infer<typeof RetentionRule>;

/** At most this many rules, and this many ids named, in one `forget`. */
export const MAX_FORGET_RULES = 50;
export const MAX_FORGET_IDS = 1000;

/** What `forget` removes: what the rules match, and the sessions and memories named (pinned ones too). */
export const ForgetInput = z.strictObject({
  rules: z.array(RetentionRule).max(MAX_FORGET_RULES).optional(),
  /** Also the rules of the configuration (`retention:`). */
  applyPolicy: z.boolean().optional(),
  /** These sessions, by id (with their messages, cache entries and memberships). */
  sessionIds: z.array(SessionIdField).max(MAX_FORGET_IDS).optional(),
  /** These memories, by id, pinned or not. */
  memoryIds: z.array(MemoryIdField).max(MAX_FORGET_IDS).optional(),
  /** Only say what would go. */
  dryRun: z.boolean().optional(),
});
export type ForgetInput = z.infer<typeof ForgetInput>;

/**
 * What `forget` removed (or, with `dryRun`, would remove): per layer the count and the ids, sorted.
 * `skipped` lists what changed between the selection and its deletion (left alone).
 */
export const ForgetReceipt = z.object({
  dryRun: z.boolean(),
  sessions: z.object({ count: z.number().int().min(0), ids: z.array(z.string()) }),
  messages: z.number().int().min(0),
  cache: z.number().int().min(0),
  memberships: z.number().int().min(0),
  memories: z.object({ count: z.number().int().min(0), ids: z.array(z.string()) }),
  skipped: z.array(z.object({ id: z.string(), reason: z.string() })),
});
export type ForgetReceipt = z.infer<typeof ForgetReceipt>;
