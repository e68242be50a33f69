import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { assertPlainJson, findJsonProblem, MAX_JSON_DEPTH } from "./json-check.js";
import { assertNoForbiddenKeys } from "./limits.js";
import { JsonValue, Metadata } from "./schemas/common.js";
import { parseStored } from "./stored.js";

const nestedArrays = (n: number) => JSON.parse(`${"[".repeat(n)}${"]".repeat(n)}`) as unknown;
const nestedObjects = (n: number) => JSON.parse(`${'{"a":'.repeat(n)}1${"}".repeat(n)}`) as unknown;

describe("findJsonProblem", () => {
  it("accepts plain JSON up to the depth limit and refuses one level more", () => {
    expect(findJsonProblem(nestedArrays(MAX_JSON_DEPTH))).toBeNull();
    const problem = findJsonProblem(nestedArrays(MAX_JSON_DEPTH + 1));
    expect(problem?.kind).toBe("too-deep");
    expect(problem?.path).toHaveLength(MAX_JSON_DEPTH);
  });

  it("walks a million levels without overflowing the stack", () => {
    for (const deep of [nestedArrays(1_000_000), nestedObjects(100_000)]) {
      expect(findJsonProblem(deep)?.kind).toBe("too-deep");
      expect(findJsonProblem(deep, { onlyForbiddenKeys: true })).toBeNull();
    }
  });

  it("finds a prototype-reaching key at any depth, with its path", () => {
    const deep = JSON.parse(`${'{"a":'.repeat(5000)}{"__proto__":{"x":1}}${"}".repeat(5000)}`);
    const problem = findJsonProblem(deep, { onlyForbiddenKeys: true });
    expect(problem?.kind).toBe("forbidden-key");
    expect(problem?.path).toHaveLength(5001);
    expect(problem?.path.at(-1)).toBe("__proto__");
    expect(findJsonProblem({ list: [{ constructor: 1 }] })?.path).toEqual(["list", 0, "constructor"]);
  });

  it("refuses what JSON cannot carry, and terminates on a cycle", () => {
    expect(findJsonProblem({ n: Number.NaN })?.kind).toBe("not-json");
    expect(findJsonProblem([1, undefined])?.path).toEqual([1]);
    expect(findJsonProblem({ f: () => 1 })?.kind).toBe("not-json");
    expect(findJsonProblem({ d: new Date() })?.kind).toBe("not-plain");
    expect(findJsonProblem({ skipped: undefined })).toBeNull();
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(findJsonProblem(cyclic, { onlyForbiddenKeys: true })).toBeNull();
  });
});

describe("schemas and guards on deep values", () => {
  it("JsonValue and Metadata fail their parse (no RangeError) at 3 000 and 100 000 levels", () => {
    for (const n of [3000, 100_000]) {
      expect(JsonValue.safeParse(nestedArrays(n)).success).toBe(false);
      expect(Metadata.safeParse({ deep: nestedObjects(n) }).success).toBe(false);
    }
    expect(JsonValue.safeParse({ ok: [1, "two", null, { three: true }] }).success).toBe(true);
  });

  it("assertPlainJson and assertNoForbiddenKeys fail VALIDATION_FAILED naming the path", () => {
    expect(() => assertPlainJson({ metadata: nestedObjects(3000) })).toThrow(
      expect.objectContaining({ code: "VALIDATION_FAILED" }),
    );
    expect(() => assertNoForbiddenKeys(nestedObjects(200_000), "metadata")).not.toThrow();
    try {
      assertNoForbiddenKeys(JSON.parse('{"a":[{"__proto__":1}]}'), "metadata");
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).toContain("metadata.a.0.__proto__");
    }
  });

  it("deeply nested stored data reads as BACKEND_CORRUPT naming the place", () => {
    expect(() => parseStored(JsonValue, nestedArrays(5000), "file x.jsonl, line 3")).toThrow(
      expect.objectContaining({ code: "BACKEND_CORRUPT" }),
    );
    try {
      parseStored(Metadata, { deep: nestedObjects(5000) }, "file x.jsonl, line 3");
    } catch (error) {
      expect((error as Error).message).toContain("x.jsonl, line 3");
    }
  });

  it("keeps a JSON Schema for JsonValue and an object schema for Metadata", async () => {
    const { z } = await import("zod");
    const schema = z.toJSONSchema(z.object({ m: Metadata, j: JsonValue }), { io: "input" }) as unknown as {
      properties: { m: { type?: string }; j: { type?: string[] } };
    };
    expect(schema.properties.m.type).toBe("object");
    expect(schema.properties.j.type).toEqual(["string", "number", "boolean", "null", "array", "object"]);
  });
});

/** Every non-test source file in the `src` folder of each package and app of the repository. */
function workspaceSources(): string[] {
  const root = fileURLToPath(new URL("../../../", import.meta.url));
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.ts$/.test(entry.name) && !/\.test\.ts$/.test(entry.name)) out.push(path);
    }
  };
  for (const top of ["packages", "apps"]) {
    for (const pkg of readdirSync(join(root, top))) {
      const src = join(root, top, pkg, "src");
      try {
        walk(src);
      } catch {
        // a package without src/
      }
    }
  }
  return out;
}

describe("the one prototype-key walk", () => {
  it("is this module's: no other source names the forbidden keys in code of its own", () => {
    const own = new Set(["core/src/json-check.ts", "core/src/schemas/fields.ts"]);
    const offenders: string[] = [];
    for (const file of workspaceSources()) {
      const rel = file.split(/[\\/](?:packages|apps)[\\/]/).pop() ?? file;
      // The conformance suite feeds hostile keys to backends on purpose.
      if (own.has(rel) || rel.startsWith("testkit/")) continue;
      readFileSync(file, "utf8")
        .split("\n")
        .forEach((line, i) => {
          const code = line.replace(/\/\/.*$/, "").trim();
          if (code.startsWith("*") || code.startsWith("/*")) return;
          if (/["'`](__proto__|prototype)["'`]/.test(code)) offenders.push(`${rel}:${i + 1}: ${code}`);
        });
    }
    expect(offenders).toEqual([]);
  });
});
