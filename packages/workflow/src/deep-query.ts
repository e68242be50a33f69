import type { Message, Session } from "@tta-dev/core";

/**
 * The deep-memory query (docs/domain.md#deep-memory-query): an explicit query when given, else the session title plus its
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
