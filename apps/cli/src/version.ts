import { readFileSync } from "node:fs";

let cached: string | undefined;

/** The version of this package (read once from its package.json, next to `src/` and `dist/`). */
export function cliVersion(): string {
  if (cached === undefined) {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
      version: string;
    };
    cached = pkg.version;
  }
  return cached;
}
