import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Message, quickMessage } from "./session.js";

const often = <T, U>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<U>) =>
  fc.oneof({ arbitrary: good, weight: 8 }, { arbitrary: bad, weight: 1 });

const almostTimestamp = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .date({ min: new Date("1970-01-01"), max: new Date("2999-12-31"), noInvalidDate: true })
      .map((d) => d.toISOString()),
  },
  fc.constantFrom(
    "2026-02-29T10:00:00.000Z",
    "2024-02-29T10:00:00.000Z",
    "2026-13-01T10:00:00.000Z",
    "2026-04-31T00:00:00.000Z",
    "2026-01-01T24:00:00.000Z",
    "2026-01-01T10:60:00.000Z",
    "2026-01-01T10:00:00Z",
    "2026-01-01 10:00:00.000Z",
    "2026-01-01T10:00:00.000+01:00",
    "",
  ),
  fc.string(),
);
const metadata = fc.oneof(
  { weight: 4, arbitrary: fc.constant({}) },
  {
    weight: 4,
    arbitrary: fc.dictionary(
      fc.string({ maxLength: 6 }),
      fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<unknown>,
      { maxKeys: 4 },
    ),
  },
  fc.constantFrom(
    JSON.parse('{"__proto__":{"x":1}}'),
    { a: { constructor: 1 } },
    { prototype: null },
    [],
    null,
    "text",
    { deep: JSON.parse(`${"[".repeat(70)}${"]".repeat(70)}`) },
    { n: Number.NaN },
    { f: () => 1 },
    { u: undefined },
  ),
);
const value = fc.oneof(
  fc.record(
    {
      role: often(fc.constantFrom("user", "assistant", "system", "tool"), fc.string({ maxLength: 6 })),
      content: often(fc.string(), fc.oneof(fc.integer(), fc.constant(null))),
      metadata,
      createdAt: almostTimestamp,
      extra: fc.string(),
    },
    { requiredKeys: ["role", "content", "metadata", "createdAt"] },
  ),
  fc.record({ role: fc.constant("user"), content: fc.string() }, { requiredKeys: [] }),
  fc.anything(),
);

describe("quickMessage", () => {
  it("accepts exactly what the Message schema accepts, and returns what it returns", () => {
    let accepted = 0;
    fc.assert(
      fc.property(
        often(fc.string({ maxLength: 8 }), fc.oneof(fc.constant(undefined), fc.integer())),
        often(
          fc.integer({ min: 1, max: 2 ** 31 }),
          fc.oneof(fc.integer({ min: -2, max: 0 }), fc.double(), fc.constant(2 ** 60), fc.constant("3")),
        ),
        value,
        fc.oneof(fc.constant(undefined), fc.string({ maxLength: 8 }), fc.integer()),
        (sessionId, seq, v, idempotencyKey) => {
          const spread = typeof v === "object" && v !== null && !Array.isArray(v) ? v : { value: v };
          const parsed = Message.safeParse({
            sessionId,
            seq,
            role: (spread as Record<string, unknown>).role,
            content: (spread as Record<string, unknown>).content,
            metadata: (spread as Record<string, unknown>).metadata,
            createdAt: (spread as Record<string, unknown>).createdAt,
            ...(idempotencyKey !== undefined ? { idempotencyKey } : {}),
          });
          const quick = quickMessage(sessionId, seq, v, idempotencyKey);
          if (parsed.success) accepted++;
          if (parsed.success) expect(quick).toEqual(parsed.data);
          else expect(quick).toBeNull();
        },
      ),
      { numRuns: 5000 },
    );
    // Both sides of the equivalence were exercised.
    expect(accepted).toBeGreaterThan(100);
  });

  it("remembers only accepted timestamps", () => {
    const base = { role: "user", content: "x", metadata: {} };
    expect(
      quickMessage("s", 1, { ...base, createdAt: "2026-11-25T12:00:00.000Z" }, undefined),
    ).not.toBeNull();
    expect(quickMessage("s", 1, { ...base, createdAt: "2026-02-30T12:00:00.000Z" }, undefined)).toBeNull();
    expect(
      quickMessage("s", 1, { ...base, createdAt: "2026-11-25T12:00:00.000Z" }, undefined),
    ).not.toBeNull();
  });
});
