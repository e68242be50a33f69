import * as core from "@tta-dev/core";
import { CursorField, INPUT_CAPS, LessonsField, TitleField } from "@tta-dev/core";
import { describe, expect, it } from "vitest";
import { expectCode, SID, setup } from "../../test/fixture.js";
import * as schemas from "./index.js";
import { SessionCompleteInput, SessionCreateInput, SessionListInput } from "./session.js";

// The same caps are held at the contract's entry by packages/contract/src/input-caps.test.ts,
// through the same schemas of core.
describe("input caps shared with the contract", () => {
  it("builds its inputs from core's schema of each field whose limit used to differ", () => {
    expect(SessionCreateInput.shape.title.unwrap()).toBe(TitleField);
    expect(SessionCompleteInput.shape.lessons.unwrap()).toBe(LessonsField);
    expect(SessionListInput.shape.cursor.unwrap()).toBe(CursorField);
  });

  it("validates each call with core's input object, the one the contract declares its operation with", () => {
    const pairs: [string, unknown, unknown][] = [
      ["SessionCreateInput", schemas.SessionCreateInput, core.SessionCreateInput],
      ["SessionGetInput", schemas.SessionGetInput, core.SessionGetInput],
      ["SessionListInput", schemas.SessionListInput, core.SessionListInput],
      ["SessionCompleteInput", schemas.SessionCompleteInput, core.SessionCompleteInput],
      ["SessionArchiveInput", schemas.SessionArchiveInput, core.SessionArchiveInput],
      ["SessionSetStageInput", schemas.SessionSetStageInput, core.SessionSetStageInput],
      ["SessionDeleteInput", schemas.SessionDeleteInput, core.SessionDeleteInput],
      ["MessageItemInput", schemas.MessageItemInput, core.MessageItemInput],
      ["MessageListInput", schemas.MessageListInput, core.MessageListInput],
      ["CacheSetInput", schemas.CacheSetInput, core.CacheSetInput],
      ["CacheGetInput", schemas.CacheGetInput, core.CacheGetInput],
      ["CacheListInput", schemas.CacheListInput, core.CacheListInput],
      ["CacheDeleteInput", schemas.CacheDeleteInput, core.CacheDeleteInput],
      ["MemoryCreateInput", schemas.MemoryCreateInput, core.MemoryCreateInput],
      ["MemoryGetInput", schemas.MemoryGetInput, core.MemoryGetInput],
      ["MemoryUpdateInput", schemas.MemoryUpdateInput, core.MemoryUpdateInput],
      ["MemoryDeleteInput", schemas.MemoryDeleteInput, core.MemoryDeleteInput],
      ["MemorySearchInput", schemas.MemorySearchInput, core.MemorySearchInput],
    ];
    for (const [name, mine, shared] of pairs) expect(mine, name).toBe(shared);
  });

  it("takes a session title of INPUT_CAPS.title (1000) characters and refuses one more", async () => {
    const { store } = setup();
    const title = "t".repeat(INPUT_CAPS.title);
    expect((await store.sessions.create({ id: SID, title })).title).toBe(title);
    const error = await expectCode(
      store.sessions.create({ id: "auth-other-2026-11-25", title: `${title}t` }),
      "VALIDATION_FAILED",
    );
    expect(error.message).toContain("title: a title has at most 1000 characters");
  });

  it("stores 100 lessons given as texts or objects, and refuses a 101st before writing anything", async () => {
    const { store } = setup();
    await store.sessions.create({ id: SID, tags: ["auth"] });
    const lessons = Array.from({ length: INPUT_CAPS.lessons }, (_, i) =>
      i % 2 ? `lesson ${i}` : { content: `lesson ${i}`, tags: ["pkce"], importance: 0.9 },
    );
    const error = await expectCode(
      store.sessions.complete({ id: SID, lessons: [...lessons, "one more"] }),
      "VALIDATION_FAILED",
    );
    expect(error.message).toContain("lessons: at most 100 lessons may be given at once");
    expect((await store.sessions.get({ id: SID })).status).toBe("active");
    expect(await store.memories.search({ limit: 100 })).toEqual([]);
    const done = await store.sessions.complete({ id: SID, lessons });
    expect(done.lessons).toHaveLength(100);
    expect(done.lessons[0]).toMatchObject({ kind: "lesson", importance: 0.9, tags: ["auth", "pkce"] });
  });

  it("takes a list cursor of INPUT_CAPS.cursor (2048) characters and refuses one more", async () => {
    const { store } = setup();
    const cursor = "c".repeat(INPUT_CAPS.cursor);
    const tooLong = await expectCode(store.sessions.list({ cursor: `${cursor}c` }), "VALIDATION_FAILED");
    expect(tooLong.message).toContain("cursor: a cursor has at most 2048 characters");
    // Within the cap, a cursor that list did not hand out is refused as such.
    const foreign = await expectCode(store.sessions.list({ cursor }), "VALIDATION_FAILED");
    expect(foreign.message).not.toContain("at most");
  });
});
