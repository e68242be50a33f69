import { spawnSync } from "node:child_process";
import { closeSync, existsSync, openSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { ttaCommand } from "./child.js";
import { runCli, Source, tempWorkspace } from "./harness.js";

/*
 * tta export and tta import bundle through the CLI: a workspace's data goes out as a bundle, into a
 * fresh workspace, and out again unchanged.
 */

const S = "auth-design-2025-10-01";
const T = "billing-refactor-2025-10-02";

async function tta(cwd: string, argv: string[], stdin?: string) {
  const r = await runCli(argv, { cwd, ...(stdin !== undefined ? { stdin: new Source([stdin]) } : {}) });
  return r;
}

async function ok(cwd: string, argv: string[], stdin?: string) {
  const r = await tta(cwd, argv, stdin);
  expect(r.code, `${argv.join(" ")}: ${r.stderr}`).toBe(0);
  return r;
}

/** A workspace with two sessions, messages, cache, memories and a group. */
async function populated(): Promise<string> {
  const cwd = tempWorkspace();
  await ok(cwd, ["session", "create", S, "--title", "Auth design", "-q"]);
  await ok(cwd, ["session", "create", T, "-q"]);
  await ok(cwd, ["message", "add", S, "Use PKCE for the mobile client", "-q"]);
  await ok(cwd, ["message", "add", S, "Then rotate refresh tokens", "--role", "assistant", "-q"]);
  await ok(cwd, ["message", "add", T, "Split invoices by tenant", "-q"]);
  await ok(cwd, ["cache", "set", S, "current-file", '{"path":"src/auth.ts"}', "--ttl", "1h", "-q"]);
  await ok(cwd, ["memory", "add", "Refresh tokens must rotate", "--kind", "decision", "--session", S, "-q"]);
  await ok(cwd, ["memory", "add", "Invoices are per tenant", "--kind", "lesson", "--tag", "billing", "-q"]);
  await ok(cwd, ["group", "create", "feature-auth", "--description", "Authentication", "-q"]);
  await ok(cwd, ["group", "add", "feature-auth", S, "-q"]);
  return cwd;
}

/** Every file under `.tta` with its size and modification time. */
function listing(cwd: string): string[] {
  const root = join(cwd, ".tta");
  if (!existsSync(root)) return [];
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
      const path = join(dir, e.name);
      if (e.isDirectory()) return [`${path}/`, ...walk(path)];
      const s = statSync(path);
      return [`${path} ${s.size} ${s.mtimeMs}`];
    });
  return walk(root).sort();
}

type Line = Record<string, unknown> & { type: string };
const lines = (text: string): Line[] =>
  text
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as Line);

/**
 * The parts of a bundle that must not change: the header without its time, every entity line as
 * written, the trailer's counts (its checksum covers the header's time). A cache entry is written
 * again with the time it has left, so the store sets its `expiresAt` anew: that instant is compared
 * apart, within a second.
 */
function comparable(text: string): string[] {
  return text
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => {
      const line = JSON.parse(l) as Line;
      if (line.type === "header") return JSON.stringify({ ...line, createdAt: "*" });
      if (line.type === "trailer") return JSON.stringify({ ...line, sha256: "*" });
      if (line.type === "cache") {
        const entry = line.entry as Record<string, unknown>;
        return JSON.stringify({ ...line, entry: { ...entry, expiresAt: "*" } });
      }
      return l;
    });
}

/** The `expiresAt` of each cache entry of two bundles, in order: each pair within a second. */
function expectSameExpiry(a: string, b: string): void {
  const expiries = (text: string) =>
    lines(text)
      .filter((l) => l.type === "cache")
      .map((l) => Date.parse((l.entry as { expiresAt: string }).expiresAt));
  const [x, y] = [expiries(a), expiries(b)];
  expect(y).toHaveLength(x.length);
  for (const [i, ms] of x.entries()) expect(Math.abs(ms - y[i]!)).toBeLessThan(1000);
}

describe("tta export and tta import bundle", () => {
  it("round trip: a fresh workspace exports the same bundle; a second import skips everything", async () => {
    const source = await populated();
    const exported = await ok(source, ["export", "--out", "b.ndjson", "--json"]);
    const summary = JSON.parse(exported.stdout);
    expect(summary.counts).toEqual({ session: 2, message: 3, cache: 1, memory: 2, group: 1, paf: 0 });
    expect(exported.stderr).toBe("");
    const bundle = readFileSync(join(source, "b.ndjson"), "utf8");
    expect(readdirSync(source).filter((f) => f.includes(".tmp"))).toEqual([]);

    const target = tempWorkspace();
    writeFileSync(join(target, "b.ndjson"), bundle);
    const receipt = JSON.parse((await ok(target, ["import", "bundle", "b.ndjson", "--json"])).stdout);
    expect(receipt).toEqual({
      namespace: "default",
      imported: { sessions: 2, messages: 3, cache: 1, memories: 2, groups: 1, pafs: 0 },
      skipped: { sessions: 0, messages: 0, cache: 0, memories: 0, groups: 0, pafs: 0 },
      dryRun: false,
      paf: { written: null, differing: [] },
    });

    await ok(target, ["export", "--out", "again.ndjson"]);
    const again = readFileSync(join(target, "again.ndjson"), "utf8");
    expect(comparable(again)).toEqual(comparable(bundle));
    expectSameExpiry(again, bundle);
    // Only the header's time (and the checksum over it) tells them apart.
    const [h1, h2] = [lines(bundle)[0]!, lines(again)[0]!];
    expect({ ...h2, createdAt: h1.createdAt }).toEqual(h1);

    const second = JSON.parse((await ok(target, ["import", "bundle", "b.ndjson", "--json"])).stdout);
    expect(second.imported).toEqual({ sessions: 0, messages: 0, cache: 0, memories: 0, groups: 0, pafs: 0 });
    expect(second.skipped).toEqual({ sessions: 2, messages: 3, cache: 1, memories: 2, groups: 1, pafs: 0 });
    const human = await ok(target, ["import", "bundle", "b.ndjson"]);
    expect(human.stdout).toMatch(/^imported into namespace "default"\n/);
    expect(human.stdout).toMatch(/messages\s+0\s+3\n/);

    const messages = JSON.parse((await ok(target, ["message", "list", S, "--json"])).stdout);
    expect(messages.items.map((m: { seq: number; content: string }) => [m.seq, m.content])).toEqual([
      [1, "Use PKCE for the mobile client"],
      [2, "Then rotate refresh tokens"],
    ]);
  });

  it("--dry-run reports what would be imported and writes nothing", async () => {
    const source = await populated();
    await ok(source, ["export", "--out", "b.ndjson"]);
    const target = tempWorkspace();
    await ok(target, ["session", "list", "-q"]);
    const before = listing(target);
    const r = await ok(target, ["import", "bundle", join(source, "b.ndjson"), "--dry-run", "--json"]);
    expect(JSON.parse(r.stdout)).toMatchObject({
      dryRun: true,
      imported: { sessions: 2, messages: 3, cache: 1, memories: 2, groups: 1 },
    });
    expect(listing(target)).toEqual(before);
    expect((await ok(target, ["import", "bundle", join(source, "b.ndjson"), "--dry-run"])).stdout).toMatch(
      /^dry run: would import/,
    );
    expect(JSON.parse((await ok(target, ["session", "list", "--json"])).stdout).items).toEqual([]);
  });

  it("refuses a truncated or edited bundle naming the line, and writes nothing", async () => {
    const source = await populated();
    await ok(source, ["export", "--out", "b.ndjson"]);
    const text = readFileSync(join(source, "b.ndjson"), "utf8");
    const all = text.split("\n").filter((l) => l !== "");
    const target = tempWorkspace();
    await ok(target, ["session", "list", "-q"]);
    const before = listing(target);

    writeFileSync(join(target, "truncated.ndjson"), `${all.slice(0, -1).join("\n")}\n`);
    const truncated = await tta(target, ["import", "bundle", "truncated.ndjson", "--json"]);
    expect(truncated.code).not.toBe(0);
    const e1 = JSON.parse(truncated.stderr).error;
    expect(e1).toMatchObject({ code: "VALIDATION_FAILED", details: { line: all.length } });
    expect(e1.message).toMatch(new RegExp(`^Bundle line ${all.length}: no trailer`));

    const edited = [...all];
    const at = edited.findIndex((l) => l.includes("Use PKCE"));
    edited[at] = edited[at]!.replace("Use PKCE", "Use PKCE!");
    writeFileSync(join(target, "edited.ndjson"), `${edited.join("\n")}\n`);
    const changed = await tta(target, ["import", "bundle", "edited.ndjson"]);
    expect(changed.code).not.toBe(0);
    expect(changed.stderr).toMatch(
      new RegExp(`VALIDATION_FAILED: Bundle line ${all.length}: checksum mismatch`),
    );

    const broken = [...all];
    broken[at] = broken[at]!.slice(0, 20);
    writeFileSync(join(target, "broken.ndjson"), `${broken.join("\n")}\n`);
    const notJson = await tta(target, ["import", "bundle", "broken.ndjson"]);
    expect(notJson.code).not.toBe(0);
    expect(notJson.stderr).toMatch(new RegExp(`VALIDATION_FAILED: Bundle line ${at + 1}: not JSON`));

    expect(listing(target)).toEqual(before);
  });

  it("validates --on-conflict and the file", async () => {
    const cwd = await populated();
    await ok(cwd, ["export", "--out", "b.ndjson"]);
    const bogus = await tta(cwd, ["import", "bundle", "b.ndjson", "--on-conflict", "bogus", "--json"]);
    expect(bogus.code).not.toBe(0);
    expect(JSON.parse(bogus.stderr).error).toMatchObject({ code: "VALIDATION_FAILED" });
    expect(JSON.parse(bogus.stderr).error.message).toContain("--on-conflict");
    const missing = await tta(cwd, ["import", "bundle", "nope.ndjson"]);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/VALIDATION_FAILED: file: .*no such file/);
    const overwrite = await ok(cwd, ["import", "bundle", "b.ndjson", "--on-conflict", "overwrite", "--json"]);
    expect(JSON.parse(overwrite.stdout).skipped.sessions).toBe(2);
  });

  it("gzip round trip with --out b.ndjson.gz", async () => {
    const source = await populated();
    await ok(source, ["export", "--out", "b.ndjson"]);
    await ok(source, ["export", "--out", "b.ndjson.gz"]);
    const gz = readFileSync(join(source, "b.ndjson.gz"));
    expect([gz[0], gz[1]]).toEqual([0x1f, 0x8b]);
    const plain = readFileSync(join(source, "b.ndjson"), "utf8");
    expect(comparable(gunzipSync(gz).toString("utf8"))).toEqual(comparable(plain));

    const target = tempWorkspace();
    const receipt = JSON.parse(
      (await ok(target, ["import", "bundle", join(source, "b.ndjson.gz"), "--json"])).stdout,
    );
    expect(receipt.imported).toEqual({ sessions: 2, messages: 3, cache: 1, memories: 2, groups: 1, pafs: 0 });
    await ok(target, ["export", "--out", "again.ndjson", "--gzip"]);
    const again = gunzipSync(readFileSync(join(target, "again.ndjson"))).toString("utf8");
    expect(comparable(again)).toEqual(comparable(plain));
    expectSameExpiry(again, plain);
  });

  it("exports to stdout by default; --sessions and --since select", async () => {
    const cwd = await populated();
    const out = await ok(cwd, ["export", "--json"]);
    expect(out.stderr).toBe("");
    const parsed = lines(out.stdout);
    expect(parsed[0]).toMatchObject({ type: "header", format: "tta-bundle", namespace: "default" });
    expect(parsed.at(-1)).toMatchObject({ type: "trailer", counts: { session: 2, message: 3 } });
    expect(comparable((await ok(cwd, ["export", "--out", "-"])).stdout)).toEqual(comparable(out.stdout));

    const one = lines((await ok(cwd, ["export", "--sessions", T])).stdout);
    expect(one.at(-1)).toMatchObject({ counts: { session: 1, message: 1, cache: 0, memory: 0, group: 0 } });
    const none = lines((await ok(cwd, ["export", "--since", "2999-01-01T00:00:00Z"])).stdout);
    expect(none.at(-1)).toMatchObject({ counts: { session: 2, message: 0, cache: 0, memory: 0, group: 0 } });

    const unknown = await tta(cwd, [
      "export",
      "--sessions",
      "no-such-session-2025-01-01",
      "--out",
      "x.ndjson",
    ]);
    expect(unknown.stderr).toMatch(/SESSION_NOT_FOUND/);
    expect(existsSync(join(cwd, "x.ndjson"))).toBe(false);
    expect(readdirSync(cwd).filter((f) => f.includes(".tmp"))).toEqual([]);
    expect((await tta(cwd, ["export", "--since", "yesterday"])).stderr).toMatch(/VALIDATION_FAILED: --since/);
    expect((await tta(cwd, ["export", "--gzip"])).stderr).toMatch(/VALIDATION_FAILED: --gzip/);
  });

  it("prints a summary and progress on a terminal only", async () => {
    const cwd = await populated();
    const tty = await runCli(["export", "--out", "b.ndjson"], { cwd, stderrTty: true });
    expect(tty.stderr).toBe(
      'exported 2 sessions, 3 messages, 1 cache entry, 2 memories, 1 group of namespace "default" to ' +
        join(cwd, "b.ndjson") +
        "\n",
    );
    expect(tty.stdout).toBe("");
    const target = tempWorkspace();
    const imported = await runCli(["import", "bundle", join(cwd, "b.ndjson")], {
      cwd: target,
      stderrTty: true,
    });
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stderr).toMatch(/checking b\.ndjson: .*importing b\.ndjson: .* lines, .*\n$/s);
  });

  it("tta export > file, as a process: the file holds the bundle, stderr nothing", async () => {
    const cwd = await populated();
    const fd = openSync(join(cwd, "out.ndjson"), "w");
    const r = spawnSync(process.execPath, [...ttaCommand(), "export"], {
      cwd,
      env: { PATH: process.env.PATH ?? "" },
      stdio: ["ignore", fd, "pipe"],
      encoding: "utf8",
      timeout: 60_000,
    });
    closeSync(fd);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe("");
    const text = readFileSync(join(cwd, "out.ndjson"), "utf8");
    expect(comparable(text)).toEqual(comparable((await ok(cwd, ["export"])).stdout));
    const target = tempWorkspace();
    const receipt = JSON.parse(
      (await ok(target, ["import", "bundle", join(cwd, "out.ndjson"), "--json"])).stdout,
    );
    expect(receipt.imported).toMatchObject({ sessions: 2, messages: 3, memories: 2, groups: 1 });
  }, 60_000);

  it("--on-conflict: skip keeps the store's, fail refuses with ALREADY_EXISTS writing nothing, overwrite writes", async () => {
    const source = await populated();
    await ok(source, ["export", "--out", "b.ndjson"]);
    const bundle = join(source, "b.ndjson");
    const target = tempWorkspace();
    await ok(target, ["session", "create", T, "--title", "Other", "-q"]);
    const before = listing(target);
    const fail = await tta(target, ["import", "bundle", bundle, "--on-conflict", "fail", "--json"]);
    expect(fail.code).toBe(4);
    expect(JSON.parse(fail.stderr).error).toMatchObject({ code: "ALREADY_EXISTS", details: { line: 3 } });
    expect(listing(target)).toEqual(before);
    const skip = JSON.parse((await ok(target, ["import", "bundle", bundle, "--json"])).stdout);
    expect(skip).toMatchObject({ imported: { sessions: 1 }, skipped: { sessions: 1 } });
    expect(JSON.parse((await ok(target, ["session", "show", T, "--json"])).stdout).title).toBe("Other");
    const over = await ok(target, ["import", "bundle", bundle, "--on-conflict", "overwrite", "--json"]);
    expect(JSON.parse(over.stdout).imported.sessions).toBe(1);
    expect(JSON.parse((await ok(target, ["session", "show", T, "--json"])).stdout).title).toBeUndefined();
  });

  it("carries the PAF snapshot: PAFCORE.md is written into a workspace without one, kept where there is one", async () => {
    const source = await populated();
    const pafcore =
      "# PAFs\n\n## Quality\n\n- **QUAL-001**: Maximum file size 400 lines.\n  - Check: max-lines 400\n";
    writeFileSync(join(source, "PAFCORE.md"), pafcore);
    const exported = JSON.parse((await ok(source, ["export", "--out", "b.ndjson", "--json"])).stdout);
    expect(exported.counts.paf).toBe(1);
    const bundle = join(source, "b.ndjson");

    const target = tempWorkspace();
    const dry = JSON.parse((await ok(target, ["import", "bundle", bundle, "--dry-run", "--json"])).stdout);
    expect(dry.paf).toEqual({ written: null, differing: [] });
    expect(existsSync(join(target, "PAFCORE.md"))).toBe(false);
    const human = await ok(target, ["import", "bundle", bundle]);
    expect(human.stdout).toMatch(/PAFs\s+1\s+0\n {2}PAFCORE\.md written from the bundle's PAF snapshot\n$/);
    const listed = JSON.parse((await ok(target, ["paf", "list", "--json"])).stdout);
    expect(listed.items.map((p: { id: string; hash: string }) => [p.id, p.hash])).toEqual(
      JSON.parse((await ok(source, ["paf", "list", "--json"])).stdout).items.map(
        (p: { id: string; hash: string }) => [p.id, p.hash],
      ),
    );

    const other = tempWorkspace();
    const mine = "# Mine\n\n- **QUAL-001**: Maximum file size 800 lines.\n";
    writeFileSync(join(other, "PAFCORE.md"), mine);
    const kept = await ok(other, ["import", "bundle", bundle]);
    expect(kept.stdout).toContain(
      "PAFCORE.md kept as it is; these PAFs of the bundle differ from it or are not in it: QUAL-001",
    );
    expect(readFileSync(join(other, "PAFCORE.md"), "utf8")).toBe(mine);
  });

  it("--namespace picks the namespace exported and the one imported into", async () => {
    const source = tempWorkspace();
    await ok(source, ["session", "create", S, "--namespace", "team-a", "-q"]);
    await ok(source, ["message", "add", S, "Use PKCE", "--namespace", "team-a", "-q"]);
    const out = await ok(source, ["export", "--namespace", "team-a", "--out", "a.ndjson", "--json"]);
    expect(JSON.parse(out.stdout)).toMatchObject({ namespace: "team-a", counts: { session: 1, message: 1 } });
    expect(lines((await ok(source, ["export"])).stdout).at(-1)).toMatchObject({ counts: { session: 0 } });

    const target = tempWorkspace();
    const file = join(source, "a.ndjson");
    expect(JSON.parse((await ok(target, ["import", "bundle", file, "--json"])).stdout).namespace).toBe(
      "team-a",
    );
    const moved = await ok(target, ["import", "bundle", file, "--namespace", "team-b", "--json"]);
    expect(JSON.parse(moved.stdout)).toMatchObject({
      namespace: "team-b",
      imported: { sessions: 1, messages: 1 },
    });
    const listed = JSON.parse(
      (await ok(target, ["message", "list", S, "--namespace", "team-b", "--json"])).stdout,
    );
    expect(listed.items.map((m: { content: string }) => m.content)).toEqual(["Use PKCE"]);
  });
});

describe("tta import groups", () => {
  const v1 = {
    groups: [
      {
        group_id: "feature-auth",
        description: "Authentication feature",
        tags: ["feature"],
        session_ids: [S, "../escape"],
        created_at: "2025-10-28T17:05:17.366397",
        status: "active",
        closed_at: null,
        summary: null,
        metadata: { sprint: 42 },
      },
    ],
    version: "1.0",
    last_updated: "2025-10-28T17:05:17.368370",
  };

  it("brings an original session_groups.json into a store: its sessions, then its groups; a re-run keeps them", async () => {
    const cwd = tempWorkspace();
    await ok(cwd, ["init", "-q"]);
    const file = join(cwd, "old_session_groups.json");
    writeFileSync(file, JSON.stringify(v1, null, 2));
    const dry = JSON.parse((await ok(cwd, ["import", "groups", file, "--dry-run", "--json"])).stdout);
    expect(dry).toMatchObject({ dryRun: true, imported: { groups: ["feature-auth"], sessions: [S] } });
    expect((await tta(cwd, ["group", "show", "feature-auth"])).code).not.toBe(0);
    const text = (await ok(cwd, ["import", "groups", file])).stdout;
    expect(text).toMatch(/imported session_groups.json 1.0 into namespace "default"/);
    expect(text).toMatch(/not created \(not a safe session id\): "\.\.\/escape"/);
    const group = JSON.parse((await ok(cwd, ["group", "show", "feature-auth", "--json"])).stdout);
    expect(group).toMatchObject({
      id: "feature-auth",
      sessionIds: [S, "../escape"],
      metadata: { sprint: 42 },
    });
    const session = JSON.parse((await ok(cwd, ["session", "show", S, "--json"])).stdout);
    expect(session).toMatchObject({ id: S, status: "active", createdAt: "2025-10-28T17:05:17.366Z" });
    const again = JSON.parse((await ok(cwd, ["import", "groups", file, "--json"])).stdout);
    expect(again).toMatchObject({
      imported: { groups: [], sessions: [] },
      skipped: { groups: ["feature-auth"] },
    });
  });

  it("refuses a broken file naming its line, and writes nothing", async () => {
    const cwd = tempWorkspace();
    await ok(cwd, ["init", "-q"]);
    const file = join(cwd, "broken.json");
    const broken = { ...v1, groups: [v1.groups[0], { ...v1.groups[0], group_id: "x", status: 7 }] };
    writeFileSync(file, JSON.stringify(broken, null, 2));
    const r = await tta(cwd, ["import", "groups", file, "--json"]);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout || r.stderr).error).toMatchObject({
      code: "VALIDATION_FAILED",
      message: expect.stringMatching(/line \d+, column \d+: groups\.1\.status/),
    });
    expect((await tta(cwd, ["group", "show", "feature-auth"])).code).not.toBe(0);
  });
});
