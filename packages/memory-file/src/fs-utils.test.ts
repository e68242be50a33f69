import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { useTempDirs } from "../test/temp-dirs.js";
import { writeFileAtomic } from "./fs-utils.js";

const tempDir = useTempDirs();

describe("writeFileAtomic", () => {
  it("replaces the file and removes temp files left by killed writers, not by live ones", () => {
    const dir = tempDir("tta-atomic-");
    const path = join(dir, "session_groups.json");
    const dead = Number(execFileSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]));
    const leftover = `${path}.tmp-${dead}-0123456789ab`;
    const inProgress = `${path}.tmp-${process.ppid}-0123456789ab`;
    writeFileSync(leftover, "half");
    writeFileSync(inProgress, "busy");
    writeFileAtomic(path, "{}\n", true);
    expect(readFileSync(path, "utf8")).toBe("{}\n");
    expect(existsSync(leftover)).toBe(false);
    expect(existsSync(inProgress)).toBe(true);
  });
});
