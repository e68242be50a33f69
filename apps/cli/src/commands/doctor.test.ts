import { operations } from "@tta-dev/contract";
import { describe, expect, it } from "vitest";
import { runCli } from "../../test/harness.js";

describe("tta doctor", () => {
  it("reports the in-memory backend, its capabilities and the config sources as the contract's output", async () => {
    const r = await runCli(["doctor", "--backend", "memory", "--json"]);
    expect(r.code).toBe(0);
    const report = operations["system.doctor"].output.parse(JSON.parse(r.stdout));
    expect(report.ok).toBe(true);
    expect(report.backend.name).toBe("memory");
    expect(report.backend.capabilities).toEqual({
      atomicCompareAndSet: true,
      crossProcess: false,
      nativeTtl: false,
      durability: "memory",
    });
    expect(report.config.sources).toContainEqual({ kind: "flag", name: "--backend", keys: ["backend"] });
  });

  it("prints a readable capability table, or nothing with --quiet", async () => {
    const r = await runCli(["doctor", "--backend", "memory"]);
    expect(r.stdout).toMatch(/connectivity\s+ok/);
    expect(r.stdout).toMatch(/crossProcess\s+no/);
    expect(r.stdout).toMatch(/store sizes\n {2}sessions +0\n {2}messages +0\n/);
    expect((await runCli(["doctor", "--backend", "memory", "--quiet"])).stdout).toBe("");
  });

  it("reports an unreachable Redis within its timeout and exits 5", async () => {
    const started = Date.now();
    const r = await runCli(["doctor", "--backend", "redis", "--redis-url", "redis://127.0.0.1:1", "--json"], {
      env: { TTA_REDIS_COMMAND_TIMEOUT_MS: "300" },
    });
    expect(r.code).toBe(5);
    const report = operations["system.doctor"].output.parse(JSON.parse(r.stdout));
    expect(report.ok).toBe(false);
    expect(report.backend.connectivity.error?.code).toBe("BACKEND_UNAVAILABLE");
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("opens the Keyv backend on Keyv's in-process Map and says it is not cross-process", async () => {
    const r = await runCli(["doctor", "--backend", "keyv", "--json"]);
    expect(r.code).toBe(0);
    const report = operations["system.doctor"].output.parse(JSON.parse(r.stdout));
    expect(report.backend.name).toBe("keyv");
    expect(report.backend.capabilities).toMatchObject({ atomicCompareAndSet: false, crossProcess: false });
  });

  it("refuses a Keyv URL it has no store for with NOT_SUPPORTED (exit 5)", async () => {
    const r = await runCli(["doctor", "--backend", "keyv", "--json"], {
      env: { TTA_KEYV_URL: "mongodb://x" },
    });
    expect(r.code).toBe(5);
    expect(JSON.parse(r.stderr).error.code).toBe("NOT_SUPPORTED");
  });
});
