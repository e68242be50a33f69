import type { OutputOf } from "@tta-dev/contract";
import { type MemoryBackend, toTtaError } from "@tta-dev/core";
import type { ResolvedConfig } from "@tta-dev/workflow/runtime";
import { cliVersion } from "../version.js";

/** The `system.doctor` report: backend, capabilities, a timed ping, and where the configuration came from. */
export async function doctorReport(
  backend: MemoryBackend,
  resolved: ResolvedConfig,
): Promise<OutputOf<"system.doctor">> {
  const start = performance.now();
  let error: { code: string; message: string } | undefined;
  try {
    await backend.ping();
  } catch (e) {
    const t = toTtaError(e);
    error = { code: t.code, message: t.message };
  }
  const latencyMs = Math.round((performance.now() - start) * 100) / 100;
  return {
    ok: error === undefined,
    version: cliVersion(),
    node: process.version,
    namespace: resolved.namespace,
    backend: {
      name: backend.name,
      capabilities: { ...backend.capabilities },
      connectivity: { ok: error === undefined, latencyMs, ...(error ? { error } : {}) },
    },
    config: { sources: resolved.sources.map((s) => ({ ...s, keys: [...s.keys] })) },
  };
}

const yes = (b: boolean) => (b ? "yes" : "no");

/** The doctor report as a readable table. */
export function formatDoctor(report: OutputOf<"system.doctor">, resolved: ResolvedConfig): string {
  const c = report.backend.capabilities;
  const conn = report.backend.connectivity;
  const lines = [
    `tta ${report.version} on Node ${report.node}`,
    `backend       ${report.backend.name}${resolved.backend === "file" ? ` (${resolved.dataDir})` : ""}`,
    `namespace     ${report.namespace}`,
    `connectivity  ${conn.ok ? "ok" : `FAILED ${conn.error?.code}: ${conn.error?.message}`} (${conn.latencyMs} ms)`,
    "capabilities",
    `  atomicCompareAndSet  ${yes(c.atomicCompareAndSet)}`,
    `  crossProcess         ${yes(c.crossProcess)}`,
    `  nativeTtl            ${yes(c.nativeTtl)}`,
    `  durability           ${c.durability}`,
    "configuration",
    ...report.config.sources.map((s) => `  ${s.kind.padEnd(8)} ${s.name}: ${s.keys.join(", ")}`),
  ];
  return `${lines.join("\n")}\n`;
}
