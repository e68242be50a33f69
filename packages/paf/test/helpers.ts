import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/** The monorepo root: the nearest folder above this file with a pnpm-workspace.yaml. */
export function repoRoot(): string {
  let dir = import.meta.dirname;
  while (!existsSync(join(dir, "pnpm-workspace.yaml"))) {
    const up = dirname(dir);
    if (up === dir) throw new Error("pnpm-workspace.yaml not found above the test");
    dir = up;
  }
  return dir;
}

/** `<repo>/../shared/fixtures`, where the shared fixtures live beside the repository. */
export const FIXTURES = join(repoRoot(), "..", "shared", "fixtures");

/** True under CI=true, where a missing fixture fails instead of skipping. */
export const IN_CI = process.env.CI === "true";

/** A temporary project with the given files (path → content); removed by `cleanup`. */
export async function makeProject(files: Record<string, string | Uint8Array>) {
  const root = await mkdtemp(join(tmpdir(), "tta-paf-"));
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
  return { root, cleanup: () => rm(root, { recursive: true, force: true }) };
}

/** `n` lines of source text. */
export const lines = (n: number) => "x\n".repeat(n);
