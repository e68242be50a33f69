import type { DeepMemory, Message, SessionGroup } from "@tta-dev/core";
import type { GroupContext } from "./outputs.js";
import type { SessionRecords } from "./session-records.js";

/**
 * Where `getGroupContext` gets messages and memories when the memory package is wired in (the workflow
 * passes one); without it the store reads the backend directly.
 */
export interface GroupContextReader {
  /** The session's last `n` messages, oldest first. */
  recentMessages(sessionId: string, n: number): Promise<Message[]>;
  /** The deep memories linked to the group. */
  memoriesOfGroup(groupId: string): Promise<DeepMemory[]>;
}

/** What {@link loadGroupContext} needs. */
export interface LoadGroupContextOptions {
  group: SessionGroup;
  records: SessionRecords;
  reader: GroupContextReader | undefined;
  messagesPerSession: number;
}

/**
 * Assemble a group's context: every member with its session record (`null` when the session is gone)
 * and its latest messages, and the group's memories. Without a reader, all sessions and their logs come
 * from one backend `batch` call.
 */
export async function loadGroupContext(options: LoadGroupContextOptions): Promise<GroupContext> {
  const { group, records, reader, messagesPerSession: n } = options;
  const ids = group.sessionIds;
  if (!reader) {
    const [members, memories] = await Promise.all([
      records.sessionsWithMessages(ids, n),
      records.memoriesOfGroup(group.id),
    ]);
    return {
      group,
      sessions: ids.map((sessionId, i) => ({ sessionId, ...members[i]! })),
      memories,
    };
  }
  const [members, messages, memories] = await Promise.all([
    records.sessionsWithMessages(ids, 0),
    Promise.all(ids.map((id) => (n > 0 ? reader.recentMessages(id, n) : Promise.resolve([])))),
    reader.memoriesOfGroup(group.id),
  ]);
  return {
    group,
    sessions: ids.map((sessionId, i) => ({
      sessionId,
      session: members[i]!.session,
      // A deleted session has no messages worth showing, whatever the reader keeps.
      messages: members[i]!.session ? messages[i]! : [],
    })),
    memories,
  };
}
