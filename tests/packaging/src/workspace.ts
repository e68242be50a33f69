import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** The monorepo's root folder. */
export const ROOT = new URL("../../../", import.meta.url).pathname;

/** What the packaging tests read of a package.json. */
export interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  license?: string;
  bin?: Record<string, string>;
  exports?: Record<string, Record<string, string>>;
  files?: string[];
  scripts?: Record<string, string>;
  publishConfig?: { access?: string; exports?: Record<string, Record<string, string>> };
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

/** One package a user can install: its folder, manifest and README. */
export interface PublicPackage {
  dir: string;
  manifest: Manifest;
  readme: string;
  /** The folder's name (`memory-file`), used for temporary project folders. */
  short: string;
}

/** Every workspace package under packages/ and apps/ that is not private, in name order. */
export function publicPackages(): PublicPackage[] {
  const found: PublicPackage[] = [];
  for (const group of ["packages", "apps"]) {
    for (const short of readdirSync(join(ROOT, group))) {
      const dir = join(ROOT, group, short);
      const file = join(dir, "package.json");
      if (!existsSync(file)) continue;
      const manifest = JSON.parse(readFileSync(file, "utf8")) as Manifest;
      if (manifest.private) continue;
      const readmeFile = join(dir, "README.md");
      const readme = existsSync(readmeFile) ? readFileSync(readmeFile, "utf8") : "";
      found.push({ dir, manifest, readme, short });
    }
  }
  return found.sort((a, b) => a.manifest.name.localeCompare(b.manifest.name));
}

/**
 * The version the monorepo itself uses of a third-party package (the first package.json, root
 * included, that pins it), so the fresh projects install what the tests here run against.
 */
export function workspaceVersionOf(name: string): string | undefined {
  const manifests = [
    JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as Manifest,
    ...publicPackages().map((p) => p.manifest),
  ];
  for (const m of manifests) {
    for (const deps of [m.dependencies, m.devDependencies, m.peerDependencies]) {
      const v = deps?.[name];
      if (v && !v.startsWith("workspace:")) return v;
    }
  }
  return undefined;
}
