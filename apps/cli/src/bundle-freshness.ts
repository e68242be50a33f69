import { readFileSync, statSync } from "node:fs";

/** `inputs.json` next to the bundle: its entry and every workspace source it was built from. */
export interface BundleManifest {
  /** The entry file, relative to the bundle folder. */
  entry: string;
  /** The package version the bundle was built at (it prints that one). */
  version: string;
  /** `[path relative to the bundle folder, mtimeMs, size]` of each source file bundled. */
  inputs: [string, number, number][];
}

/**
 * The entry of the bundle in `dir` (built by `scripts/bundle.mjs`), or `undefined` when there is
 * none, when it was built at another package version, or when a source it was built from has
 * changed since (then the unbundled build runs). A source that is absent (an installed package ships
 * no sources) does not make the bundle stale.
 */
export function freshBundle(dir: URL, version: string): URL | undefined {
  let manifest: BundleManifest;
  try {
    manifest = JSON.parse(readFileSync(new URL("inputs.json", dir), "utf8")) as BundleManifest;
  } catch {
    return undefined;
  }
  if (manifest.version !== version) return undefined;
  for (const [path, mtimeMs, size] of manifest.inputs) {
    const now = statSync(new URL(path, dir), { throwIfNoEntry: false });
    if (now && (now.mtimeMs !== mtimeMs || now.size !== size)) return undefined;
  }
  return new URL(manifest.entry, dir);
}
