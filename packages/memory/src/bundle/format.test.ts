import { hasErrorCode } from "@tta-dev/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  BUNDLE_VERSION,
  type BundleEntity,
  createBundleReader,
  createBundleWriter,
  MAX_BUNDLE_LINE_BYTES,
} from "./format.js";

const at = "2026-12-01T10:00:00.000Z";
const session: BundleEntity = {
  type: "session",
  session: {
    id: "cache-feature-2026-12-01",
    title: "Cache",
    tags: ["redis"],
    status: "active",
    createdAt: at,
    updatedAt: at,
    metadata: {},
    version: 3,
    component: "cache",
    purpose: "feature",
    date: "2026-12-01",
  },
};
const message = (seq: number, content: string): BundleEntity => ({
  type: "message",
  message: {
    sessionId: "cache-feature-2026-12-01",
    seq,
    role: "user",
    content,
    metadata: {},
    createdAt: at,
    idempotencyKey: `k${seq}`,
  },
});
const memory: BundleEntity = {
  type: "memory",
  memory: {
    id: "mem_01JZ8Q6Y4C2V7K3M9N0P5R8S1T",
    content: "Use one Redis hash per user",
    kind: "lesson",
    tags: ["redis"],
    importance: 0.9,
    groupIds: [],
    pinned: false,
    createdAt: at,
    updatedAt: at,
    version: 2,
  },
};

function write(entities: BundleEntity[]): string[] {
  const w = createBundleWriter();
  const lines = [w.header({ tool: "tta 0.1.0", namespace: "default", createdAt: at })];
  for (const e of entities) lines.push(w.entity(e));
  lines.push(w.trailer());
  return lines;
}

function read(lines: string[]) {
  const r = createBundleReader();
  const out = lines.map((l) => r.line(l.replace(/\n$/, "")));
  return { out, trailer: r.end() };
}

function refusal(lines: string[]): { code: string; line: unknown; message: string } {
  try {
    read(lines);
  } catch (error) {
    const e = error as { code: string; details: { line?: unknown }; message: string };
    return { code: e.code, line: e.details.line, message: e.message };
  }
  throw new Error("the bundle was accepted");
}

describe("bundle format", () => {
  it("reads back what it wrote, with per-kind counts and a checksum, for any message text", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: "grapheme", maxLength: 200 }), { maxLength: 20 }), (texts) => {
        const entities = [session, ...texts.map((t, i) => message(i + 1, t || "·")), memory];
        const lines = write(entities);
        const { out, trailer } = read(lines);
        expect(out.slice(1, -1)).toEqual(entities);
        expect(trailer.counts).toEqual({
          session: 1,
          message: texts.length,
          cache: 0,
          memory: 1,
          group: 0,
          paf: 0,
        });
        expect(trailer.sha256).toMatch(/^[0-9a-f]{64}$/);
      }),
    );
  });

  it("refuses another format version, a non-bundle, a truncated or changed bundle, naming the line", () => {
    const lines = write([session, message(1, "a"), message(2, "b")]);
    const header = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(
      refusal([`${JSON.stringify({ ...header, version: BUNDLE_VERSION + 1 })}\n`, ...lines.slice(1)]),
    ).toMatchObject({
      code: "VALIDATION_FAILED",
      line: 1,
      message: expect.stringContaining(`this tta reads version ${BUNDLE_VERSION}`),
    });
    expect(refusal([`${JSON.stringify({ ...header, format: "other" })}\n`])).toMatchObject({ line: 1 });
    expect(refusal(lines.slice(0, -1))).toMatchObject({
      line: 5,
      message: expect.stringContaining("truncated"),
    });
    expect(refusal([])).toMatchObject({ line: 1, message: expect.stringContaining("no header") });
    const changed = [...lines];
    changed[2] = changed[2]!.replace('"a"', '"A"');
    expect(refusal(changed)).toMatchObject({
      line: 5,
      message: expect.stringContaining("checksum mismatch"),
    });
    const dropped = [lines[0]!, lines[1]!, lines[3]!, lines[4]!];
    expect(refusal(dropped)).toMatchObject({ line: 4, message: expect.stringContaining("counts 2 message") });
    expect(refusal([...lines, lines[1]!])).toMatchObject({
      line: 6,
      message: expect.stringContaining("after the trailer"),
    });
  });

  it("refuses hostile and malformed lines with the line number, and oversized lines as LIMIT_EXCEEDED", () => {
    const [head, first, , trailer] = write([session, memory]);
    const cases: [string, RegExp][] = [
      ["{not json", /not JSON/],
      ["[1,2]", /not a JSON object/],
      ['{"type":"session","__proto__":{"polluted":true}}', /__proto__/],
      ['{"type":"wormhole"}', /unknown line type/],
      ['{"type":"header","format":"tta-bundle","version":1}', /a second header/],
      [
        JSON.stringify({
          type: "memory",
          memory: { ...(memory as { memory: object }).memory, importance: 2 },
        }),
        /memory: memory\.importance/,
      ],
      [JSON.stringify(message(1, "x")), /a message line after the memory lines/],
    ];
    for (const [bad, pattern] of cases) {
      const r = refusal([head!, first!, JSON.stringify(memory), bad, trailer!]);
      expect(r.code, bad.slice(0, 30)).toBe("VALIDATION_FAILED");
      expect(r.line, bad.slice(0, 30)).toBe(4);
      expect(r.message, bad.slice(0, 30)).toMatch(pattern);
    }
    const reader = createBundleReader();
    reader.line(head!.trimEnd());
    let error: unknown;
    try {
      reader.line("x".repeat(MAX_BUNDLE_LINE_BYTES + 1));
    } catch (e) {
      error = e;
    }
    expect(hasErrorCode(error, "LIMIT_EXCEEDED")).toBe(true);
    expect((error as { details: { line: number } }).details.line).toBe(2);
  });

  it("the writer keeps the kinds in order and writes one header and one trailer", () => {
    const w = createBundleWriter();
    expect(() => w.entity(session)).toThrow(/outside/);
    w.header({ tool: "t", namespace: "default", createdAt: at });
    w.entity(memory);
    expect(() => w.entity(session)).toThrow(/session after memory/);
    w.trailer();
    expect(() => w.trailer()).toThrow();
  });
});
