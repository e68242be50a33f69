#!/usr/bin/env node
// Each package's `prepack`: build it from clean, so that a tarball never ships without `dist/` nor
// with outputs of sources deleted since the last build (`tsc -b` leaves those in place).
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { createRequire } from "node:module";

const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
rmSync("dist", { recursive: true, force: true });
const build = spawnSync(process.execPath, [tsc, "-b"], { stdio: "inherit" });
if (build.status !== 0) {
  console.error(`prepack: the build of ${process.cwd()} failed; nothing is packed.`);
  process.exit(build.status ?? 1);
}
