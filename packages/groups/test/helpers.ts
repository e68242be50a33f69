import {
  createManualClock,
  type DeepMemory,
  type ManualClock,
  type MemoryBackend,
  memoriesScope,
  messagesScope,
  type Session,
  type StoredMessage,
  sessionsScope,
  toIso,
} from "@tta-dev/core";
import { createInMemoryBackend, type InMemoryBackend } from "@tta-dev/memory-inmemory";
import { createGroupStore, type GroupStore, type GroupStoreOptions } from "../src/index.js";

let counter = 0;

/** A namespace no other test uses. */
export function freshNamespace(prefix = "t"): string {
  counter += 1;
  return `${prefix}-${process.pid}-${counter}-${Math.random().toString(36).slice(2, 8)}`;
}

export interface Fixture {
  backend: InMemoryBackend;
  clock: ManualClock;
  namespace: string;
  store: GroupStore;
}

/** An in-memory backend, a manual clock, a fresh namespace and a store over them. */
export function setup(options: Partial<GroupStoreOptions> = {}): Fixture {
  const clock = createManualClock("2026-11-25T12:00:00.000Z");
  const backend = createInMemoryBackend({ clock });
  const namespace = freshNamespace();
  const store = createGroupStore({ backend, namespace, clock, ...options });
  return { backend, clock, namespace, store };
}

/** Write a session record the way @tta-dev/memory stores it. */
export async function putSession(
  backend: MemoryBackend,
  namespace: string,
  id: string,
  extra: Partial<Session> = {},
): Promise<Session> {
  const at = "2026-11-25T11:00:00.000Z";
  const session: Session = {
    id,
    tags: [],
    status: "active",
    createdAt: at,
    updatedAt: at,
    metadata: {},
    version: 1,
    ...extra,
  };
  await backend.put(sessionsScope(namespace), id, session);
  return session;
}

/** Append messages to a session's log the way @tta-dev/memory stores them. */
export async function appendMessages(
  backend: MemoryBackend,
  namespace: string,
  sessionId: string,
  contents: readonly string[],
  clock: { now(): number } = { now: () => Date.parse("2026-11-25T11:30:00.000Z") },
): Promise<void> {
  const items = contents.map((content) => {
    const value: StoredMessage = { role: "user", content, metadata: {}, createdAt: toIso(clock.now()) };
    return { value };
  });
  await backend.append(messagesScope(namespace, sessionId), items);
}

let memorySeq = 0;

/** Write a deep memory record the way @tta-dev/memory stores it. */
export async function putMemory(
  backend: MemoryBackend,
  namespace: string,
  fields: Partial<DeepMemory> & { content: string },
): Promise<DeepMemory> {
  memorySeq += 1;
  const id = `mem_01JD${String(memorySeq).padStart(22, "0")}`;
  const at = toIso(Date.parse("2026-11-25T10:00:00.000Z") + memorySeq);
  const memory: DeepMemory = {
    id,
    kind: "lesson",
    tags: [],
    importance: 0.5,
    groupIds: [],
    pinned: false,
    createdAt: at,
    updatedAt: at,
    version: 1,
    ...fields,
  };
  await backend.put(memoriesScope(namespace), id, memory);
  return memory;
}

/** The code of the tta error an action fails with (`undefined` when it succeeds). */
export { codeOf } from "@tta-dev/testkit";
