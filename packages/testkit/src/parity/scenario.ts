import type { JsonOperationName } from "@tta-dev/contract";
import type { ErrorCode } from "@tta-dev/core";

/**
 * One step of the parity scenario: the same request as `tta` words and flags and as the HTTP
 * client's input. `{mem}` stands for the id of the deep memory the scenario created on that side.
 */
export interface ParityStep {
  /** A JSON operation: the streamed ones have their own tests. */
  op: JsonOperationName;
  cli: string[];
  http: Record<string, unknown>;
  /** The error code both sides must answer with; absent for a success. */
  error?: ErrorCode;
}

const S = "auth-design-2025-10-01";
const T = "auth-review-2025-10-02";
const G = "feature-auth";
const MISSING_MEMORY = "mem_01ARZ3NDEKTSV4RRFFQ69G5FAV";
const TOO_LONG = "x".repeat(70_000);

/** A PAF file both workspaces start from. */
export const PARITY_PAFCORE = `# Project facts

## Quality

- **QUAL-001**: Minimum 70% test coverage
- **QUAL-002**: Every public function has a doc comment

## Architecture

- **ARCH-001**: Lower layers never import higher ones
`;

/** Every operation of the contract at least once, and every error code of a 4xx worth naming. */
export const PARITY_SCENARIO: readonly ParityStep[] = [
  { op: "system.doctor", cli: ["doctor"], http: {} },
  { op: "system.repair", cli: ["repair", "--dry-run"], http: { dryRun: true } },
  { op: "policy.show", cli: ["policy", "show", "--stage", "plan"], http: { stage: "plan" } },
  {
    op: "session.create",
    cli: ["session", "create", S, "--title", "Auth", "--tag", "auth", "--metadata", '{"owner":"ana"}'],
    http: { id: S, title: "Auth", tags: ["auth"], metadata: { owner: "ana" } },
  },
  { op: "session.create", cli: ["session", "create", T], http: { id: T } },
  { op: "session.create", cli: ["session", "create", S], http: { id: S }, error: "ALREADY_EXISTS" },
  {
    op: "session.create",
    cli: ["session", "create", "Not_A_Session"],
    http: { id: "Not_A_Session" },
    error: "NAME_INVALID",
  },
  { op: "session.get", cli: ["session", "show", S], http: { id: S } },
  {
    op: "session.get",
    cli: ["session", "show", "ghost-none-2025-01-01"],
    http: { id: "ghost-none-2025-01-01" },
    error: "SESSION_NOT_FOUND",
  },
  {
    op: "session.list",
    cli: ["session", "list", "--status", "active", "--tag", "auth"],
    http: { status: "active", tag: "auth" },
  },
  { op: "session.list", cli: ["session", "list", "--limit", "1"], http: { limit: 1 } },
  {
    op: "message.append",
    cli: ["message", "add", S, "hello", "--role", "user", "--idempotency-key", "k1"],
    http: { sessionId: S, content: "hello", role: "user", idempotencyKey: "k1" },
  },
  {
    op: "message.append",
    cli: ["message", "add", S, "second", "--role", "assistant", "--metadata", '{"n":2}'],
    http: { sessionId: S, content: "second", role: "assistant", metadata: { n: 2 } },
  },
  { op: "message.list", cli: ["message", "list", S, "--after", "1"], http: { sessionId: S, afterSeq: 1 } },
  {
    op: "cache.set",
    cli: ["cache", "set", S, "current-file", '{"path":"src/auth.ts"}', "--ttl", "1h"],
    http: { sessionId: S, key: "current-file", value: { path: "src/auth.ts" }, ttlMs: 3_600_000 },
  },
  { op: "cache.get", cli: ["cache", "get", S, "current-file"], http: { sessionId: S, key: "current-file" } },
  { op: "cache.get", cli: ["cache", "get", S, "absent"], http: { sessionId: S, key: "absent" } },
  { op: "cache.list", cli: ["cache", "list", S], http: { sessionId: S } },
  {
    op: "cache.delete",
    cli: ["cache", "delete", S, "current-file"],
    http: { sessionId: S, key: "current-file" },
  },
  {
    op: "memory.create",
    cli: [
      "memory",
      "add",
      "Refresh tokens must rotate",
      "--kind",
      "decision",
      "--tag",
      "auth",
      "--importance",
      "0.9",
      "--session",
      S,
      "--pin",
    ],
    http: {
      content: "Refresh tokens must rotate",
      kind: "decision",
      tags: ["auth"],
      importance: 0.9,
      sessionId: S,
      pinned: true,
    },
  },
  {
    op: "memory.create",
    cli: ["memory", "add", "way off", "--importance", "2"],
    http: { content: "way off", importance: 2 },
    error: "VALIDATION_FAILED",
  },
  {
    op: "memory.create",
    cli: ["memory", "add", "linked to nothing", "--session", "ghost-none-2025-01-01"],
    http: { content: "linked to nothing", sessionId: "ghost-none-2025-01-01" },
    error: "SESSION_NOT_FOUND",
  },
  {
    op: "memory.create",
    cli: ["memory", "add", "linked to nothing", "--group", "no-such-group"],
    http: { content: "linked to nothing", groupIds: ["no-such-group"] },
    error: "GROUP_NOT_FOUND",
  },
  {
    op: "memory.create",
    cli: ["memory", "add", TOO_LONG],
    http: { content: TOO_LONG },
    error: "LIMIT_EXCEEDED",
  },
  { op: "memory.get", cli: ["memory", "show", "{mem}"], http: { id: "{mem}" } },
  {
    op: "memory.get",
    cli: ["memory", "show", MISSING_MEMORY],
    http: { id: MISSING_MEMORY },
    error: "MEMORY_NOT_FOUND",
  },
  {
    op: "memory.update",
    cli: [
      "memory",
      "update",
      "{mem}",
      "--importance",
      "0.5",
      "--tag",
      "auth",
      "--tag",
      "tokens",
      "--if-version",
      "1",
    ],
    http: { id: "{mem}", importance: 0.5, tags: ["auth", "tokens"], ifVersion: 1 },
  },
  {
    op: "memory.update",
    cli: ["memory", "update", "{mem}", "--importance", "0.4", "--if-version", "1"],
    http: { id: "{mem}", importance: 0.4, ifVersion: 1 },
    error: "VERSION_CONFLICT",
  },
  {
    op: "memory.search",
    cli: ["memory", "search", "refresh tokens", "--tag", "auth", "--kind", "decision", "--limit", "5"],
    http: { query: "refresh tokens", tags: ["auth"], kinds: ["decision"], limit: 5 },
  },
  {
    op: "group.create",
    cli: ["group", "create", G, "--description", "Auth feature", "--tag", "feature"],
    http: { name: G, description: "Auth feature", tags: ["feature"] },
  },
  { op: "group.get", cli: ["group", "show", G], http: { groupId: G } },
  { op: "group.list", cli: ["group", "list", "--tag", "feature"], http: { tags: ["feature"] } },
  { op: "group.addSession", cli: ["group", "add", G, S], http: { groupId: G, sessionId: S } },
  { op: "group.addSession", cli: ["group", "add", G, T], http: { groupId: G, sessionId: T } },
  { op: "group.removeSession", cli: ["group", "remove", G, T], http: { groupId: G, sessionId: T } },
  { op: "group.sessions", cli: ["group", "sessions", G], http: { groupId: G } },
  {
    op: "group.updateMetadata",
    cli: ["group", "meta", G, "sprint=42", "owner=ana"],
    http: { groupId: G, patch: { sprint: 42, owner: "ana" } },
  },
  {
    op: "context.load",
    cli: ["context", S, "--stage", "plan", "--explain"],
    http: { sessionId: S, stage: "plan", explain: true },
  },
  { op: "context.load", cli: ["context", S], http: { sessionId: S }, error: "VALIDATION_FAILED" },
  { op: "session.setStage", cli: ["stage", "set", S, "implement"], http: { id: S, stage: "implement" } },
  {
    op: "session.setStage",
    cli: ["stage", "set", S, "ship"],
    http: { id: S, stage: "ship" },
    error: "VALIDATION_FAILED",
  },
  { op: "context.load", cli: ["context", S], http: { sessionId: S } },
  { op: "paf.list", cli: ["paf", "list", "--all"], http: { all: true } },
  { op: "paf.validate", cli: ["paf", "validate"], http: {} },
  { op: "paf.diff", cli: ["paf", "diff", "--record"], http: { record: true } },
  {
    op: "group.setStatus",
    cli: ["group", "close", G, "--summary", "done"],
    http: { groupId: G, status: "closed", summary: "done" },
  },
  {
    op: "group.addSession",
    cli: ["group", "add", G, T],
    http: { groupId: G, sessionId: T },
    error: "GROUP_NOT_ACTIVE",
  },
  { op: "group.summary", cli: ["group", "summary"], http: {} },
  { op: "group.setStatus", cli: ["group", "archive", G], http: { groupId: G, status: "archived" } },
  {
    op: "group.setStatus",
    cli: ["group", "reopen", G],
    http: { groupId: G, status: "active" },
    error: "INVALID_TRANSITION",
  },
  { op: "group.delete", cli: ["group", "delete", G], http: { groupId: G } },
  {
    op: "session.complete",
    cli: ["session", "complete", S, "--lesson", "Rotate refresh tokens"],
    http: { id: S, lessons: ["Rotate refresh tokens"] },
  },
  {
    op: "message.append",
    cli: ["message", "add", S, "too late"],
    http: { sessionId: S, content: "too late" },
    error: "SESSION_NOT_ACTIVE",
  },
  {
    op: "session.setStage",
    cli: ["stage", "set", S, "reflect"],
    http: { id: S, stage: "reflect" },
    error: "SESSION_NOT_ACTIVE",
  },
  { op: "session.archive", cli: ["session", "archive", T], http: { id: T } },
  {
    op: "forget",
    cli: ["forget", "--layer", "sessions", "--status", "archived", "--dry-run"],
    http: { layer: "sessions", status: ["archived"], dryRun: true },
  },
  { op: "forget", cli: ["forget"], http: {}, error: "VALIDATION_FAILED" },
  { op: "memory.delete", cli: ["memory", "delete", "{mem}"], http: { id: "{mem}" } },
  {
    op: "session.delete",
    cli: ["session", "delete", S, "--cascade", "--forget-memories"],
    http: { id: S, cascade: true, forgetMemories: true },
  },
];
