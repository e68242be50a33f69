import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { OPERATION_LIST } from "@tta-dev/contract";
import { describe, expect, it } from "vitest";
import { refusingFactories, runCli, Source, tempWorkspace } from "../test/harness.js";
import { cliVersion } from "./version.js";

const S = "auth-design-2025-10-01";

function jsonError(stderr: string): { code: string; message: string; details: Record<string, unknown> } {
  return (
    JSON.parse(stderr) as { error: { code: string; message: string; details: Record<string, unknown> } }
  ).error;
}

describe("tta: bad input fails early with the documented exit code", () => {
  it("refuses an unknown flag with exit 2 and a JSON error on stderr", async () => {
    const f = refusingFactories();
    const r = await runCli(["session", "create", S, "--bogus", "--json"], f);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(jsonError(r.stderr)).toMatchObject({
      code: "VALIDATION_FAILED",
      details: { reason: "commander.unknownOption" },
    });
    expect(jsonError(r.stderr).message).toContain("--bogus");
    expect(f.opened).toEqual([]);
  });

  it("refuses a missing argument, an extra argument and an unknown command with exit 2", async () => {
    const missing = await runCli(["group", "add", "feature-auth"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("missing required argument 'session'");
    expect(missing.stderr).toContain("hint:");
    expect((await runCli(["session", "show", S, "extra"])).code).toBe(2);
    expect((await runCli(["sesion", "list"])).code).toBe(2);
    // A command without its subcommand shows its help, like `tta` alone (test/hardening.test.ts).
    expect((await runCli(["session"])).code).toBe(0);
  });

  it("refuses a session id with ../ as NAME_INVALID before opening any store", async () => {
    const f = refusingFactories();
    const r = await runCli(["message", "list", "../../etc", "--json"], f);
    expect(r.code).toBe(2);
    expect(jsonError(r.stderr).code).toBe("NAME_INVALID");
    expect(f.opened).toEqual([]);
    const created = await runCli(["session", "create", "Not A Name"], f);
    expect(created.code).toBe(2);
    expect(created.stderr).toContain("NAME_INVALID");
    expect(f.opened).toEqual([]);
  });

  it("refuses invalid JSON for a cache value as VALIDATION_FAILED", async () => {
    const f = refusingFactories();
    const r = await runCli(["cache", "set", S, "k", "{not json", "--json"], f);
    expect(r.code).toBe(2);
    expect(jsonError(r.stderr).code).toBe("VALIDATION_FAILED");
    expect(jsonError(r.stderr).message).toContain("<json>");
    const piped = await runCli(["cache", "set", S, "k", "--json"], { ...f, stdin: new Source(["{oops"]) });
    expect(jsonError(piped.stderr).code).toBe("VALIDATION_FAILED");
    expect(f.opened).toEqual([]);
  });

  it("stops reading a 2 MiB message from stdin and fails LIMIT_EXCEEDED before any handler", async () => {
    const f = refusingFactories();
    const chunk = "x".repeat(64 * 1024);
    const stdin = new Source(Array.from({ length: 32 }, () => chunk));
    const r = await runCli(["message", "add", S, "--json"], { ...f, stdin });
    expect(r.code).toBe(2);
    expect(jsonError(r.stderr)).toMatchObject({
      code: "LIMIT_EXCEEDED",
      details: { field: "content", limit: 1048576 },
    });
    expect(stdin.consumed).toBeLessThan(32);
    expect(f.opened).toEqual([]);
  });

  it("applies a configured limit to a message given on the command line", async () => {
    const cwd = tempWorkspace();
    mkdirSync(join(cwd, ".tta"));
    writeFileSync(join(cwd, ".tta", "config.yaml"), "limits:\n  messageContentBytes: 10\n");
    const f = refusingFactories();
    const r = await runCli(["message", "add", S, "more than ten bytes", "--json"], { ...f, cwd });
    expect(jsonError(r.stderr).code).toBe("LIMIT_EXCEEDED");
    expect(r.code).toBe(2);
    expect(f.opened).toEqual([]);
  });

  it("fails on a broken .tta/config.yaml with exit 2, naming the key, and writes nothing", async () => {
    const cwd = tempWorkspace();
    mkdirSync(join(cwd, ".tta"));
    writeFileSync(join(cwd, ".tta", "config.yaml"), "backend: file\nnamingPolicy: sometimes\n");
    const f = refusingFactories();
    const r = await runCli(["session", "create", S], { ...f, cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("namingPolicy");
    expect(r.stderr).toContain("config.yaml");
    expect(f.opened).toEqual([]);
  });

  it("names the flag of a missing or wrong field", async () => {
    const f = refusingFactories();
    const noStage = await runCli(["context", S, "--stage", "ship"], f);
    expect(noStage.code).toBe(2);
    expect(noStage.stderr).toContain("--stage");
    const ttl = await runCli(["cache", "set", S, "k", "1", "--ttl", "90d"], f);
    expect(ttl.code).toBe(2);
    expect(ttl.stderr).toContain("--ttl");
    const importance = await runCli(["memory", "add", "text", "--importance", "2"], f);
    expect(importance.stderr).toContain("--importance");
    expect(f.opened).toEqual([]);
  });

  it("asks for the text when it is neither given nor piped, or when stdin is empty", async () => {
    const r = await runCli(["message", "add", S], refusingFactories());
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("missing argument <text>");
    const empty = await runCli(["memory", "add"], { ...refusingFactories(), stdin: new Source([]) });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain("stdin was empty");
  });

  it("refuses an unknown backend and an unsafe namespace from the global flags", async () => {
    const backend = await runCli(["session", "list", "--backend", "sqlite"]);
    expect(backend.code).toBe(2);
    expect(backend.stderr).toContain("--backend");
    const ns = await runCli(["session", "list", "--namespace", "../x", "--json"]);
    expect(jsonError(ns.stderr).code).toBe("NAME_INVALID");
  });
});

describe("tta: help and version", () => {
  it("prints the package version", async () => {
    const r = await runCli(["--version"]);
    expect(r).toEqual({ code: 0, stdout: `${cliVersion()}\n`, stderr: "" });
  });

  it("gives every command help with its example and the global flags", async () => {
    for (const op of OPERATION_LIST) {
      for (const b of op.cli) {
        const r = await runCli([...b.words, "--help"]);
        expect(r.code, b.words.join(" ")).toBe(0);
        expect(r.stdout).toContain(b.example);
        expect(r.stdout).toContain("--json");
        expect(r.stdout).toContain("--namespace");
      }
    }
    for (const group of ["session", "message", "cache", "memory", "group", "paf", "policy"]) {
      const r = await runCli([group, "--help"]);
      expect(r.stdout).toContain("Examples:");
    }
    expect((await runCli(["init", "--help"])).stdout).toContain("tta init");
  });

  it("prints the top-level help with no arguments", async () => {
    const r = await runCli([]);
    expect(r.code).toBe(0);
    expect(r.stderr + r.stdout).toContain("Usage: tta");
  });
});

describe("tta: colours", () => {
  it("colours errors only on a terminal, and never with --no-color or NO_COLOR", async () => {
    const argv = ["session", "show", "../x"];
    expect((await runCli(argv, { stderrTty: true })).stderr).toContain("\x1b[31m");
    expect((await runCli(argv)).stderr).not.toContain("\x1b[");
    expect((await runCli([...argv, "--no-color"], { stderrTty: true })).stderr).not.toContain("\x1b[");
    expect((await runCli(argv, { stderrTty: true, env: { NO_COLOR: "1" } })).stderr).not.toContain("\x1b[");
  });
});

/** Split a one-line shell example into words ('…' and "…" quoting, no escapes). */
function shellWords(line: string): string[] {
  return [...line.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
}

describe("tta: examples", () => {
  it("turns every command's help example into a valid input that reaches the backend", async () => {
    for (const op of OPERATION_LIST) {
      for (const b of op.cli) {
        const f = refusingFactories();
        const argv = shellWords(b.example).slice(1);
        const r = await runCli(argv, f);
        // The refusing backend factory fails INTERNAL (70): the input passed every check before it.
        expect([r.code, f.opened.length], `${b.example}\n${r.stderr}`).toEqual([70, 1]);
        expect(f.opened[0]).toMatch(/^backend:/);
      }
    }
  });
});
