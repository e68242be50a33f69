import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { findJsonProblem } from "../json-check.js";
import { SessionIdField } from "./fields.js";
import { MessageItemInput, MessageListInput } from "./inputs.js";
import { quickMessageAppend, quickMessageList } from "./quick-inputs.js";

const MessageAppendInput = MessageItemInput.extend({ sessionId: SessionIdField });

const often = <T, U>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<U>) =>
  fc.oneof({ arbitrary: good, weight: 8 }, { arbitrary: bad, weight: 1 });
const odd = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.integer(),
  fc.double(),
  fc.constant(""),
  fc.constant(" \n\t"),
  fc.constant([]),
  fc.constant({}),
  fc.string({ maxLength: 4 }),
);

/** What the store's parse accepts: plain JSON first, then the schema. */
function schemaParse(schema: typeof MessageAppendInput | typeof MessageListInput, raw: unknown) {
  if (raw !== undefined && findJsonProblem(raw) !== null) return { success: false as const };
  return schema.safeParse(raw);
}

function check(
  schema: typeof MessageAppendInput | typeof MessageListInput,
  quick: (raw: unknown) => unknown,
  input: fc.Arbitrary<unknown>,
): void {
  let accepted = 0;
  let fast = 0;
  fc.assert(
    fc.property(input, (raw) => {
      const parsed = schemaParse(schema, raw);
      const q = quick(raw);
      if (parsed.success) accepted++;
      if (q !== null) {
        fast++;
        expect(parsed.success).toBe(true);
        expect(q).toEqual((parsed as { data: unknown }).data);
      }
    }),
    { numRuns: 5000 },
  );
  // Both the fast path and the fallback were exercised.
  expect(fast).toBeGreaterThan(500);
  expect(accepted).toBeGreaterThan(fast / 2);
}

describe("quickMessageAppend", () => {
  const input = fc.oneof(
    {
      weight: 10,
      arbitrary: fc.record(
        {
          sessionId: often(fc.string({ maxLength: 40 }), odd),
          role: often(fc.constantFrom("user", "assistant", "system", "tool", undefined), odd),
          content: often(fc.string({ maxLength: 40 }), odd),
          metadata: often(
            fc.oneof(
              fc.constantFrom({}, Object.create(null), undefined),
              fc.dictionary(
                fc.string({ maxLength: 6 }),
                fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<unknown>,
                {
                  maxKeys: 4,
                },
              ),
            ),
            fc.oneof(
              odd,
              fc.constantFrom(
                JSON.parse('{"__proto__":1}'),
                { a: { constructor: 1 } },
                new Date(0),
                [],
                { u: undefined },
                { n: Number.NaN },
                { d: new Date(0) },
                JSON.parse(`{"a":${"[".repeat(62)}${"]".repeat(62)}}`),
                JSON.parse(`{"a":${"[".repeat(63)}${"]".repeat(63)}}`),
                JSON.parse(`{"a":${"[".repeat(64)}${"]".repeat(64)}}`),
              ),
            ),
          ),
          idempotencyKey: often(
            fc.oneof(fc.string({ minLength: 1, maxLength: 20 }), fc.constant(undefined)),
            fc.oneof(odd, fc.constant("k".repeat(257)), fc.constant("k".repeat(256))),
          ),
        },
        { requiredKeys: [] },
      ),
    },
    {
      weight: 1,
      arbitrary: fc.record({ sessionId: fc.string(), content: fc.string(), extra: fc.anything() }),
    },
    fc.anything(),
    fc.constantFrom(null, [], "x", Object.create({ content: "x", sessionId: "s" })),
  );

  it("accepts only what the schema accepts, and returns what it returns", () => {
    check(MessageAppendInput, quickMessageAppend, input);
  });

  it("refuses metadata nested deeper than the input allows, where the schema path refuses it", () => {
    const at = (levels: number) => JSON.parse(`{"a":${"[".repeat(levels)}${"]".repeat(levels)}}`);
    for (const levels of [61, 62, 63]) {
      const raw = { sessionId: "s", content: "x", metadata: at(levels) };
      expect(quickMessageAppend(raw) !== null).toBe(schemaParse(MessageAppendInput, raw).success);
    }
  });
});

describe("quickMessageList", () => {
  const count = often(
    fc.oneof(fc.integer({ min: 1, max: 1000 }), fc.constant(undefined)),
    fc.oneof(odd, fc.constantFrom(0, 1001, 2.5, -1, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 60)),
  );
  const input = fc.oneof(
    {
      weight: 10,
      arbitrary: fc.record(
        {
          sessionId: often(fc.string({ maxLength: 40 }), odd),
          last: count,
          limit: count,
          afterSeq: often(
            fc.oneof(fc.nat(), fc.constant(undefined)),
            fc.oneof(odd, fc.constantFrom(-1, 0.5, -0, 2 ** 60)),
          ),
          cursor: often(
            fc.oneof(fc.string({ minLength: 1, maxLength: 10 }), fc.constant(undefined)),
            fc.oneof(odd, fc.constant("c".repeat(2049)), fc.constant("c".repeat(2048))),
          ),
        },
        { requiredKeys: ["sessionId"] },
      ),
    },
    {
      weight: 1,
      arbitrary: fc.record(
        {
          sessionId: fc.string(),
          since: fc.constantFrom("2026-11-25T12:00:00.000Z", "x"),
          extra: fc.anything(),
        },
        { requiredKeys: ["sessionId"] },
      ),
    },
    fc.anything(),
  );

  it("accepts only what the schema accepts, and returns what it returns", () => {
    check(MessageListInput, quickMessageList, input);
  });
});
