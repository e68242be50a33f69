import { describe, expect, it } from "vitest";
import { spawnTta } from "./child.js";
import { tempWorkspace } from "./harness.js";

/*
 * Several real `tta` processes append to one session of the file backend at the same time. The
 * built binary runs when it exists (the sources through tsx otherwise, which is slower).
 */

const S = "auth-design-2025-10-01";
const WRITERS = 2;
const EACH = 50;

async function appendLoop(cwd: string, writer: number): Promise<void> {
  for (let i = 0; i < EACH; i++) {
    const r = await spawnTta(["message", "add", S, `writer ${writer} message ${i}`, "-q"], {
      cwd,
      useDist: true,
    }).done;
    expect(r.code, r.stderr).toBe(0);
  }
}

describe("two tta processes appending to one session at once (file backend)", () => {
  it(`loses nothing: ${WRITERS} × ${EACH} appends give seqs 1..${WRITERS * EACH} once each`, async () => {
    const cwd = tempWorkspace();
    const created = await spawnTta(["session", "create", S, "-q"], { cwd, useDist: true }).done;
    expect(created.code, created.stderr).toBe(0);

    await Promise.all(Array.from({ length: WRITERS }, (_, w) => appendLoop(cwd, w)));

    const listed = await spawnTta(["message", "list", S, "--limit", "1000", "--json"], {
      cwd,
      useDist: true,
    }).done;
    expect(listed.code, listed.stderr).toBe(0);
    const { items } = JSON.parse(listed.stdout) as { items: { seq: number; content: string }[] };
    const total = WRITERS * EACH;
    expect(items.map((m) => m.seq)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    const expected = Array.from({ length: WRITERS }, (_, w) =>
      Array.from({ length: EACH }, (_, i) => `writer ${w} message ${i}`),
    ).flat();
    expect(items.map((m) => m.content).sort()).toEqual(expected.sort());
    // Each writer's own messages keep their order.
    for (let w = 0; w < WRITERS; w++) {
      const mine = items.map((m) => m.content).filter((c) => c.startsWith(`writer ${w} `));
      expect(mine).toEqual(Array.from({ length: EACH }, (_, i) => `writer ${w} message ${i}`));
    }
  }, 170_000);
});
