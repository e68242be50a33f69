import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  createManualClock,
  groupsScope,
  type MemoryBackend,
  type SessionGroup,
  type StoredRecord,
  sessionsScope,
} from "@tta-dev/core";
import { describe, expect, it } from "vitest";
import { createFileBackend, importLegacyGroups } from "../src/index.js";
import { useTempDirs } from "./temp-dirs.js";

const tempDir = useTempDirs();
const fixture = fileURLToPath(new URL("./fixtures/session_groups.v1.json", import.meta.url));
const clock = () => createManualClock("2026-11-25T12:00:00.000Z");

async function records(backend: MemoryBackend, scope: ReturnType<typeof groupsScope>) {
  const out: { key: string; value: unknown }[] = [];
  for (const r of (await backend.list(scope, { limit: 1000 })).items as StoredRecord<
    Record<string, unknown>
  >[]) {
    const { version: _, ...value } = r.value;
    out.push({ key: r.key, value });
  }
  return out;
}

/** A file store holding nothing, and the same namespace as the store the fixture upgrades in place. */
function emptyStore() {
  return createFileBackend({ root: tempDir("tta-legacy-import-"), clock: clock() });
}

describe("importLegacyGroups", () => {
  it("imports a 1.0 session_groups.json into another store as the file backend upgrades it in place", async () => {
    // The reference: the file backend reading the same file in place and upgrading it on a write.
    const inPlaceRoot = tempDir("tta-legacy-ref-");
    copyFileSync(fixture, join(inPlaceRoot, "session_groups.json"));
    const inPlace = createFileBackend({ root: inPlaceRoot, clock: clock() });
    const auth = await inPlace.get(groupsScope("default"), "feature-auth");
    await inPlace.put(groupsScope("default"), "feature-auth", auth!.value, { ifVersion: 1 });

    const target = emptyStore();
    const dry = await importLegacyGroups(target, fixture, { namespace: "work", dryRun: true });
    expect(await records(target, groupsScope("work"))).toEqual([]);
    expect(await records(target, sessionsScope("work"))).toEqual([]);
    const receipt = await importLegacyGroups(target, fixture, { namespace: "work" });
    expect(receipt).toEqual({ ...dry, dryRun: false });
    expect(receipt).toMatchObject({
      namespace: "work",
      version: "1.0",
      imported: {
        groups: ["Legacy_Group.1", "bugfix-cache-2025", "feature-auth"],
        sessions: [
          "auth-design-2025-10-01",
          "auth-impl-2025-10-02",
          "cache-debug-2025-09-30",
          "ok-session-2024-02-29",
          "scratch_notes",
        ],
      },
      skipped: { groups: [], sessions: [] },
      unsafe: ["../escape"],
    });
    expect(await records(target, groupsScope("work"))).toEqual(
      await records(inPlace, groupsScope("default")),
    );
    expect(await records(target, sessionsScope("work"))).toEqual(
      await records(inPlace, sessionsScope("default")),
    );
    const group = (await target.get(groupsScope("work"), "bugfix-cache-2025"))!.value as SessionGroup;
    expect(group).toMatchObject({ status: "closed", summary: "Root cause: stale TTL on the session cache." });

    // A second run (as after a crash part-way) keeps what is there and adds nothing.
    const again = await importLegacyGroups(target, fixture, { namespace: "work" });
    expect(again.imported).toEqual({ groups: [], sessions: [] });
    expect(again.skipped).toEqual(receipt.imported);
    await Promise.all([inPlace.close(), target.close()]);
  });

  it("adds only what is missing after a run cut short, and keeps a group the target changed", async () => {
    const target = emptyStore();
    await target.put(sessionsScope("work"), "scratch_notes", { id: "scratch_notes", tags: ["mine"] });
    const mine = { id: "feature-auth", description: "mine", tags: [], sessionIds: [], status: "active" };
    await target.put(groupsScope("work"), "feature-auth", mine);
    const r = await importLegacyGroups(target, fixture, { namespace: "work" });
    expect(r.skipped).toEqual({ groups: ["feature-auth"], sessions: ["scratch_notes"] });
    expect(r.imported.groups).toEqual(["Legacy_Group.1", "bugfix-cache-2025"]);
    expect((await target.get(groupsScope("work"), "feature-auth"))!.value).toEqual(mine);
    expect((await target.get(sessionsScope("work"), "scratch_notes"))!.value).toEqual({
      id: "scratch_notes",
      tags: ["mine"],
    });
    await target.close();
  });

  it("refuses a broken, hostile, unknown or oversized file with VALIDATION_FAILED naming the place, and writes nothing", async () => {
    const dir = tempDir("tta-legacy-bad-");
    const v1 = JSON.parse(readFileSync(fixture, "utf8")) as { groups: Record<string, unknown>[] };
    const cases: [string, string, RegExp][] = [
      ["truncated", readFileSync(fixture, "utf8").slice(0, 200), /line \d+/],
      ["not-json", "{ groups: nope }", /line 1/],
      ["other-version", JSON.stringify({ ...v1, version: "3.0" }), /unknown version "3.0"/],
      [
        "bad-entry",
        JSON.stringify({ ...v1, groups: [v1.groups[0], { ...v1.groups[1], status: 42 }] }, null, 2),
        /line \d+, column \d+: groups\.1\.status/,
      ],
      [
        "proto",
        JSON.stringify(v1).replace('"groups":[', '"groups":[{"__proto__":{"polluted":true}},'),
        /groups\.0/,
      ],
      [
        "unsafe-group-id",
        JSON.stringify({ ...v1, groups: [{ ...v1.groups[0], group_id: "../../etc" }] }),
        /groups\.0\.group_id|"\.\.\/\.\.\/etc"/,
      ],
      ["missing", "", /Cannot read/],
    ];
    for (const [name, text, message] of cases) {
      const file = join(dir, `${name}.json`);
      if (name !== "missing") writeFileSync(file, text);
      const target = emptyStore();
      const error = await importLegacyGroups(target, file, { namespace: "work" }).then(
        () => null,
        (e: unknown) => e as { code: string; message: string },
      );
      expect(error, name).toMatchObject({ code: "VALIDATION_FAILED" });
      expect(error!.message, name).toMatch(message);
      expect(await records(target, groupsScope("work")), name).toEqual([]);
      expect(await records(target, sessionsScope("work")), name).toEqual([]);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      await target.close();
    }
    const big = join(dir, "big.json");
    writeFileSync(big, " ".repeat(64 * 2 ** 20 + 1));
    await expect(importLegacyGroups(emptyStore(), big, { namespace: "work" })).rejects.toMatchObject({
      code: "VALIDATION_FAILED",
      message: expect.stringMatching(/at most 67108864 bytes/),
    });
    await expect(importLegacyGroups(emptyStore(), fixture, { namespace: "../x" })).rejects.toMatchObject({
      code: "NAME_INVALID",
    });
  });
});
