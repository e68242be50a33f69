import { basename } from "node:path";
import { describe, expect, it } from "vitest";
import { useTempDirs } from "../test/temp-dirs.js";
import { createFileBackend } from "./file-backend.js";
import { createLayout, segmentName } from "./paths.js";

const tempDir = useTempDirs();

describe("layout", () => {
  it("builds every name from escaped segments, never from raw input", () => {
    const layout = createLayout("/r");
    expect(layout.logFile({ namespace: "../x", collection: "messages", partition: "a/../../b" })).toBe(
      "/r/ns/%2E%2E%2Fx/log/messages/a%2F%2E%2E%2F%2E%2E%2Fb.jsonl",
    );
    expect(layout.recordsFile({ namespace: "default", collection: "sessions" })).toBe(
      "/r/ns/default/rec/sessions.jsonl",
    );
    expect(layout.groupsFile("default")).toBe("/r/session_groups.json");
    expect(layout.groupsFile("team")).toBe("/r/ns/team/session_groups.json");
  });

  it("shortens very long names with a hash so they fit the file system", async () => {
    const long = "a.".repeat(64);
    expect(segmentName(long).length).toBeLessThan(160);
    expect(segmentName(long)).toContain("~");
    expect(segmentName(`${long}x`)).not.toBe(segmentName(long));
    const root = tempDir("tta-paths-");
    const backend = createFileBackend({ root });
    const scope = { namespace: "é".repeat(200), collection: "messages", partition: long };
    await backend.append(scope, [{ value: 1 }]);
    expect(await backend.readLog(scope)).toEqual([{ seq: 1, value: 1 }]);
    expect(basename(createLayout(root).logFile(scope)).length).toBeLessThan(200);
    await backend.close();
  });
});
