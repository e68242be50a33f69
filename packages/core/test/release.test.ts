import { spawnSync } from "node:child_process";
import {
  chmodSync,
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * The release flow of docs/releasing.md, run on a copy of the repository in a temporary folder (a git
 * repository of its own, so that changesets can read commits): install from the pnpm store, add a
 * changeset for every public package next to the pending ones, `pnpm changeset version`, then
 * `pnpm build` and `pnpm -r publish --dry-run`. Nothing is published and the repository is not touched.
 * `TTA_KEEP_RELEASE_COPY=1` keeps the copy for a look afterwards.
 */

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const STEP_TIMEOUT = 5 * 60_000;
const CHECK_TEXT = "Release flow check: this changeset is added by packages/core/test/release.test.ts.";

type Bump = "patch" | "minor" | "major";
const BUMPS: Bump[] = ["patch", "minor", "major"];

interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

interface Changeset {
  file: string;
  releases: Map<string, Bump>;
  summary: string;
}

interface Run {
  status: number | null;
  output: string;
  timedOut: boolean;
}

/** The environment of the nested pnpm runs: the caller's, without what `pnpm run` added for itself. */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(npm_package_|npm_lifecycle_|VITEST|TURBO_HASH)/.test(k) || k === "INIT_CWD") continue;
    if (k === "PNPM_SCRIPT_SRC_DIR" || k === "NODE_OPTIONS") continue;
    env[k] = v;
  }
  return { ...env, FORCE_COLOR: "0", NO_COLOR: "1" };
}

function run(cwd: string, command: string, args: string[], extraEnv: NodeJS.ProcessEnv = {}): Run {
  const r = spawnSync(command, args, {
    cwd,
    env: { ...childEnv(), ...extraEnv },
    encoding: "utf8",
    timeout: STEP_TIMEOUT,
    maxBuffer: 256 * 1024 * 1024,
  });
  const timedOut = (r.error as NodeJS.ErrnoException | undefined)?.code === "ETIMEDOUT";
  const error = timedOut
    ? `\nkilled after ${STEP_TIMEOUT / 60_000} minutes`
    : r.error
      ? `\n${r.error.message}`
      : "";
  return { status: r.status, output: `${r.stdout ?? ""}${r.stderr ?? ""}${error}`, timedOut };
}

function tail(text: string, lines = 40): string {
  return text.trimEnd().split("\n").slice(-lines).join("\n");
}

function must(cwd: string, command: string, args: string[]): string {
  const r = run(cwd, command, args);
  if (r.status !== 0) {
    throw new Error(`${command} ${args.join(" ")} exited ${r.status} in ${cwd}:\n${tail(r.output)}`);
  }
  return r.output;
}

/** The files git tracks, and the untracked ones it does not ignore, as they are in the working tree. */
function copyRepository(to: string): number {
  const listed = spawnSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
    cwd: ROOT,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (listed.status !== 0) {
    throw new Error(`the release test copies the files git lists, and git ls-files failed in ${ROOT}:
${listed.stderr}${listed.error?.message ?? ""}`);
  }
  let copied = 0;
  for (const file of new Set(listed.stdout.split("\0").filter(Boolean))) {
    const from = join(ROOT, file);
    if (!existsSync(from) && !isLink(from)) continue; // deleted in the working tree
    const dest = join(to, file);
    mkdirSync(dirname(dest), { recursive: true });
    const stat = lstatSync(from);
    if (stat.isSymbolicLink()) symlinkSync(readlinkSync(from), dest);
    else if (stat.isFile()) {
      copyFileSync(from, dest);
      chmodSync(dest, stat.mode & 0o777);
    } else continue;
    copied++;
  }
  return copied;
}

function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/** A changeset file: the `"name": bump` lines between the `---` fences, then the summary. */
function parseChangeset(file: string, text: string): Changeset {
  const m = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/.exec(text);
  if (!m) throw new Error(`${file}: no front matter`);
  const releases = new Map<string, Bump>();
  for (const line of m[1]!.split(/\r?\n/)) {
    if (line.trim() === "") continue;
    const r = /^\s*["']?([^"':]+)["']?\s*:\s*(patch|minor|major)\s*$/.exec(line);
    if (!r) throw new Error(`${file}: cannot read the line ${JSON.stringify(line)}`);
    releases.set(r[1]!, r[2] as Bump);
  }
  return { file, releases, summary: m[2]!.trim() };
}

function pendingChangesets(dir: string): Changeset[] {
  const folder = join(dir, ".changeset");
  return readdirSync(folder)
    .filter((f) => f.endsWith(".md") && f !== "README.md")
    .sort()
    .map((f) => parseChangeset(`.changeset/${f}`, readFileSync(join(folder, f), "utf8")));
}

function parseVersion(v: string): [number, number, number] {
  const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(v);
  if (!m) throw new Error(`not a plain version: ${v}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

function compareVersions(a: string, b: string): number {
  const x = parseVersion(a);
  const y = parseVersion(b);
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return 0;
}

function bumped(version: string, bump: Bump): string {
  const [major, minor, patch] = parseVersion(version);
  if (bump === "major") return `${major + 1}.0.0`;
  if (bump === "minor") return `${major}.${minor + 1}.0`;
  return `${major}.${minor}.${patch + 1}`;
}

/** Whether `version` is in a `workspace:` range's remainder: `*`, `^`, `~`, or `[^~]x.y.z`, `x.y.z`. */
function workspaceRangeHolds(range: string, version: string): boolean {
  if (range === "*" || range === "^" || range === "~") return true;
  const m = /^([\^~]?)(\d+\.\d+\.\d+)$/.exec(range);
  if (!m) return false;
  const [op, base] = [m[1]!, m[2]!];
  if (compareVersions(version, base) < 0) return false;
  const [bMajor, bMinor] = parseVersion(base);
  const [vMajor, vMinor] = parseVersion(version);
  if (op === "") return compareVersions(version, base) === 0;
  if (op === "~") return vMajor === bMajor && vMinor === bMinor;
  if (bMajor > 0) return vMajor === bMajor;
  return vMajor === 0 && vMinor === bMinor;
}

/** The text of a changelog's `## <version>` section. */
function changelogSection(changelog: string, version: string): string | null {
  const lines = changelog.split(/\r?\n/);
  const start = lines.findIndex((l) => l.trim() === `## ${version}`);
  if (start < 0) return null;
  const end = lines.findIndex((l, i) => i > start && /^## /.test(l));
  return lines.slice(start + 1, end < 0 ? undefined : end).join("\n");
}

/** The name, version and filename of every "Tarball Details" block npm printed. */
function tarballs(output: string): { name: string; version: string; filename: string }[] {
  const found: { name: string; version: string; filename: string }[] = [];
  for (const block of output.split(/npm notice Tarball Details/).slice(1)) {
    const field = (key: string) => new RegExp(`npm notice ${key}:\\s*(\\S+)`).exec(block)?.[1] ?? "";
    found.push({ name: field("name"), version: field("version"), filename: field("filename") });
  }
  return found;
}

const NETWORK =
  /ENOTFOUND|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EAI_AGAIN|ENETUNREACH|fetch failed|socket hang up|ERR_PNPM_META_FETCH_FAIL|network/i;

describe("the release flow of docs/releasing.md", { timeout: STEP_TIMEOUT * 2 }, () => {
  const dir = mkdtempSync(join(tmpdir(), "tta-release-"));
  const before = new Map<string, Manifest & { dir: string }>();
  let changesets: Changeset[] = [];
  let after = new Map<string, Manifest>();
  let versioned = false;

  const manifests = () => {
    const out = new Map<string, Manifest & { dir: string }>();
    for (const base of ["packages", "apps"]) {
      if (!existsSync(join(dir, base))) continue;
      for (const name of readdirSync(join(dir, base))) {
        const file = join(dir, base, name, "package.json");
        if (!existsSync(file)) continue;
        const json = JSON.parse(readFileSync(file, "utf8")) as Manifest;
        out.set(json.name, { ...json, dir: `${base}/${name}` });
      }
    }
    return out;
  };

  beforeAll(() => {
    expect(copyRepository(dir)).toBeGreaterThan(100);
    for (const [name, m] of manifests()) before.set(name, m);
    const publicPackages = [...before.values()].filter((m) => !m.private).map((m) => m.name);
    writeFileSync(
      join(dir, ".changeset", "release-flow-check.md"),
      `---\n${publicPackages.map((n) => `"${n}": patch`).join("\n")}\n---\n\n${CHECK_TEXT}\n`,
    );
    changesets = pendingChangesets(dir);
    must(dir, "git", ["init", "-q", "-b", "main"]);
    must(dir, "git", ["add", "-A"]);
    must(dir, "git", [
      "-c",
      "user.name=release test",
      "-c",
      "user.email=release@test.invalid",
      "commit",
      "-qm",
      "copy",
    ]);
    const offline = run(dir, "pnpm", ["install", "--offline", "--frozen-lockfile"]);
    if (offline.status !== 0) {
      console.warn(`pnpm install --offline failed; trying with the network:\n${tail(offline.output, 10)}`);
      must(dir, "pnpm", ["install", "--frozen-lockfile"]);
    }
  }, STEP_TIMEOUT);

  afterAll(() => {
    if (process.env.TTA_KEEP_RELEASE_COPY === "1") console.log(`release copy kept in ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  });

  it("bumps every package a pending changeset names and writes its summary into CHANGELOG.md", () => {
    expect(changesets.some((c) => c.summary === CHECK_TEXT)).toBe(true);
    must(dir, "pnpm", ["changeset", "version"]);
    after = manifests();
    expect(pendingChangesets(dir), "changesets left after `changeset version`").toEqual([]);

    const problems: string[] = [];
    const wanted = new Map<string, Bump>();
    for (const c of changesets) {
      for (const [name, bump] of c.releases) {
        if (!before.has(name)) problems.push(`${c.file} names ${name}, which is not a workspace package`);
        const prev = wanted.get(name);
        if (!prev || BUMPS.indexOf(bump) > BUMPS.indexOf(prev)) wanted.set(name, bump);
      }
    }
    for (const [name, bump] of wanted) {
      const old = before.get(name);
      const now = after.get(name);
      if (!old || !now) continue;
      // A peer dependency's release can raise the bump to major (docs/releasing.md#versioning).
      const least = bumped(old.version, bump);
      if (compareVersions(now.version, least) < 0) {
        problems.push(`${name}: ${old.version} → ${now.version}, expected at least ${least} (${bump})`);
      }
      const changelogFile = join(dir, old.dir, "CHANGELOG.md");
      if (!existsSync(changelogFile)) {
        problems.push(`${name}: no ${old.dir}/CHANGELOG.md`);
        continue;
      }
      const section = changelogSection(readFileSync(changelogFile, "utf8"), now.version);
      if (section === null) {
        problems.push(`${name}: ${old.dir}/CHANGELOG.md has no "## ${now.version}" section`);
        continue;
      }
      for (const c of changesets.filter((c) => c.releases.has(name))) {
        const missing = c.summary
          .split(/\r?\n/)
          .map((l) => l.trim())
          .find((l) => l !== "" && !section.includes(l));
        if (missing !== undefined) {
          problems.push(
            `${name}: CHANGELOG.md ${now.version} lacks ${c.file}'s line ${JSON.stringify(missing)}`,
          );
        }
      }
    }
    for (const [name, now] of after) {
      const old = before.get(name);
      if (old && compareVersions(now.version, old.version) < 0) {
        problems.push(`${name}: its version went down, ${old.version} → ${now.version}`);
      }
    }
    expect(problems).toEqual([]);
    expect(wanted.size).toBeGreaterThan(0);
    versioned = true;
  });

  it("leaves every internal dependency a workspace: range that holds the new version", () => {
    expect(versioned, "runs after `changeset version`").toBe(true);
    const problems: string[] = [];
    for (const [name, m] of after) {
      for (const field of [
        "dependencies",
        "peerDependencies",
        "optionalDependencies",
        "devDependencies",
      ] as const) {
        for (const [dep, range] of Object.entries(m[field] ?? {})) {
          const target = after.get(dep);
          if (!target) continue;
          if (!range.startsWith("workspace:")) {
            problems.push(`${name} ${field}: ${dep}@${range} is not a workspace: range`);
          } else if (!workspaceRangeHolds(range.slice("workspace:".length), target.version)) {
            problems.push(`${name} ${field}: ${dep}@${range} does not hold ${target.version}`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
    // pnpm agrees: the lockfile still matches and every workspace range resolves.
    must(dir, "pnpm", ["install", "--offline", "--frozen-lockfile"]);
  });

  it(
    "builds and packs a tarball of the new version of every public package in `pnpm -r publish --dry-run`",
    () => {
      expect(versioned, "runs after `changeset version`").toBe(true);
      must(dir, "pnpm", ["build"]);
      // Few and short retries: an unreachable registry should fail in seconds, not in minutes.
      const r = run(dir, "pnpm", ["-r", "publish", "--dry-run", "--no-git-checks"], {
        npm_config_fetch_retries: "1",
        npm_config_fetch_timeout: "30000",
        npm_config_fetch_retry_maxtimeout: "10000",
      });
      if (r.status !== 0 && !r.timedOut && NETWORK.test(r.output)) {
        throw new Error(
          "`pnpm -r publish --dry-run` asks the npm registry which versions are published, even in a dry " +
            "run, and it failed on the network. This test needs https://registry.npmjs.org/ (or the " +
            `registry configured for npm) to answer, or to refuse at once. Its output ended:\n${tail(r.output)}`,
        );
      }
      if (r.status !== 0) throw new Error(`pnpm -r publish --dry-run exited ${r.status}:\n${tail(r.output)}`);
      expect(r.output).not.toMatch(/npm (ERR|error)|ERR_PNPM_/);

      const packed = tarballs(r.output);
      const problems: string[] = [];
      for (const m of after.values()) {
        if (m.private) continue;
        const t = packed.find((p) => p.name === m.name);
        const file = `${m.name.replace(/^@/, "").replace("/", "-")}-${m.version}.tgz`;
        if (!t)
          problems.push(`${m.name}@${m.version}: no tarball (pnpm skips a version already on the registry)`);
        else if (t.version !== m.version || t.filename !== file) {
          problems.push(`${m.name}: packed ${t.version} as ${t.filename}, expected ${m.version} as ${file}`);
        }
      }
      for (const t of packed) {
        if (after.get(t.name)?.private) problems.push(`${t.name}: private, but packed`);
      }
      if (problems.length) console.error(tail(r.output, 60));
      expect(problems).toEqual([]);
      expect(packed.length).toBeGreaterThan(10);
    },
    STEP_TIMEOUT,
  );
});
