import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describeRun, outsideEnv, type RunResult, run } from "./run.js";
import { type PublicPackage, workspaceVersionOf } from "./workspace.js";

/** Package name → path of its packed tarball. */
export type Tarballs = Map<string, string>;

/** The tarball file name `pnpm pack` writes for a package. */
export function tarballName(name: string, version: string): string {
  return `${name.replace(/^@/, "").replace("/", "-")}-${version}.tgz`;
}

/**
 * `pnpm pack` every package into `dest`, as a release would: each package's `prepack` builds it
 * first, and `publishConfig` replaces the fields it names.
 */
export async function packAll(packages: readonly PublicPackage[], dest: string): Promise<Tarballs> {
  mkdirSync(dest, { recursive: true });
  const tarballs: Tarballs = new Map();
  for (const p of packages) {
    const r = await run("pnpm", ["pack", "--pack-destination", dest], {
      cwd: p.dir,
      env: { ...process.env },
    });
    const file = join(dest, tarballName(p.manifest.name, p.manifest.version));
    if (r.code !== 0 || !existsSync(file)) throw new Error(describeRun(`pnpm pack of ${p.manifest.name}`, r));
    tarballs.set(p.manifest.name, file);
  }
  return tarballs;
}

export interface ProjectSpec {
  /** Packages to install as dependencies (names, or `name@range`). */
  dependencies: string[];
  devDependencies?: string[];
}

/** A fresh npm project outside the monorepo. */
export interface Project {
  dir: string;
  /** The result of `npm install`. */
  install: RunResult;
}

/**
 * What a spec installs from: a tta package from its tarball, a third-party one at the version the
 * monorepo uses (else the registry's latest).
 */
function rangeOf(spec: string, tarballs: Tarballs): [string, string] {
  const at = spec.indexOf("@", 1);
  const name = at === -1 ? spec : spec.slice(0, at);
  const tarball = tarballs.get(name);
  if (tarball) return [name, `file:${tarball}`];
  if (name.startsWith("@tta-dev/")) throw new Error(`${name} is not a package of this repository`);
  return [name, at === -1 ? (workspaceVersionOf(name) ?? "latest") : spec.slice(at + 1)];
}

/**
 * Create `dir` with a package.json naming the spec's packages, every tta package mapped to its
 * tarball through `overrides` (so a tarball's own tta dependencies come from tarballs too, and
 * everything else from the registry), and run `npm install`.
 */
export async function createProject(dir: string, spec: ProjectSpec, tarballs: Tarballs): Promise<Project> {
  mkdirSync(dir, { recursive: true });
  const deps = Object.fromEntries(spec.dependencies.map((s) => rangeOf(s, tarballs)));
  const devDeps = Object.fromEntries((spec.devDependencies ?? []).map((s) => rangeOf(s, tarballs)));
  const overrides = Object.fromEntries([...tarballs].map(([name, file]) => [name, `file:${file}`]));
  // npm refuses an override that differs from a direct dependency's own spec.
  for (const name of [...Object.keys(deps), ...Object.keys(devDeps)]) {
    if (!tarballs.has(name)) continue;
    overrides[name] = `$${name}`;
  }
  const manifest = {
    name: "fresh-project",
    private: true,
    type: "module",
    dependencies: deps,
    devDependencies: devDeps,
    overrides,
  };
  writeFileSync(join(dir, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  const install = await run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error"], {
    cwd: dir,
    env: outsideEnv(),
    timeoutMs: 300_000,
  });
  return { dir, install };
}

/** The strict TypeScript setup a user of these packages would have: ESM, `nodenext`. */
export function writeTsconfig(dir: string, include: string[]): void {
  const tsconfig = {
    compilerOptions: {
      strict: true,
      module: "nodenext",
      moduleResolution: "nodenext",
      target: "es2022",
      lib: ["es2023"],
      types: ["node"],
      outDir: "out",
      rootDir: ".",
      noEmitOnError: true,
      // Third-party declarations (pg's, vitest's) are not ours to check; ours are checked in
      // the every-entry-point test with skipLibCheck off.
      skipLibCheck: true,
    },
    include,
  };
  writeFileSync(join(dir, "tsconfig.json"), `${JSON.stringify(tsconfig, null, 2)}\n`);
}

/** Run the project's own TypeScript compiler on its tsconfig.json. */
export function compile(dir: string, args: string[] = []): Promise<RunResult> {
  return run(process.execPath, [join(dir, "node_modules/typescript/bin/tsc"), "-p", ".", ...args], {
    cwd: dir,
    env: outsideEnv(),
  });
}
