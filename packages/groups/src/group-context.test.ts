import type { BatchRead, DeepMemory, MemoryBackend, Message } from "@tta-dev/core";
import { describe, expect, it } from "vitest";
import { appendMessages, codeOf, putMemory, putSession, setup } from "../test/helpers.js";
import type { GroupContextReader } from "./group-context.js";
import { createGroupStore } from "./group-store.js";

async function seeded() {
  const fx = setup();
  const { backend, namespace, store } = fx;
  await putSession(backend, namespace, "auth-design-2025-10-01", { title: "Design" });
  await putSession(backend, namespace, "auth-impl-2025-10-02");
  await appendMessages(backend, namespace, "auth-design-2025-10-01", ["d1", "d2", "d3", "d4"]);
  await appendMessages(backend, namespace, "auth-impl-2025-10-02", ["i1"]);
  await store.createGroup({ name: "feature-auth" });
  await store.createGroup({ name: "other" });
  await store.addSessionToGroup("feature-auth", "auth-design-2025-10-01");
  await store.addSessionToGroup("feature-auth", "auth-impl-2025-10-02");
  const mine = await putMemory(backend, namespace, { content: "Use PKCE", groupIds: ["feature-auth"] });
  const both = await putMemory(backend, namespace, {
    content: "Rotate keys",
    groupIds: ["other", "feature-auth"],
  });
  await putMemory(backend, namespace, { content: "Unrelated", groupIds: ["other"] });
  return { ...fx, mine, both };
}

describe("getGroupContext", () => {
  it("returns the group, each session with its latest messages, and the group's memories", async () => {
    const { store, mine, both } = await seeded();
    const ctx = await store.getGroupContext("feature-auth", { messagesPerSession: 2 });
    expect(ctx.group.id).toBe("feature-auth");
    expect(
      ctx.sessions.map((s) => [s.sessionId, s.session?.title, s.messages.map((m) => m.content)]),
    ).toEqual([
      ["auth-design-2025-10-01", "Design", ["d3", "d4"]],
      ["auth-impl-2025-10-02", undefined, ["i1"]],
    ]);
    expect(ctx.sessions[0]!.messages[1]).toEqual({
      sessionId: "auth-design-2025-10-01",
      seq: 4,
      role: "user",
      content: "d4",
      metadata: {},
      createdAt: "2026-11-25T11:30:00.000Z",
    });
    expect(ctx.memories).toEqual([mine, both]);
  });

  it("reads every member's session and log in one backend batch call", async () => {
    const { backend, namespace, clock } = await seeded();
    const batches: BatchRead[][] = [];
    const observed: MemoryBackend = {
      ...backend,
      async batch(reads) {
        batches.push([...reads]);
        return backend.batch(reads);
      },
    };
    const store = createGroupStore({ backend: observed, namespace, clock });
    await store.getGroupContext("feature-auth");
    expect(batches).toHaveLength(1);
    expect(batches[0]!.map((r) => r.op)).toEqual(["getMany", "readLog", "readLog"]);
  });

  it("shows a member whose session was deleted as null with no messages", async () => {
    const { store, backend, namespace } = await seeded();
    await backend.delete({ namespace, collection: "sessions" }, "auth-impl-2025-10-02");
    const ctx = await store.getGroupContext("feature-auth");
    expect(ctx.sessions[1]).toEqual({ sessionId: "auth-impl-2025-10-02", session: null, messages: [] });
  });

  it("skips messages when messagesPerSession is 0 and works for a group without members", async () => {
    const { store } = await seeded();
    const ctx = await store.getGroupContext("feature-auth", { messagesPerSession: 0 });
    expect(ctx.sessions.every((s) => s.messages.length === 0)).toBe(true);
    const empty = await store.getGroupContext("other");
    expect(empty.sessions).toEqual([]);
    expect(empty.memories.map((m) => m.content)).toEqual(["Rotate keys", "Unrelated"]);
  });

  it("uses an injected reader for messages and memories", async () => {
    const { backend, namespace, clock } = await seeded();
    const asked: string[] = [];
    const note: DeepMemory = {
      id: "mem_01JDZZZZZZZZZZZZZZZZZZZZZZ",
      content: "from the memory package",
      kind: "decision",
      tags: [],
      importance: 0.9,
      groupIds: ["feature-auth"],
      pinned: true,
      createdAt: "2026-11-25T09:00:00.000Z",
      updatedAt: "2026-11-25T09:00:00.000Z",
      version: 1,
    };
    const reader: GroupContextReader = {
      async recentMessages(sessionId, n): Promise<Message[]> {
        asked.push(`${sessionId}:${n}`);
        return [
          {
            sessionId,
            seq: 1,
            role: "assistant",
            content: `latest of ${sessionId}`,
            metadata: {},
            createdAt: "2026-11-25T09:00:00.000Z",
          },
        ];
      },
      async memoriesOfGroup(groupId) {
        asked.push(`memories:${groupId}`);
        return [note];
      },
    };
    const store = createGroupStore({ backend, namespace, clock, reader });
    const ctx = await store.getGroupContext("feature-auth", { messagesPerSession: 3 });
    expect(asked.sort()).toEqual([
      "auth-design-2025-10-01:3",
      "auth-impl-2025-10-02:3",
      "memories:feature-auth",
    ]);
    expect(ctx.sessions.map((s) => s.messages[0]!.content)).toEqual([
      "latest of auth-design-2025-10-01",
      "latest of auth-impl-2025-10-02",
    ]);
    expect(ctx.sessions[0]!.session?.title).toBe("Design");
    expect(ctx.memories).toEqual([note]);
  });

  it("fails GROUP_NOT_FOUND for a missing group and VALIDATION_FAILED for a bad messagesPerSession", async () => {
    const { store } = await seeded();
    expect(await codeOf(() => store.getGroupContext("missing"))).toBe("GROUP_NOT_FOUND");
    expect(await codeOf(() => store.getGroupContext("feature-auth", { messagesPerSession: -1 }))).toBe(
      "VALIDATION_FAILED",
    );
  });
});
