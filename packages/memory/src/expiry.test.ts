import { describe, expect, it } from "vitest";
import { expectCode, setup } from "../test/fixture.js";
import { createMemoryStore } from "./index.js";

const HOUR = 3_600_000;

describe("memories with expiresAt", () => {
  it("are searchable until they expire, then never returned, by a fresh store too", async () => {
    const { store, clock, backend, namespace } = setup();
    const soon = new Date(clock.now() + HOUR).toISOString();
    const m = await store.memories.create({ content: "Staging is frozen this week", expiresAt: soon });
    const kept = await store.memories.create({ content: "Staging runs on port 8443" });
    expect(m.expiresAt).toBe(soon);
    expect((await store.memories.search({ query: "staging" })).map((h) => h.memory.id)).toEqual([
      kept.id,
      m.id,
    ]);
    clock.advance(HOUR);
    expect((await store.memories.search({ query: "staging" })).map((h) => h.memory.id)).toEqual([kept.id]);
    expect((await store.memories.search({})).map((h) => h.memory.id)).toEqual([kept.id]);
    // A fresh store (the persisted index loaded, not rebuilt) hides it as well.
    const fresh = createMemoryStore({ backend, clock, namespace });
    expect((await fresh.memories.search({ query: "frozen" })).length).toBe(0);
    expect(fresh.memories.index.stats.loads + fresh.memories.index.stats.builds).toBe(1);
    // It is still stored (forget removes it), and an update can lift the expiry.
    expect((await store.memories.get({ id: m.id })).expiresAt).toBe(soon);
    const lifted = await store.memories.update({ id: m.id, expiresAt: null });
    expect(lifted.expiresAt).toBeUndefined();
    expect((await fresh.memories.search({ query: "frozen" })).map((h) => h.memory.id)).toEqual([m.id]);
  });

  it("normalise the instant, and refuse one that is not an instant", async () => {
    const { store } = setup();
    const m = await store.memories.create({ content: "x", expiresAt: "2027-01-01T02:00:00+02:00" });
    expect(m.expiresAt).toBe("2027-01-01T00:00:00.000Z");
    const e = await expectCode(
      store.memories.create({ content: "x", expiresAt: "tomorrow" }),
      "VALIDATION_FAILED",
    );
    expect(JSON.stringify(e.details)).toContain("expiresAt");
  });

  it("are not returned by dedupe once expired", async () => {
    const { store, clock } = setup();
    const old = await store.memories.create({
      content: "Use the blue deploy slot",
      expiresAt: new Date(clock.now() + 1000).toISOString(),
    });
    clock.advance(1000);
    const again = await store.memories.create({ content: "use the blue deploy slot", dedupe: true });
    expect(again.id).not.toBe(old.id);
    expect(again.expiresAt).toBeUndefined();
  });

  it("are not returned by dedupe once expired, even under the day's dedupe id", async () => {
    const { store, clock } = setup();
    const first = await store.memories.create({
      content: "Rotate the canary",
      dedupe: true,
      expiresAt: new Date(clock.now() + 1000).toISOString(),
    });
    clock.advance(1000);
    const again = await store.memories.create({ content: "Rotate the canary", dedupe: true });
    expect(again.id).not.toBe(first.id);
    expect(again.expiresAt).toBeUndefined();
  });
});
