import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { SourceRef } from "../types.js";
import { type Checker, IGNORED_DIRS } from "./types.js";

const FIELDS = ["dependencies", "devDependencies", "peerDependencies", "optionalDependencies"] as const;

function matcher(names: readonly string[]): (dep: string) => boolean {
  const globs = names.filter((n) => /[*?{[]/.test(n));
  const exact = new Set(names.filter((n) => !globs.includes(n)));
  // picomatch loads only when a name is a glob.
  const isMatch = globs.length
    ? (createRequire(import.meta.url)("picomatch") as typeof import("picomatch"))(globs)
    : () => false;
  return (dep) => exact.has(dep) || isMatch(dep);
}

/** Dependency names of a package.json object, all fields together. */
export function dependencyNames(pkg: unknown): string[] {
  if (typeof pkg !== "object" || pkg === null) return [];
  const names = new Set<string>();
  for (const field of FIELDS) {
    const deps = (pkg as Record<string, unknown>)[field];
    if (deps && typeof deps === "object") for (const name of Object.keys(deps)) names.add(name);
  }
  return [...names];
}

/** `no-dependency NAME…`: no workspace package.json depends on any of the names (globs allowed). */
export const noDependencyChecker: Checker = {
  name: "no-dependency",
  usage: "no-dependency NAME…",
  validateArgs(args) {
    return args.length ? undefined : "no-dependency needs at least one package name";
  },
  async run(args, ctx) {
    const { glob } = await import("tinyglobby");
    const files = (
      await glob(["**/package.json"], { cwd: ctx.root, ignore: IGNORED_DIRS, onlyFiles: true })
    ).sort();
    const isBanned = matcher(args);
    const found: string[] = [];
    const locations: SourceRef[] = [];
    const unreadable: string[] = [];
    for (const file of files) {
      let text: string;
      let pkg: unknown;
      try {
        text = await readFile(join(ctx.root, file), "utf8");
        pkg = JSON.parse(text);
      } catch {
        unreadable.push(file);
        continue;
      }
      for (const dep of dependencyNames(pkg).filter(isBanned)) {
        found.push(`${dep} (${file})`);
        locations.push({ file, line: lineOf(text, `"${dep}"`) });
      }
    }
    const expected = `no dependency on ${args.join(", ")}`;
    if (found.length) {
      return { ok: false, actual: found, expected, message: `Depended on: ${found.join(", ")}.`, locations };
    }
    const note = unreadable.length ? ` (could not read ${unreadable.join(", ")})` : "";
    return {
      ok: true,
      actual: [],
      expected,
      message: `None of ${files.length} package.json files depends on ${args.join(", ")}${note}.`,
    };
  },
  compare(args, actual) {
    const expected = `no dependency on ${args.join(", ")}`;
    const names = Array.isArray(actual) ? actual.map(String) : dependencyNames(actual);
    const found = names.filter(matcher(args));
    return found.length
      ? { ok: false, actual: found, expected, message: `Depended on: ${found.join(", ")}.` }
      : { ok: true, actual: [], expected, message: `No dependency on ${args.join(", ")}.` };
  },
};

function lineOf(text: string, needle: string): number {
  const at = text.indexOf(needle);
  if (at === -1) return 1;
  let line = 1;
  for (let i = text.indexOf("\n"); i !== -1 && i < at; i = text.indexOf("\n", i + 1)) line++;
  return line;
}
