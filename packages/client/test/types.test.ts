import type { MessageBatch, OutputOf } from "@tta-dev/contract";
import type { Message } from "@tta-dev/core";
import { describe, expectTypeOf, it } from "vitest";
import { createTtaClient, type TtaClient } from "../src/index.js";

// Types only: a fetch that never answers, so no call settles and nothing is left unhandled.
const tta: TtaClient = createTtaClient({
  baseUrl: "http://127.0.0.1:9",
  fetch: () => new Promise<never>(() => {}),
});
const sessionId = "client-types-2026-12-06";

describe("TtaClient types", () => {
  it("gives a single message.append its Message and a batch its items", () => {
    expectTypeOf(tta.call("message.append", { sessionId, content: "hi" })).resolves.toEqualTypeOf<Message>();
    expectTypeOf(
      tta.call("message.append", { sessionId, role: "user", content: "hi", idempotencyKey: "k1" }),
    ).resolves.toEqualTypeOf<Message>();
    const role = "assistant" as "user" | "assistant";
    expectTypeOf(
      tta.call("message.append", { sessionId, role, content: "hi", metadata: { a: 1 } }),
    ).resolves.toEqualTypeOf<Message>();
    expectTypeOf(
      tta.call("message.append", { sessionId, messages: [{ content: "a" }, { content: "b", role: "tool" }] }),
    ).resolves.toEqualTypeOf<MessageBatch>();
  });

  it("gives every other operation its one output", () => {
    expectTypeOf(tta.call("session.get", { id: sessionId })).resolves.toEqualTypeOf<
      OutputOf<"session.get">
    >();
    expectTypeOf(tta.call("cache.get", { sessionId, key: "k" })).resolves.toEqualTypeOf<
      OutputOf<"cache.get">
    >();
    expectTypeOf(tta.call("group.addSession", { groupId: "g", sessionId })).resolves.toHaveProperty("added");
  });

  it("refuses undeclared fields, missing fields and unknown names at compile time", () => {
    // Never called: these calls exist for the compiler only.
    const refused = () => [
      // @ts-expect-error a field the operation does not declare
      tta.call("session.create", { id: sessionId, titel: "Auth" }),
      // @ts-expect-error `sessionId` is required
      tta.call("message.append", { content: "hi" }),
      // @ts-expect-error a role the contract does not declare
      tta.call("message.append", { sessionId, role: "robot", content: "hi" }),
      // @ts-expect-error not an operation of the contract
      tta.call("session.nope", {}),
    ];
    expectTypeOf(refused).returns.toBeArray();
  });
});
