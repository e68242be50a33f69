import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_HTTP_HOST, DEFAULT_HTTP_PORT, HTTP_DEFAULTS } from "@tta-dev/contract";
import { loadConfig } from "@tta-dev/runtime";
import { describe, expect, it } from "vitest";
import { runCli, tempWorkspace } from "../../test/harness.js";

describe("tta init", () => {
  it("writes a commented config that loads cleanly and a starter PAFCORE.md", async () => {
    const cwd = tempWorkspace();
    const r = await runCli(["init", "--json"], { cwd });
    expect(r.code).toBe(0);
    const config = join(cwd, ".tta", "config.yaml");
    const paf = join(cwd, "PAFCORE.md");
    expect(JSON.parse(r.stdout)).toEqual({ root: cwd, created: [config, paf], skipped: [] });
    expect(readFileSync(config, "utf8")).toContain("# Storage backend");
    expect(readFileSync(paf, "utf8")).toMatch(/- \*\*ARCH-001\*\*: /);
    const loaded = await loadConfig(cwd, {});
    expect(loaded.backend).toBe("file");
    expect(loaded.sources.map((s) => s.kind)).toContain("file");
  });

  it("shows the http keys with the server's defaults, which load as they are once uncommented", async () => {
    const cwd = tempWorkspace();
    expect((await runCli(["init"], { cwd })).code).toBe(0);
    const text = readFileSync(join(cwd, ".tta", "config.yaml"), "utf8");
    expect(text).toMatch(new RegExp(`^#   port: ${DEFAULT_HTTP_PORT}$`, "m"));
    expect(text).toContain("port: 7411");
    expect(text).not.toContain("8787");
    for (const [key, value] of Object.entries(HTTP_DEFAULTS)) {
      expect(text, key).toMatch(new RegExp(`^#   ${key}: ${value}\\b`, "m"));
    }
    expect(text).toMatch(/^# {3}allowedHosts: \[\]/m);
    // The http block without its comment marks (and without the example token) is a valid config.
    const block = text.slice(text.indexOf("# http:"), text.indexOf("#   tokens:"));
    const yaml = block.replace(/^# ?/gm, "").replace(/\s+# .*$/gm, "");
    writeFileSync(join(cwd, ".tta", "config.yaml"), yaml);
    const http = (await loadConfig(cwd, {})).config.http;
    expect(http).toEqual({
      host: DEFAULT_HTTP_HOST,
      port: DEFAULT_HTTP_PORT,
      allowedHosts: [],
      ...HTTP_DEFAULTS,
    });
  });

  it("never overwrites what exists", async () => {
    const cwd = tempWorkspace();
    await runCli(["init"], { cwd });
    writeFileSync(join(cwd, ".tta", "config.yaml"), "namespace: mine\n");
    writeFileSync(join(cwd, "PAFCORE.md"), "# mine\n");
    const r = await runCli(["init", "--json"], { cwd });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).created).toEqual([]);
    expect(readFileSync(join(cwd, ".tta", "config.yaml"), "utf8")).toBe("namespace: mine\n");
    expect(readFileSync(join(cwd, "PAFCORE.md"), "utf8")).toBe("# mine\n");
  });

  it("leaves PAFCORE.md alone when one exists in another standard place", async () => {
    const cwd = tempWorkspace();
    mkdirSync(join(cwd, "docs"));
    writeFileSync(join(cwd, "docs", "PAFCORE.md"), "# docs\n");
    const r = await runCli(["init", "--json"], { cwd });
    expect(JSON.parse(r.stdout).skipped).toEqual([join(cwd, "docs", "PAFCORE.md")]);
    expect(existsSync(join(cwd, "PAFCORE.md"))).toBe(false);
  });
});
