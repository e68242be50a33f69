import {
  CacheSetInput,
  CursorField,
  INPUT_CAPS,
  LessonsField,
  MemoryCreateInput,
  MemorySearchInput,
  MessageRole,
  SessionCompleteInput,
  SessionCreateInput,
  SummaryField,
  TagsField,
  TitleField,
  type TtaError,
} from "@tta-dev/core";
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { operations, parseInput } from "./index.js";

const SID = "auth-design-2025-10-01";

function errorOf(fn: () => unknown): TtaError | undefined {
  try {
    fn();
  } catch (error) {
    return error as TtaError;
  }
  return undefined;
}

/** The schema inside an `.optional()` field of an operation's input. */
function field(name: keyof typeof operations, key: string): z.ZodType {
  const input = operations[name].input as unknown as { shape: Record<string, z.ZodOptional<z.ZodType>> };
  const member = input.shape[key]!;
  return "unwrap" in member ? member.unwrap() : member;
}

// The same caps are held at the domain entries by packages/memory/src/schemas/caps.test.ts and
// packages/groups/src/inputs.test.ts, through the same schemas of core.
describe("input caps shared with the domain packages", () => {
  it("declares core's schema for each field whose limit used to differ between contract and domain", () => {
    expect(field("session.create", "title")).toBe(TitleField);
    expect(field("session.complete", "lessons")).toBe(LessonsField);
    expect(field("group.list", "cursor")).toBe(CursorField);
    expect(field("group.list", "tags")).toBe(TagsField);
    expect(field("group.setStatus", "summary")).toBe(SummaryField);
  });

  it("declares the input objects core defines for memory's calls, or fewer of their fields", () => {
    expect(operations["session.create"].input).toBe(SessionCreateInput);
    expect(operations["session.complete"].input).toBe(SessionCompleteInput);
    expect(operations["cache.set"].input).toBe(CacheSetInput);
    expect(operations["memory.create"].input).toBe(MemoryCreateInput);
    const search = operations["memory.search"].input as unknown as { shape: Record<string, unknown> };
    for (const [key, schema] of Object.entries(search.shape)) {
      expect(schema, key).toBe(MemorySearchInput.shape[key as keyof typeof MemorySearchInput.shape]);
    }
  });

  it("takes a session title of INPUT_CAPS.title (1000) characters and refuses one more", () => {
    expect(INPUT_CAPS.title).toBe(1000);
    const title = "t".repeat(INPUT_CAPS.title);
    expect(parseInput("session.create", { id: SID, title }).title).toBe(title);
    const error = errorOf(() => parseInput("session.create", { id: SID, title: `${title}t` }));
    expect(error?.code).toBe("VALIDATION_FAILED");
    expect(error?.message).toContain("title: a title has at most 1000 characters");
  });

  it("takes 100 lessons given as texts or objects and refuses a 101st", () => {
    expect(INPUT_CAPS.lessons).toBe(100);
    const lessons = Array.from({ length: INPUT_CAPS.lessons }, (_, i) =>
      i % 2 ? `lesson ${i}` : { content: `lesson ${i}`, tags: ["auth"], importance: 0.9 },
    );
    expect(parseInput("session.complete", { id: SID, lessons }).lessons).toHaveLength(100);
    const error = errorOf(() =>
      parseInput("session.complete", { id: SID, lessons: [...lessons, "one more"] }),
    );
    expect(error?.code).toBe("VALIDATION_FAILED");
    expect(error?.message).toContain("lessons: at most 100 lessons may be given at once");
  });

  it("refuses a blank lesson, whether given as text or as an object", () => {
    for (const lesson of ["  ", { content: "\n" }]) {
      expect(errorOf(() => parseInput("session.complete", { id: SID, lessons: [lesson] }))?.code).toBe(
        "VALIDATION_FAILED",
      );
    }
  });

  it("takes a group cursor of INPUT_CAPS.cursor (2048) characters and refuses one more", () => {
    expect(INPUT_CAPS.cursor).toBe(2048);
    const cursor = "c".repeat(INPUT_CAPS.cursor);
    expect(parseInput("group.list", { cursor }).cursor).toBe(cursor);
    const error = errorOf(() => parseInput("group.list", { cursor: `${cursor}c` }));
    expect(error?.code).toBe("VALIDATION_FAILED");
    expect(error?.message).toContain("cursor: a cursor has at most 2048 characters");
  });

  it("refuses a prototype-reaching cache key, saying which keys are not allowed", () => {
    const error = errorOf(() => parseInput("cache.set", { sessionId: SID, key: "__proto__", value: 1 }));
    expect(error?.code).toBe("VALIDATION_FAILED");
    expect(error?.message).toContain('must not be "__proto__", "constructor" or "prototype"');
  });

  it("keeps the roles of a message as core declares them", () => {
    expect(field("message.append", "role")).toBe(MessageRole);
  });
});
