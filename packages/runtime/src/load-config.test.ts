import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "./load-config.js";

function tempWorkspace(): string {
  const dir = mkdtempSync(join(tmpdir(), "tta-config-"));
  mkdirSync(join(dir, ".git"));
  return dir;
}

function withConfig(yaml: string): string {
  const root = tempWorkspace();
  mkdirSync(join(root, ".tta"));
  writeFileSync(join(root, ".tta", "config.yaml"), yaml);
  return root;
}

async function errorOf(
  p: Promise<unknown>,
): Promise<{ code: string; message: string; details: Record<string, unknown> }> {
  try {
    await p;
  } catch (error) {
    return error as { code: string; message: string; details: Record<string, unknown> };
  }
  throw new Error("expected a failure");
}

describe("loadConfig", () => {
  it("defaults to the file backend in <workspace>/.tta with no setup", async () => {
    const root = tempWorkspace();
    const r = await loadConfig(root, {});
    expect(r).toMatchObject({ root, backend: "file", dataDir: join(root, ".tta"), namespace: "default" });
    expect(r.namingPolicy).toBe("strict");
    expect(r.sources).toEqual([
      { kind: "default", name: "built-in defaults", keys: ["backend", "dir", "namespace", "namingPolicy"] },
    ]);
  });

  it("applies the file, then TTA_* variables, then flags", async () => {
    const root = withConfig(
      "backend: redis\nnamespace: from-file\nredis:\n  url: redis://file:1\n  commandTimeoutMs: 50\n",
    );
    const fileOnly = await loadConfig(root, {});
    expect(fileOnly.backend).toBe("redis");
    expect(fileOnly.config.redis).toEqual({ url: "redis://file:1", commandTimeoutMs: 50 });
    const env = await loadConfig(root, { TTA_NAMESPACE: "from-env", TTA_REDIS_URL: "redis://env:2" });
    expect(env.namespace).toBe("from-env");
    expect(env.config.redis).toEqual({ url: "redis://env:2", commandTimeoutMs: 50 });
    const flags = await loadConfig(
      root,
      { TTA_NAMESPACE: "from-env" },
      { namespace: "from-flag", backend: "memory" },
    );
    expect(flags.namespace).toBe("from-flag");
    expect(flags.backend).toBe("memory");
    expect(flags.sources.map((s) => `${s.kind}:${s.name}`)).toEqual([
      "default:built-in defaults",
      `file:${join(root, ".tta", "config.yaml")}`,
      "env:TTA_NAMESPACE",
      "flag:--backend",
      "flag:--namespace",
    ]);
  });

  it("resolves dir against the workspace root in the file and against the working folder from flags", async () => {
    const root = withConfig("dir: data/tta\n");
    const sub = join(root, "pkg");
    mkdirSync(sub);
    expect((await loadConfig(sub, {})).dataDir).toBe(join(root, "data/tta"));
    expect((await loadConfig(sub, {}, { dir: "local" })).dataDir).toBe(join(sub, "local"));
    expect((await loadConfig(sub, { TTA_DIR: "/abs/x" })).dataDir).toBe("/abs/x");
  });

  it("finds the workspace from a subfolder, but never above the repository", async () => {
    const root = withConfig("namespace: team\n");
    const deep = join(root, "a", "b");
    mkdirSync(deep, { recursive: true });
    expect((await loadConfig(deep, {})).root).toBe(root);
    expect((await loadConfig(deep, {})).namespace).toBe("team");
  });

  it("names the file and the key of an unknown or invalid setting", async () => {
    const root = withConfig("backnd: file\nlimits:\n  tagsPerItem: 0\n");
    const e = await errorOf(loadConfig(root, {}));
    expect(e.code).toBe("VALIDATION_FAILED");
    expect(e.message).toContain(join(root, ".tta", "config.yaml"));
    expect(e.message).toContain("backnd");
    expect(e.message).toContain("limits.tagsPerItem");
  });

  it("takes the search language from the file or TTA_SEARCH_LANGUAGE, and names the key of an unknown one", async () => {
    expect((await loadConfig(withConfig("search:\n  language: german\n"), {})).config.search).toEqual({
      language: "german",
    });
    const env = await loadConfig(tempWorkspace(), { TTA_SEARCH_LANGUAGE: "french" });
    expect(env.config.search).toEqual({ language: "french" });
    const e = await errorOf(loadConfig(withConfig("search:\n  language: klingon\n"), {}));
    expect(e.code).toBe("VALIDATION_FAILED");
    expect(e.message).toContain("search.language");
    expect(e.details).toMatchObject({ issues: [{ path: "search.language" }] });
    const fromEnv = await errorOf(loadConfig(tempWorkspace(), { TTA_SEARCH_LANGUAGE: "klingon" }));
    expect(fromEnv.message).toContain("TTA_SEARCH_LANGUAGE");
  });

  it("takes retention rules, and names the rule and field of a wrong one", async () => {
    const ok = await loadConfig(
      withConfig(
        "retention:\n  - layer: sessions\n    status: [completed]\n    olderThan: 90d\n  - layer: memories\n    kinds: [observation]\n    importanceBelow: 0.3\n",
      ),
      {},
    );
    expect(ok.config.retention).toEqual([
      { layer: "sessions", status: ["completed"], olderThan: "90d" },
      { layer: "memories", kinds: ["observation"], importanceBelow: 0.3 },
    ]);
    const wrong: [string, string][] = [
      ["retention:\n  - layer: sessions\n", "retention.0"],
      [
        "retention:\n  - layer: memories\n    kinds: [lesson]\n  - layer: sessions\n    kinds: [lesson]\n",
        "retention.1",
      ],
      ["retention:\n  - layer: sessions\n    olderThan: ninety days\n", "retention.0.olderThan"],
      ["retention:\n  - layer: sessions\n    status: [done]\n", "retention.0.status"],
      ["retention:\n  - layer: memories\n    importanceBelow: 2\n", "retention.0.importanceBelow"],
      ["retention:\n  - layer: memories\n    __proto__: { expired: true }\n", "retention.0"],
      ["retention: everything\n", "retention"],
      [`retention:\n${"  - layer: memories\n    expired: true\n".repeat(51)}`, "retention"],
    ];
    for (const [yaml, path] of wrong) {
      const e = await errorOf(loadConfig(withConfig(yaml), {}));
      expect(e.code, yaml).toBe("VALIDATION_FAILED");
      expect(e.message, yaml).toContain("config.yaml");
      expect(e.message, yaml).toContain(path);
    }
  });

  it("names the file and line of broken YAML", async () => {
    const root = withConfig("backend: file\nredis:\n  url: [unclosed\n");
    const e = await errorOf(loadConfig(root, {}));
    expect(e.code).toBe("VALIDATION_FAILED");
    expect(e.message).toMatch(/Invalid YAML in .*config\.yaml at line \d/);
  });

  it("refuses a YAML document that is not a mapping", async () => {
    const e = await errorOf(loadConfig(withConfig("- a\n- b\n"), {}));
    expect(e.code).toBe("VALIDATION_FAILED");
  });

  it("names the variable or the flag that is wrong", async () => {
    const env = await errorOf(loadConfig(tempWorkspace(), { TTA_BACKEND: "sqlite" }));
    expect(env.message).toContain("TTA_BACKEND");
    const timeout = await errorOf(loadConfig(tempWorkspace(), { TTA_REDIS_COMMAND_TIMEOUT_MS: "soon" }));
    expect(timeout.message).toContain("TTA_REDIS_COMMAND_TIMEOUT_MS");
    const flag = await errorOf(loadConfig(tempWorkspace(), {}, { backend: "sqlite" }));
    expect(flag.message).toContain("--backend");
  });

  it("refuses an unsafe namespace with NAME_INVALID", async () => {
    expect((await errorOf(loadConfig(tempWorkspace(), {}, { namespace: "../x" }))).code).toBe("NAME_INVALID");
  });
});
