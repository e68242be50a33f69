import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BACKEND_NAMES, ConfigSchema } from "@tta-dev/contract";
import type { BackendDescriptor } from "@tta-dev/core";
import { fileBackendDescriptor } from "@tta-dev/memory-file";
import { inMemoryBackendDescriptor } from "@tta-dev/memory-inmemory";
import { keyvBackendDescriptor } from "@tta-dev/memory-keyv";
import { redisBackendDescriptor } from "@tta-dev/memory-redis";
import { afterEach, describe, expect, it, vi } from "vitest";
import { BACKENDS, type BackendEntry, loadDescriptor } from "./backends.js";
import { loadConfig } from "./load-config.js";
import { openBackend } from "./open-backend.js";

function workspace(): string {
  return mkdtempSync(join(tmpdir(), "tta-backends-"));
}

async function errorOf(p: Promise<unknown>): Promise<{ code: string; message: string; details: object }> {
  try {
    await p;
  } catch (error) {
    return error as { code: string; message: string; details: object };
  }
  throw new Error("expected a failure");
}

const DESCRIPTORS: Record<string, BackendDescriptor> = {
  file: fileBackendDescriptor,
  memory: inMemoryBackendDescriptor,
  redis: redisBackendDescriptor,
  keyv: keyvBackendDescriptor,
};

afterEach(() => {
  vi.restoreAllMocks();
});

describe("the backend registry", () => {
  it("has one entry per configurable backend, each importing that package's descriptor", async () => {
    expect(Object.keys(BACKENDS).sort()).toEqual([...BACKEND_NAMES].sort());
    for (const name of BACKEND_NAMES) {
      expect(await loadDescriptor(name, BACKENDS[name])).toBe(DESCRIPTORS[name]);
    }
  });

  it("reads each backend's section of .tta/config.yaml as that backend's descriptor does", () => {
    // `.tta/config.yaml` is checked whole at load (ConfigSchema, which also gives editors its JSON
    // Schema), and each section again by its descriptor at open: the two must agree on every input.
    const samples: unknown[] = [
      {},
      { url: "redis://127.0.0.1:6379" },
      { url: "" },
      { url: 7 },
      { commandTimeoutMs: 200 },
      { commandTimeoutMs: 0 },
      { commandTimeoutMs: 1.5 },
      { durability: "fsync" },
      { durability: "os" },
      { durability: "memory" },
      { durability: "never" },
      { unknownKey: true },
      { url: "redis://x", commandTimeoutMs: 100 },
    ];
    for (const name of BACKEND_NAMES) {
      const section = ConfigSchema.shape[name as keyof typeof ConfigSchema.shape];
      const descriptor = DESCRIPTORS[name]!;
      for (const sample of samples) {
        const atLoad = section
          ? section.safeParse(sample).success
          : Object.keys(sample as object).length === 0;
        expect(descriptor.configSchema.safeParse(sample).success, `${name}: ${JSON.stringify(sample)}`).toBe(
          atLoad,
        );
      }
    }
  });

  it("opens each backend through its descriptor, with its own configuration section", async () => {
    const cases = [
      { flags: { backend: "file" }, env: { TTA_DURABILITY: "fsync" }, section: { durability: "fsync" } },
      { flags: { backend: "memory" }, env: {}, section: {} },
      {
        flags: { backend: "redis", redisUrl: "redis://127.0.0.1:1" },
        env: { TTA_REDIS_COMMAND_TIMEOUT_MS: "200" },
        section: { url: "redis://127.0.0.1:1", commandTimeoutMs: 200 },
      },
      { flags: { backend: "keyv" }, env: {}, section: {} },
    ];
    for (const { flags, env, section } of cases) {
      const resolved = await loadConfig(workspace(), env, flags);
      const descriptor = DESCRIPTORS[flags.backend]!;
      const open = vi.spyOn(descriptor, "open");
      // Backends connect lazily: opening Redis on a closed port succeeds until the first call.
      const backend = await openBackend(resolved);
      try {
        expect(backend.name).toBe(flags.backend);
        expect(open).toHaveBeenCalledWith(section, { dataDir: resolved.dataDir });
      } finally {
        await backend.close();
      }
    }
  });

  it("refuses a backend whose package is not installed with NOT_SUPPORTED naming the package", async () => {
    const missing: BackendEntry = {
      package: "@tta-dev/memory-redis",
      descriptor: () =>
        Promise.reject(
          Object.assign(new Error("Cannot find package '@tta-dev/memory-redis' imported from /app/x.js"), {
            code: "ERR_MODULE_NOT_FOUND",
          }),
        ),
    };
    const resolved = await loadConfig(workspace(), {}, { backend: "redis" });
    const e = await errorOf(openBackend(resolved, { ...BACKENDS, redis: missing }));
    expect(e.code).toBe("NOT_SUPPORTED");
    expect(e.message).toContain("npm i @tta-dev/memory-redis");
    expect(e.details).toMatchObject({ backend: "redis", package: "@tta-dev/memory-redis" });
  });

  it("names the missing dependency when the backend is installed but a package it needs is not", async () => {
    const entry: BackendEntry = {
      package: "@tta-dev/memory-redis",
      descriptor: () =>
        Promise.reject(
          Object.assign(new Error("Cannot find package 'ioredis' imported from /app/connection.js"), {
            code: "ERR_MODULE_NOT_FOUND",
          }),
        ),
    };
    const e = await errorOf(loadDescriptor("redis", entry));
    expect(e.code).toBe("NOT_SUPPORTED");
    expect(e.message).toContain("'ioredis'");
  });

  it("refuses an installed package that exports no descriptor of that backend", async () => {
    const old: BackendEntry = { package: "@tta-dev/memory-file", descriptor: async () => undefined };
    expect((await errorOf(loadDescriptor("file", old))).code).toBe("NOT_SUPPORTED");
    const other: BackendEntry = {
      package: "@tta-dev/memory-file",
      descriptor: async () => inMemoryBackendDescriptor,
    };
    expect((await errorOf(loadDescriptor("file", other))).code).toBe("NOT_SUPPORTED");
  });

  it("lets other import failures through unchanged", async () => {
    const broken: BackendEntry = {
      package: "@tta-dev/memory-file",
      descriptor: () => Promise.reject(new SyntaxError("Unexpected token")),
    };
    await expect(loadDescriptor("file", broken)).rejects.toThrow(SyntaxError);
  });

  it("refuses a Keyv URL without a store, from the Keyv descriptor, with NOT_SUPPORTED", async () => {
    const resolved = await loadConfig(workspace(), { TTA_KEYV_URL: "mongodb://x" }, { backend: "keyv" });
    expect((await errorOf(openBackend(resolved))).code).toBe("NOT_SUPPORTED");
  });
});
