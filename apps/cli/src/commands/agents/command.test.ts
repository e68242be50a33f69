import { chmodSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { cliBinPath, type LauncherContext, launcher, ttaOnPath } from "./command.js";

function fakeInstall() {
  const dir = mkdtempSync(join(tmpdir(), "tta-path-"));
  const bin = join(dir, "pkg", "dist", "bin.js");
  mkdirSync(join(dir, "pkg", "dist"), { recursive: true });
  writeFileSync(bin, "#!/usr/bin/env node\n");
  chmodSync(bin, 0o755);
  for (const d of ["linked", "shim", "other", "plain"]) mkdirSync(join(dir, d));
  symlinkSync(bin, join(dir, "linked", "tta"));
  // pnpm's global shim: a shell script that execs node on the package's bin.js.
  writeFileSync(
    join(dir, "shim", "tta"),
    '#!/bin/sh\nbasedir=$(dirname "$0")\nexec node "$basedir/../pkg/dist/bin.js" "$@"\n',
  );
  writeFileSync(join(dir, "other", "tta"), "#!/bin/sh\nexec /opt/elsewhere/bin.js\n");
  writeFileSync(join(dir, "plain", "tta"), "not executable");
  for (const d of ["shim", "other"]) chmodSync(join(dir, d, "tta"), 0o755);
  return { dir, bin, path: (...dirs: string[]) => dirs.map((d) => join(dir, d)).join(":") };
}

describe("the command of the entry", () => {
  it("finds this package's bin.js from the sources", () => {
    expect(cliBinPath()).toBe(fileURLToPath(new URL("../../../dist/bin.js", import.meta.url)));
  });

  it.skipIf(process.platform === "win32")(
    "knows the first tta on PATH when it is this CLI, linked or shimmed",
    () => {
      const f = fakeInstall();
      expect(ttaOnPath(f.bin, { PATH: f.path("linked") })).toBe(true);
      expect(ttaOnPath(f.bin, { PATH: f.path("shim") })).toBe(true);
      expect(ttaOnPath(f.bin, { PATH: `relative:${f.path("plain", "linked")}` })).toBe(true);
      expect(ttaOnPath(f.bin, { PATH: f.path("other", "linked") })).toBe(false);
      expect(ttaOnPath(f.bin, { PATH: "" })).toBe(false);
      expect(ttaOnPath(f.bin, {})).toBe(false);
      expect(ttaOnPath(join(f.dir, "absent.js"), { PATH: f.path("linked") })).toBe(false);
    },
  );

  it("runs tta where the client sees the shell's PATH and it is this CLI, else node and bin.js", () => {
    const ctx = (platform: NodeJS.Platform, onPath: boolean): LauncherContext => ({
      binPath: "/p/dist/bin.js",
      execPath: "/n/node",
      platform,
      env: {},
      ttaOnPath: () => onPath,
    });
    const args = ["mcp", "--workspace", "/w"];
    expect(launcher(ctx("linux", true), true, args)).toEqual({ command: "tta", args });
    const direct = { command: "/n/node", args: ["/p/dist/bin.js", ...args] };
    expect(launcher(ctx("linux", false), true, args)).toEqual(direct);
    expect(launcher(ctx("darwin", true), false, args)).toEqual(direct);
    expect(launcher(ctx("win32", true), true, args)).toEqual(direct);
  });
});
