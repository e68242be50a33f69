import { readFileSync, statSync } from "node:fs";

/** `inputs.json` next to the bundle: its entry and every workspace source it was built from. */
export interface BundleManifest {
  /** The entry file, relative to the bundle folder. */
  entry: string;
  /** `[path relative to the bundle folder, mtimeMs, size]` of each source file bundled. */
  inputs: [string, number, number][];
}

/**
 * The entry of the bundle in `dir` (built by `scripts/bundle.mjs`), or `undefined` when there is
 * none or when a source it was built from has changed since (then the unbundled build runs). A
 * source that is absent (an installed package ships no sources) does not make the bundle stale.
 */
export function freshBundle(dir: URL): URL | undefined {
  let manifest: BundleManifest;
  try {
    manifest = JSON.parse(readFileSync(new URL("inputs.json", dir), "utf8")) as BundleManifest;
  } catch {
    return undefined;
  }
  for (const [path, mtimeMs, size] of manifest.inputs) {
    const now = statSync(new URL(path, dir), { throwIfNoEntry: false });
    if (now && (now.mtimeMs !== mtimeMs || now.size !== size)) return undefined;
  }
  return new URL(manifest.entry, dir);
}
