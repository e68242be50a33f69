import { ERROR_CODES, type Message } from "@tta-dev/core";
import { describe, expect, expectTypeOf, it } from "vitest";
import {
  type ExactInput,
  type Handlers,
  type InputOf,
  isOperationName,
  isStreamed,
  JSON_OPERATION_NAMES,
  type MessageBatch,
  OPERATION_LIST,
  OPERATION_NAMES,
  type OperationName,
  type OutputOf,
  operations,
  type RawInputOf,
  type ResultOf,
} from "./index.js";

const SPEC_OPERATIONS =
  `session.create session.get session.list session.complete session.archive session.setStage session.delete
message.append message.list cache.set cache.get cache.list cache.delete memory.create memory.get memory.update
memory.delete memory.search forget group.create group.get group.list group.addSession group.removeSession group.sessions
group.updateMetadata group.setStatus group.delete group.summary context.load paf.list paf.validate paf.diff
policy.show system.doctor system.repair system.export system.import`.split(/\s+/);

describe("operation registry", () => {
  it("declares exactly the operations of docs/contract.md#operations, once each", () => {
    expect([...OPERATION_NAMES].sort()).toEqual([...SPEC_OPERATIONS].sort());
    expect(new Set(OPERATION_NAMES).size).toBe(OPERATION_NAMES.length);
    for (const name of OPERATION_NAMES) expect(operations[name].name).toBe(name);
  });

  it("streams exactly the bundle operations; the JSON operations are all the others", () => {
    const streamed = OPERATION_LIST.filter(isStreamed).map((op) => op.name);
    expect(streamed).toEqual(["system.export", "system.import"]);
    expect([...JSON_OPERATION_NAMES, ...streamed].sort()).toEqual([...OPERATION_NAMES].sort());
    for (const op of OPERATION_LIST.filter(isStreamed)) expect(op.cli).toEqual([]);
  });

  it("gives every operation a summary and only known error codes", () => {
    for (const op of OPERATION_LIST) {
      expect(op.summary.length).toBeGreaterThan(5);
      for (const code of op.errors) expect(ERROR_CODES).toContain(code);
      expect(op.errors).toContain("VALIDATION_FAILED");
    }
  });

  it("binds every operation to a unique HTTP method and path", () => {
    const routes = OPERATION_LIST.map((op) => `${op.http.method} ${op.http.path}`);
    expect(new Set(routes).size).toBe(routes.length);
    for (const op of OPERATION_LIST) expect(op.http.path.startsWith("/v1/")).toBe(true);
  });

  it("binds every operation to unique CLI words, with an example that uses them", () => {
    const all = OPERATION_LIST.flatMap((op) => op.cli.map((b) => b.words.join(" ")));
    expect(new Set(all).size).toBe(all.length);
    for (const op of OPERATION_LIST) {
      for (const b of op.cli) {
        expect(b.example.startsWith(`tta ${b.words.join(" ")}`)).toBe(true);
        for (const flag of Object.keys(b.flags)) expect(flag).toMatch(/^[a-z][a-z-]*$/);
      }
    }
  });

  it("maps every path parameter, positional, flag and stdin field to an input field", () => {
    for (const op of OPERATION_LIST) {
      const shape = (op.input as unknown as { shape: Record<string, unknown> }).shape;
      const fields = Object.keys(shape);
      for (const m of op.http.path.matchAll(/\{(\w+)\}/g)) expect(fields).toContain(m[1]);
      for (const b of op.cli) {
        for (const p of b.positionals) expect(fields).toContain(p.field);
        for (const f of Object.values(b.flags)) expect(fields).toContain(f.field);
        if (b.stdin) expect(b.positionals.map((p) => p.field)).toContain(b.stdin);
        for (const k of Object.keys(b.fixed ?? {})) expect(fields).toContain(k);
      }
      for (const field of Object.keys(op.ids)) expect(fields).toContain(field);
      for (const rule of op.limits) expect(fields).toContain(rule.path.split(".")[0]);
    }
  });

  it("keeps positionals in a valid order: required ones first, a variadic one last", () => {
    for (const op of OPERATION_LIST) {
      for (const b of op.cli) {
        let optionalSeen = false;
        b.positionals.forEach((p, i) => {
          const optional = p.required === false || p.field === b.stdin;
          if (!optional) expect(optionalSeen).toBe(false);
          optionalSeen ||= optional;
          if (p.variadic) expect(i).toBe(b.positionals.length - 1);
        });
      }
    }
  });

  it("recognises operation names", () => {
    expect(isOperationName("session.create")).toBe(true);
    expect(isOperationName("toString")).toBe(false);
    expect(isOperationName("session.nope")).toBe(false);
  });

  it("types handlers by operation", () => {
    expectTypeOf<InputOf<"session.create">>().toHaveProperty("id");
    expectTypeOf<OutputOf<"group.addSession">>().toHaveProperty("added");
    expectTypeOf<Handlers["cache.get"]>().returns.resolves.toEqualTypeOf<OutputOf<"cache.get">>();
  });

  it("gives a typed caller one result type per call: a single append its Message, a batch its items", () => {
    const call = <N extends OperationName, I extends RawInputOf<N>>(
      _name: N,
      _input: ExactInput<N, I>,
    ): Promise<ResultOf<N, I>> => new Promise<never>(() => {}); // types only: never settles
    const sessionId = "auth-design-2025-10-01";
    expectTypeOf(call("message.append", { sessionId, content: "hi" })).resolves.toEqualTypeOf<Message>();
    expectTypeOf(
      call("message.append", { sessionId, messages: [{ content: "a" }] }),
    ).resolves.toEqualTypeOf<MessageBatch>();
    expectTypeOf(call("session.get", { id: sessionId })).resolves.toEqualTypeOf<OutputOf<"session.get">>();
    // @ts-expect-error a field the operation does not declare
    void call("session.create", { id: sessionId, titel: "Auth" });
    expectTypeOf<ResultOf<"message.append">>().toEqualTypeOf<Message | MessageBatch>();
  });
});
