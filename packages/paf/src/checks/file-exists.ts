import { access } from "node:fs/promises";
import { isAbsolute, join } from "node:path";
import type { Checker } from "./types.js";

const GLOB = /[*?{[]/;

/** `file-exists PATH…`: every path (or glob: at least one match) exists under the root. */
export const fileExistsChecker: Checker = {
  name: "file-exists",
  usage: "file-exists PATH…",
  validateArgs(args) {
    return args.length ? undefined : "file-exists needs at least one path";
  },
  async run(args, ctx) {
    const missing: string[] = [];
    for (const path of args) {
      if (GLOB.test(path)) {
        const { glob } = await import("tinyglobby");
        const found = await glob([path], { cwd: ctx.root, ignore: ["**/node_modules/**"], onlyFiles: false });
        if (!found.length) missing.push(path);
        continue;
      }
      try {
        await access(isAbsolute(path) ? path : join(ctx.root, path));
      } catch {
        missing.push(path);
      }
    }
    const expected = `exists: ${args.join(", ")}`;
    const present = args.filter((a) => !missing.includes(a));
    return missing.length
      ? { ok: false, actual: present, expected, message: `Missing: ${missing.join(", ")}.` }
      : { ok: true, actual: present, expected, message: `All present: ${args.join(", ")}.` };
  },
  compare(args, actual) {
    const expected = `exists: ${args.join(", ")}`;
    if (typeof actual === "boolean") {
      return { ok: actual, actual, expected, message: actual ? "Present." : `Missing: ${args.join(", ")}.` };
    }
    if (!Array.isArray(actual))
      return { ok: false, actual, expected, message: "Expected a boolean or a list of present paths." };
    const have = new Set(actual.map(String));
    const missing = args.filter((a) => !have.has(a));
    return missing.length
      ? { ok: false, actual, expected, message: `Missing: ${missing.join(", ")}.` }
      : { ok: true, actual, expected, message: `All present: ${args.join(", ")}.` };
  },
};
