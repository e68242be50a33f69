import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { CheckContext, Checker, CheckOutcome } from "./types.js";

type Semver = typeof import("semver");
let semverModule: Semver | undefined;
/** semver, loaded on first use: most processes that import this package never compare versions. */
function semver(): Semver {
  semverModule ??= createRequire(import.meta.url)("semver") as Semver;
  return semverModule;
}

/** `3.12+` → `>=3.12`; anything else is taken as a semver range. */
export function normalizeRange(range: string): string {
  const plus = /^v?(\d+(?:\.\d+){0,2})\s*\+$/.exec(range.trim());
  return plus ? `>=${plus[1]}` : range.trim();
}

function parseArgs(args: readonly string[]) {
  return {
    name: (args[0] ?? "").toLowerCase().replace(/\.?js$/, ""),
    range: normalizeRange(args.slice(1).join(" ")),
  };
}

/** The version in a string such as `Python 3.12.1` or `v20.19.0`. */
export function versionIn(s: string): string | undefined {
  return semver().coerce(s)?.version;
}

function compareVersion(name: string, range: string, actual: string | undefined): CheckOutcome {
  const expected = `${name} ${range}`;
  const version = actual === undefined ? undefined : versionIn(actual);
  if (!version)
    return { ok: false, actual: actual ?? null, expected, message: `Expected a ${name} version.` };
  return semver().satisfies(version, range)
    ? { ok: true, actual: version, expected, message: `${name} ${version} satisfies ${range}.` }
    : { ok: false, actual: version, expected, message: `${name} ${version} does not satisfy ${range}.` };
}

/** `runtime-version node >=20` / `python >=3.12`: the running or configured runtime satisfies the range. */
export const runtimeVersionChecker: Checker = {
  name: "runtime-version",
  usage: "runtime-version NAME RANGE",
  validateArgs(args) {
    const { name, range } = parseArgs(args);
    if (!/^[a-z][a-z0-9._-]*$/.test(name))
      return "runtime-version needs a runtime name (node, python…) first";
    if (!range || semver().validRange(range) === null)
      return `"${range}" is not a version range (e.g. >=3.12)`;
    return undefined;
  },
  async run(args, ctx) {
    const { name, range } = parseArgs(args);
    const found = await runtimeVersion(name, ctx);
    if (found === undefined) {
      return {
        ok: false,
        undetermined: true,
        actual: null,
        expected: `${name} ${range}`,
        message: `Cannot tell the ${name} version: not configured (runtime.${name})${ctx.probeRuntimes ? ` and \`${name} --version\` did not answer` : ""}.`,
      };
    }
    return compareVersion(name, range, found);
  },
  compare(args, actual) {
    const { name, range } = parseArgs(args);
    return compareVersion(
      name,
      range,
      typeof actual === "string" || typeof actual === "number" ? String(actual) : undefined,
    );
  },
};

/** The configured version, else the running Node, else a version file or a probe. */
async function runtimeVersion(name: string, ctx: CheckContext): Promise<string | undefined> {
  const configured = ctx.runtime[name];
  if (configured) return configured;
  if (name === "node") return process.versions.node;
  const file = name === "python" ? ".python-version" : undefined;
  if (file) {
    try {
      const v = versionIn((await readFile(join(ctx.root, file), "utf8")).split("\n")[0] ?? "");
      if (v) return v;
    } catch {
      // no version file: probe below
    }
  }
  if (!ctx.probeRuntimes) return undefined;
  const bins = name === "python" ? ["python3", "python"] : [name];
  for (const bin of bins) {
    const out = await probe(bin, ctx.commandTimeoutMs);
    if (out) return versionIn(out);
  }
  return undefined;
}

function probe(bin: string, timeout: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(
      bin,
      ["--version"],
      { timeout: Math.min(timeout, 5_000), cwd: undefined },
      (err, stdout, stderr) => {
        const out = `${stdout}${stderr}`.trim();
        resolve(err || !out ? undefined : out);
      },
    );
  });
}
