import { JSON_OPERATION_NAMES } from "@tta-dev/contract";
import { memoryChangesScope } from "@tta-dev/core";
import { createInMemoryBackend } from "@tta-dev/memory-inmemory";
import { codeOf } from "@tta-dev/testkit";
import { describe, expect, it } from "vitest";
import { call, workspace } from "./scenario.js";

const S = "auth-design-2025-10-01";
const S2 = "auth-impl-2025-10-02";

describe("handlers", () => {
  it("serve every contract operation with outputs that match the contract", async () => {
    const { handlers } = await workspace(createInMemoryBackend());
    const seen = new Set<string>();
    const c = async (name: Parameters<typeof call>[1], input: unknown) => {
      seen.add(name);
      return call(handlers, name, input);
    };
    expect(await c("session.create", { id: S, title: "Auth design", tags: ["auth"] })).toMatchObject({
      id: S,
      status: "active",
      version: 1,
      component: "auth",
      purpose: "design",
    });
    await c("session.create", { id: S2, title: "Auth implementation" });
    expect(await c("session.get", { id: S })).toMatchObject({ id: S });
    expect((await c("session.list", { tag: "auth" })) as { items: unknown[] }).toMatchObject({
      items: [{ id: S }],
    });
    expect(await c("message.append", { sessionId: S, content: "Use JWT with rotating keys" })).toMatchObject({
      seq: 1,
      role: "user",
    });
    expect(
      await c("message.append", {
        sessionId: S,
        messages: [{ content: "ok", role: "assistant" }, { content: "next" }],
      }),
    ).toMatchObject({ items: [{ seq: 2 }, { seq: 3 }] });
    expect(await c("message.list", { sessionId: S, last: 2 })).toMatchObject({
      items: [{ seq: 2 }, { seq: 3 }],
    });
    expect(
      await c("cache.set", {
        sessionId: S,
        key: "current-file",
        value: { path: "src/auth.ts" },
        ttlMs: 60_000,
      }),
    ).toMatchObject({ key: "current-file", version: 1 });
    expect(await c("cache.get", { sessionId: S, key: "current-file" })).toMatchObject({
      value: { path: "src/auth.ts" },
    });
    expect(await c("cache.list", { sessionId: S })).toMatchObject({ items: [{ key: "current-file" }] });
    const mem = (await c("memory.create", {
      content: "Rotate JWT signing keys weekly",
      kind: "decision",
      tags: ["auth", "jwt"],
      importance: 0.9,
    })) as { id: string };
    expect(mem.id).toMatch(/^mem_/);
    expect(await c("memory.get", { id: mem.id })).toMatchObject({ id: mem.id, version: 1 });
    expect(await c("memory.update", { id: mem.id, importance: 0.95, ifVersion: 1 })).toMatchObject({
      version: 2,
    });
    expect(await c("memory.search", { query: "jwt keys" })).toMatchObject({
      items: [{ memory: { id: mem.id } }],
    });
    expect(
      await c("group.create", { name: "feature-auth", description: "Auth", tags: ["feature"] }),
    ).toMatchObject({ id: "feature-auth" });
    expect(await c("group.addSession", { groupId: "feature-auth", sessionId: S })).toMatchObject({
      added: true,
    });
    expect(await c("group.addSession", { groupId: "feature-auth", sessionId: S })).toMatchObject({
      added: false,
    });
    await c("group.addSession", { groupId: "feature-auth", sessionId: S2 });
    await call(handlers, "message.append", { sessionId: S2, content: "Implemented the token endpoint" });
    expect(await c("group.get", { groupId: "feature-auth" })).toMatchObject({ sessionIds: [S, S2] });
    expect(await c("group.list", { tags: ["feature"] })).toMatchObject({ items: [{ id: "feature-auth" }] });
    expect(await c("group.sessions", { groupId: "feature-auth" })).toMatchObject({
      items: [{ id: S }, { id: S2 }],
    });
    expect(await c("group.updateMetadata", { groupId: "feature-auth", patch: { sprint: 42 } })).toMatchObject(
      { metadata: { sprint: 42 } },
    );
    const ctx = (await c("context.load", {
      sessionId: S,
      stage: "Plan",
      format: "markdown",
      explain: true,
    })) as {
      context: { layers: Record<string, unknown[]>; explain: unknown[] };
      rendered: string;
    };
    expect(ctx.context.layers.session).toHaveLength(3);
    expect(ctx.context.layers.cache).toHaveLength(1);
    expect(ctx.context.layers.deep).toHaveLength(1);
    expect(ctx.context.layers.pafs).toHaveLength(3);
    expect(ctx.rendered).toContain("Rotate JWT signing keys weekly");
    const reflect = (await c("context.load", { sessionId: S, stage: "reflect" })) as {
      context: { layers: { groups: { sessionId: string }[] } };
    };
    expect(reflect.context.layers.groups.map((g) => g.sessionId)).toEqual([S2]);
    expect(await c("paf.list", {})).toMatchObject({
      items: [{ id: "QUAL-001" }, { id: "QUAL-004" }, { id: "LANG-001" }],
    });
    expect(((await c("paf.list", { all: true })) as { items: unknown[] }).items).toHaveLength(4);
    const v = (await c("paf.validate", { format: "text" })) as { results: unknown[]; rendered: string };
    expect(v.results.length).toBeGreaterThan(0);
    expect(typeof v.rendered).toBe("string");
    expect(await c("paf.diff", { record: true })).toMatchObject({ since: null, recorded: true });
    expect(await c("paf.diff", {})).toMatchObject({ added: [], removed: [], changed: [] });
    expect(((await c("policy.show", { stage: "plan" })) as { cells: unknown[] }).cells).toHaveLength(3);
    expect(await c("system.doctor", {})).toMatchObject({
      ok: true,
      backend: { name: "memory" },
      store: { inspected: false, problems: [] },
    });
    // The in-memory backend has nothing to repair: it says so instead of pretending.
    await expect(c("system.repair", { dryRun: true })).rejects.toMatchObject({ code: "NOT_SUPPORTED" });
    expect(
      await c("group.setStatus", { groupId: "feature-auth", status: "closed", summary: "Shipped" }),
    ).toMatchObject({ status: "closed", summary: "Shipped" });
    expect(await c("group.summary", {})).toMatchObject({ total: 1, byStatus: { closed: 1 } });
    expect(await c("group.removeSession", { groupId: "feature-auth", sessionId: S2 })).toMatchObject({
      removed: true,
    });
    expect(await c("session.setStage", { id: S, stage: "validate" })).toMatchObject({ stage: "validate" });
    expect(await c("context.load", { sessionId: S })).toMatchObject({ context: { stage: "validate" } });
    expect(await c("session.complete", { id: S, lessons: ["Keys rotate weekly"] })).toMatchObject({
      status: "completed",
    });
    expect(await c("session.archive", { id: S })).toMatchObject({ status: "archived" });
    expect(await c("cache.delete", { sessionId: S2, key: "nothing" })).toMatchObject({ deleted: false });
    // Forget by a rule given field by field (the CLI's flags): the archived session, dry run first.
    const rule = { layer: "sessions", status: ["archived"] };
    const dry = await c("forget", { ...rule, dryRun: true });
    expect(dry).toMatchObject({ dryRun: true, sessions: { count: 1, ids: [S] }, memberships: 1 });
    expect(await c("session.get", { id: S })).toMatchObject({ id: S });
    await expect(c("forget", { status: ["archived"] })).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
    await expect(c("forget", {})).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
    expect(await c("memory.delete", { id: mem.id })).toMatchObject({
      deleted: true,
      counts: { memories: 1 },
    });
    expect(await c("session.delete", { id: S, cascade: true })).toMatchObject({
      deleted: true,
      counts: { sessions: 1, messages: 3, cache: 1, memberships: 1 },
    });
    expect(await c("group.delete", { groupId: "feature-auth" })).toMatchObject({ deleted: true });
    // The streamed operations (system.export, system.import): bundle-handlers.test.ts.
    expect([...seen].sort()).toEqual([...JSON_OPERATION_NAMES].sort());
  });

  it("report the size of each store in doctor, and null sizes when the store cannot be listed", async () => {
    const inner = createInMemoryBackend();
    const { handlers } = await workspace(inner);
    const sizes = async () =>
      ((await handlers["system.doctor"]({}, { namespace: "default" })) as { sizes: unknown }).sizes;
    expect(await sizes()).toEqual({
      sessions: 0,
      messages: 0,
      cache: 0,
      memories: 0,
      memoryChanges: 0,
      groups: 0,
    });
    await call(handlers, "session.create", { id: S });
    await call(handlers, "session.create", { id: S2 });
    await call(handlers, "message.append", { sessionId: S, messages: [{ content: "a" }, { content: "b" }] });
    await call(handlers, "message.append", { sessionId: S2, content: "c" });
    await call(handlers, "cache.set", { sessionId: S2, key: "k", value: 1 });
    await call(handlers, "cache.set", { sessionId: S2, key: "gone", value: 1, ttlMs: 1000 });
    const m = (await call(handlers, "memory.create", { content: "Rotate keys" })) as { id: string };
    await call(handlers, "memory.update", { id: m.id, importance: 0.9 });
    await call(handlers, "memory.create", { content: "Pool size 20" });
    await call(handlers, "group.create", { name: "feature-auth" });
    await new Promise((r) => setTimeout(r, 1100));
    expect(await sizes()).toEqual({
      sessions: 2,
      messages: 3,
      cache: 1,
      memories: 2,
      memoryChanges: 3,
      groups: 1,
    });
    // A compacted log keeps its last seq but holds fewer entries: doctor counts what it holds.
    await inner.trimLog!(memoryChangesScope("default"), 3);
    expect(await sizes()).toMatchObject({ memoryChanges: 1 });

    const broken = Object.assign(Object.create(inner) as typeof inner, {
      list: async () => {
        throw new Error("unreadable");
      },
    });
    const doctor = await (await workspace(broken)).handlers["system.doctor"]({}, { namespace: "default" });
    expect(doctor).toMatchObject({ sizes: null, backend: { connectivity: { ok: true } } });
  });

  it("report the backend's damaged data in doctor (ok: false) and hand repair its namespace", async () => {
    const inner = createInMemoryBackend();
    const asked: unknown[] = [];
    const problem = {
      kind: "corrupt-line",
      place: "ns/a/rec/sessions.jsonl",
      line: 3,
      message: "bad",
      repairable: true,
    };
    const backend = Object.assign(Object.create(inner) as typeof inner, {
      inspect: async (o: unknown) => {
        asked.push(o);
        return { checked: 4, problems: [problem] };
      },
      repair: async (o: { dryRun?: boolean }) => {
        asked.push(o);
        return {
          dryRun: o.dryRun ?? false,
          moved: [{ place: problem.place, lines: [3], to: `${problem.place}.corrupt` }],
          remaining: [],
        };
      },
    });
    const { handlers } = await workspace(backend);
    const doctor = (await handlers["system.doctor"]({}, { namespace: "a" })) as {
      ok: boolean;
      store: unknown;
    };
    expect(doctor).toMatchObject({ ok: false, store: { inspected: true, checked: 4, problems: [problem] } });
    expect(await handlers["system.repair"]({ dryRun: true }, { namespace: "a" })).toEqual({
      dryRun: true,
      moved: [{ place: problem.place, lines: [3], to: `${problem.place}.corrupt` }],
      remaining: [],
    });
    expect(asked).toEqual([{ namespace: "a" }, { namespace: "a", dryRun: true }]);
  });

  it("raise the contract's codes for missing, inactive and invalid things", async () => {
    const { handlers } = await workspace(createInMemoryBackend());
    expect(await codeOf(call(handlers, "session.get", { id: S }))).toBe("SESSION_NOT_FOUND");
    expect(await codeOf(call(handlers, "message.append", { sessionId: S, content: "x" }))).toBe(
      "SESSION_NOT_FOUND",
    );
    expect(await codeOf(call(handlers, "session.create", { id: "Bad Name" }))).toBe("NAME_INVALID");
    await call(handlers, "session.create", { id: S });
    expect(await codeOf(call(handlers, "session.create", { id: S }))).toBe("ALREADY_EXISTS");
    await call(handlers, "session.complete", { id: S });
    expect(await codeOf(call(handlers, "message.append", { sessionId: S, content: "x" }))).toBe(
      "SESSION_NOT_ACTIVE",
    );
    expect(await codeOf(call(handlers, "group.get", { groupId: "nope" }))).toBe("GROUP_NOT_FOUND");
    await call(handlers, "group.create", { name: "g" });
    await call(handlers, "group.setStatus", { groupId: "g", status: "archived" });
    expect(await codeOf(call(handlers, "group.addSession", { groupId: "g", sessionId: S }))).toBe(
      "GROUP_NOT_ACTIVE",
    );
    expect(await codeOf(call(handlers, "group.setStatus", { groupId: "g", status: "active" }))).toBe(
      "INVALID_TRANSITION",
    );
    expect(await codeOf(call(handlers, "memory.get", { id: "mem_01JD2XKQ3V4W5X6Y7Z8A9B0C1D" }))).toBe(
      "MEMORY_NOT_FOUND",
    );
    expect(await codeOf(call(handlers, "context.load", { sessionId: S, stage: "dream" }))).toBe(
      "VALIDATION_FAILED",
    );
  });
});
