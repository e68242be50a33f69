import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "./load-config.js";
import { openBackend } from "./open-backend.js";
import { doctorReport, openHandlers, pafCacheFile } from "./runtime-handlers.js";

function workspaceWithPafs(): string {
  const root = mkdtempSync(join(tmpdir(), "tta-runtime-"));
  mkdirSync(join(root, ".git"));
  writeFileSync(
    join(root, "PAFCORE.md"),
    "# Facts\n\n## Stack\n- **LANG-001**: Primary runtime is Node 20+\n",
  );
  return root;
}

async function listTexts(root: string): Promise<string[]> {
  const resolved = await loadConfig(root, { TTA_BACKEND: "memory" });
  const backend = await openBackend(resolved);
  try {
    const handlers = await openHandlers(resolved, backend, { version: "0.0.0" });
    const out = await handlers["paf.list"]({}, { namespace: "default" });
    return out.items.map((f) => f.text);
  } finally {
    await backend.close();
  }
}

describe("openHandlers", () => {
  it("keeps the parsed PAFCORE.md in <dataDir>/cache/pafcore.json and reads it in the next process", async () => {
    const root = workspaceWithPafs();
    expect(await listTexts(root)).toEqual(["Primary runtime is Node 20+"]);
    const cache = pafCacheFile({ dataDir: join(root, ".tta") });
    expect(cache).toBe(join(root, ".tta", "cache", "pafcore.json"));
    // A second run answers from the cache file (an edited cache shows through): no markdown parse.
    writeFileSync(cache, readFileSync(cache, "utf8").replace("Primary runtime", "Cached runtime"));
    expect(await listTexts(root)).toEqual(["Cached runtime is Node 20+"]);
    // Touching the document (new size) parses it again.
    writeFileSync(join(root, "PAFCORE.md"), "# Facts\n\n## Stack\n- **LANG-001**: Runtime is Node 20.19+\n");
    expect(await listTexts(root)).toEqual(["Runtime is Node 20.19+"]);
  });
});

describe("doctorReport", () => {
  it("answers what the system.doctor handler answers", async () => {
    const root = workspaceWithPafs();
    const resolved = await loadConfig(root, { TTA_BACKEND: "memory" });
    const backend = await openBackend(resolved);
    try {
      const handlers = await openHandlers(resolved, backend, { version: "1.2.3" });
      const fromHandler = await handlers["system.doctor"]({}, { namespace: "default" });
      const report = await doctorReport(resolved, backend, { version: "1.2.3" });
      const timeless = (r: typeof report) => ({
        ...r,
        backend: { ...r.backend, connectivity: { ...r.backend.connectivity, latencyMs: 0 } },
      });
      expect(timeless(report)).toEqual(timeless(fromHandler));
      expect(report).toMatchObject({ ok: true, version: "1.2.3", backend: { name: "memory" } });
      expect(report.config.sources).toContainEqual({ kind: "env", name: "TTA_BACKEND", keys: ["backend"] });
    } finally {
      await backend.close();
    }
  });

  it("still answers when the configured stage-policy file is missing", async () => {
    const root = workspaceWithPafs();
    const resolved = await loadConfig(root, { TTA_BACKEND: "memory", TTA_POLICY_PATH: "gone.yaml" });
    const backend = await openBackend(resolved);
    try {
      await expect(openHandlers(resolved, backend, { version: "0.0.0" })).rejects.toMatchObject({
        code: "VALIDATION_FAILED",
      });
      expect((await doctorReport(resolved, backend, { version: "0.0.0" })).ok).toBe(true);
    } finally {
      await backend.close();
    }
  });
});
