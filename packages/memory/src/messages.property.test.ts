import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SID, setup } from "../test/fixture.js";

type Cmd =
  | { kind: "one"; content: string; key: string | null }
  | { kind: "batch"; items: { content: string; key: string | null }[] };

const key = fc.option(fc.constantFrom("a", "b", "c", "d", "e", "f"), { nil: null });
const text = fc.string({ maxLength: 8 }).map((s) => `m${s}`);
const item = fc.record({ content: text, key });
const cmd: fc.Arbitrary<Cmd> = fc.oneof(
  fc.record({ kind: fc.constant("one" as const), content: text, key }),
  fc.record({ kind: fc.constant("batch" as const), items: fc.array(item, { minLength: 1, maxLength: 6 }) }),
);

describe("message seqs (property)", () => {
  it("match a model under random appends, batches and idempotent retries", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(cmd, { maxLength: 25 }), async (cmds) => {
        const { store } = setup();
        await store.sessions.create({ id: SID });
        const model: { content: string; key: string | null }[] = [];
        const byKey = new Map<string, number>();
        const expectOne = (it: { content: string; key: string | null }) => {
          if (it.key !== null && byKey.has(it.key)) return byKey.get(it.key)!;
          model.push(it);
          if (it.key !== null) byKey.set(it.key, model.length);
          return model.length;
        };
        for (const c of cmds) {
          const items = c.kind === "one" ? [{ content: c.content, key: c.key }] : c.items;
          const expected = items.map(expectOne);
          const input = items.map((it) => ({
            content: it.content,
            ...(it.key !== null ? { idempotencyKey: it.key } : {}),
          }));
          const got =
            c.kind === "one"
              ? [await store.messages.append({ sessionId: SID, ...input[0]! })]
              : await store.messages.appendBatch({ sessionId: SID, messages: input });
          expect(got.map((m) => m.seq)).toEqual(expected);
          for (const m of got) expect(m.content).toBe(model[m.seq - 1]!.content);
        }
        const all = await store.messages.list({ sessionId: SID, afterSeq: 0, limit: 1000 });
        expect(all.items.map((m) => m.seq)).toEqual(model.map((_, i) => i + 1));
        expect(all.items.map((m) => m.content)).toEqual(model.map((m) => m.content));
      }),
      { numRuns: 150 },
    );
  });
});
