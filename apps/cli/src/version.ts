import { readFileSync } from "node:fs";

/** Set by the bundler (`scripts/bundle.mjs`): the bundle does not sit next to package.json's `../`. */
declare const TTA_CLI_VERSION: string | undefined;

let cached: string | undefined;

/** The version of this package (read once from its package.json, next to `src/` and `dist/`). */
export function cliVersion(): string {
  if (cached === undefined) {
    if (typeof TTA_CLI_VERSION === "string") cached = TTA_CLI_VERSION;
    else {
      const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
        version: string;
      };
      cached = pkg.version;
    }
  }
  return cached;
}
