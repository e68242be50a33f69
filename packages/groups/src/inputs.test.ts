import { CursorField, DescriptionField, INPUT_CAPS, SummaryField, TagsField } from "@tta-dev/core";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { setup } from "../test/helpers.js";
import {
  GroupCreateInput,
  GroupListInput,
  GroupMetadataUpdateInput,
  GroupStatusUpdateInput,
  MetadataInput,
} from "./inputs.js";

async function failure(promise: Promise<unknown>): Promise<{ code?: string; message: string }> {
  return promise.then(
    () => ({ message: "resolved" }),
    (error: { code?: string; message: string }) => error,
  );
}

describe("input schemas", () => {
  it("refuse an own __proto__ key that a plain record schema would silently drop", () => {
    const result = MetadataInput.safeParse(JSON.parse('{"ok":1,"nested":{"__proto__":{"x":1}}}'));
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(["nested", "__proto__"]);
  });

  it("fill the defaults of create and list", () => {
    expect(GroupCreateInput.parse({ name: "g" })).toEqual({
      name: "g",
      description: "",
      tags: [],
      metadata: {},
    });
    expect(GroupListInput.parse({})).toEqual({ tags: [], tagMode: "all", limit: 100 });
  });

  it("give JSON Schemas whose metadata is an object, for the contract's OpenAPI", () => {
    const create = z.toJSONSchema(GroupCreateInput, { io: "input" }) as {
      properties: Record<string, { type?: string }>;
    };
    expect(create.properties.metadata?.type).toBe("object");
    const patch = z.toJSONSchema(GroupMetadataUpdateInput, { io: "input" }) as {
      properties: Record<string, { type?: string }>;
    };
    expect(patch.properties.patch?.type).toBe("object");
  });
});

// The same caps are held at the contract's entry by packages/contract/src/input-caps.test.ts,
// through the same schemas of core.
describe("input caps shared with the contract", () => {
  it("builds its inputs from core's schema of each field", () => {
    expect(GroupListInput.shape.cursor.unwrap()).toBe(CursorField);
    expect(GroupListInput.shape.tags.unwrap()).toBe(TagsField);
    expect(GroupCreateInput.shape.description.unwrap()).toBe(DescriptionField);
    expect(GroupStatusUpdateInput.shape.summary.unwrap()).toBe(SummaryField);
  });

  it("takes a list cursor of INPUT_CAPS.cursor (2048) characters and refuses one more", async () => {
    const { store } = setup();
    const cursor = "c".repeat(INPUT_CAPS.cursor);
    const tooLong = await failure(store.listGroups({ cursor: `${cursor}c` }));
    expect(tooLong.code).toBe("VALIDATION_FAILED");
    expect(tooLong.message).toContain("cursor: a cursor has at most 2048 characters");
    // Within the cap (1024 used to be the group list's own), the cursor is read, and refused as foreign.
    const foreign = await failure(store.listGroups({ cursor }));
    expect(foreign.code).toBe("VALIDATION_FAILED");
    expect(foreign.message).toContain("not a cursor returned by listGroups");
  });
});
