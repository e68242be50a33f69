import { describe, expect, it } from "vitest";
import { z } from "zod";
import { GroupCreateInput, GroupListInput, GroupMetadataUpdateInput, MetadataInput } from "./inputs.js";

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
