import { memoriesScope, messagesScope, sessionsScope } from "@tta-dev/core";
import { describe, expect, it } from "vitest";
import { expectCode, SID, setup } from "../test/fixture.js";

describe("corrupt stored data", () => {
  it("fails BACKEND_CORRUPT naming the place instead of crashing", async () => {
    const { store, backend, namespace } = setup();
    await backend.put(sessionsScope(namespace), SID, { id: SID, status: "weird" });
    const error = await expectCode(store.sessions.get({ id: SID }), "BACKEND_CORRUPT");
    expect(error.message).toContain(`sessions/${SID}`);
    await expectCode(store.sessions.list(), "BACKEND_CORRUPT");

    await backend.put(sessionsScope(namespace), "ok-session-2025-01-01", {
      id: "ok-session-2025-01-01",
      tags: [],
      status: "active",
      createdAt: "2026-11-25T12:00:00.000Z",
      updatedAt: "2026-11-25T12:00:00.000Z",
      metadata: {},
    });
    await backend.append(messagesScope(namespace, "ok-session-2025-01-01"), [{ value: "not a message" }]);
    const m = await expectCode(
      store.messages.list({ sessionId: "ok-session-2025-01-01" }),
      "BACKEND_CORRUPT",
    );
    expect(m.message).toContain("seq 1");

    await backend.put(memoriesScope(namespace), "mem_01M8997DG0NE74EGQHHAKYBGPV", { content: 42 });
    await expectCode(store.memories.search({ query: "x" }), "BACKEND_CORRUPT");
  });
});
