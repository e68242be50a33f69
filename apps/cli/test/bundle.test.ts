import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { spawnNode } from "@tta-dev/testkit/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempWorkspace } from "./harness.js";

/*
 * The bundle of scripts/bundle.mjs, built into a folder of its own and run as a process: the paths
 * that load lazily (markdown parser, PAF checks, backends, the HTTP server) work from it.
 */

const CLI = fileURLToPath(new URL("..", import.meta.url));
const OUT = fileURLToPath(new URL("../dist/.bundle-test/", import.meta.url));
const MAIN = `${OUT}main.js`;
const S = "auth-design-2025-10-01";

function bundled(argv: string[], cwd: string, env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [MAIN, ...argv], {
    cwd,
    env: { PATH: process.env.PATH ?? "", ...env },
    encoding: "utf8",
    input: "",
    timeout: 30_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  const r = spawnSync(process.execPath, ["scripts/bundle.mjs", OUT], { cwd: CLI, encoding: "utf8" });
  expect(r.status, r.stderr).toBe(0);
}, 60_000);

afterAll(() => rmSync(OUT, { recursive: true, force: true }));

describe("the bundled CLI", () => {
  it("keeps each backend in a lazily loaded chunk of its own, out of the entry", () => {
    const files = readdirSync(OUT).filter((f) => f.endsWith(".js"));
    const text = new Map(files.map((f) => [f, readFileSync(`${OUT}${f}`, "utf8")]));
    const factories = [
      "createFileBackend",
      "createInMemoryBackend",
      "createRedisBackend",
      "createKeyvBackend",
    ];
    const homes = factories.map((name) => {
      const found = files.filter((f) => new RegExp(`function ${name}\\d*\\(`).test(text.get(f)!));
      expect(found, name).toHaveLength(1);
      return found[0];
    });
    expect(homes).not.toContain("main.js");
    expect(new Set(homes).size).toBe(factories.length);
  });

  it("prints the package's version", () => {
    expect(bundled(["--version"], tempWorkspace()).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it("parses PAFCORE.md, runs its checks, and loads a plan context on the file backend", () => {
    const cwd = tempWorkspace();
    for (const argv of [["init"], ["session", "create", S], ["message", "add", S, "Use PKCE"]]) {
      const r = bundled([...argv, "-q"], cwd);
      expect(r.code, r.stderr).toBe(0);
    }
    const validate = bundled(["paf", "validate"], cwd);
    expect(validate.code, validate.stderr).toBe(0);
    expect(validate.stdout).toMatch(/LANG-001: node \S+ satisfies >=20/);
    for (let run = 0; run < 2; run++) {
      const context = bundled(["context", S, "--stage", "plan"], cwd);
      expect(context.code, context.stderr).toBe(0);
      expect(context.stdout).toContain("Use PKCE");
      expect(context.stdout).toContain("LANG-001");
    }
  }, 60_000);

  it("opens the memory and keyv backends", () => {
    for (const backend of ["memory", "keyv"]) {
      const r = bundled(["doctor", "--json", "--backend", backend], tempWorkspace());
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).backend.name).toBe(backend);
    }
  }, 60_000);

  it("serves HTTP and stops on SIGTERM", async () => {
    const server = spawnNode([MAIN, "serve", "--port", "0", "--backend", "memory"], {
      source: false,
      cwd: tempWorkspace(),
      env: { PATH: process.env.PATH ?? "" },
    });
    try {
      const [, url] = await server.waitFor(/"url":"(http:\/\/127\.0\.0\.1:\d+)"/, { stream: "stdout" });
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
    } finally {
      server.child.kill("SIGTERM");
    }
    expect((await server.exited).code).toBe(0);
  }, 60_000);
});
