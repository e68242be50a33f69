import type { OutputOf } from "@tta-dev/contract";
import type { ResolvedConfig } from "@tta-dev/runtime";

type StoreCheck = OutputOf<"system.doctor">["store"];

const yes = (b: boolean) => (b ? "yes" : "no");

function storeLines(store: StoreCheck): string[] {
  if (!store.inspected) return ["stored data  not checked (this backend keeps its own integrity)"];
  if (store.problems.length === 0) return [`stored data  ok (${store.checked} files read)`];
  const repairable = store.problems.filter((p) => p.repairable).length;
  return [
    `stored data  ${store.problems.length} problem${store.problems.length === 1 ? "" : "s"} (${store.checked} files read)`,
    ...store.problems.map(
      (p) =>
        `  ${p.place}${p.line !== undefined ? `:${p.line}` : ""}  ${p.message}${p.repairable ? "" : " (not repairable)"}`,
    ),
    repairable
      ? "  `tta repair --dry-run` shows what `tta repair` would set aside (nothing is deleted)"
      : "  none of these can be set aside automatically",
  ];
}

/** The size of each store, or why there are none. */
function sizeLines(sizes: OutputOf<"system.doctor">["sizes"]): string[] {
  if (!sizes) return ["store sizes  unknown (the store could not be read)"];
  return [
    "store sizes",
    `  sessions        ${sizes.sessions}`,
    `  messages        ${sizes.messages}`,
    `  cache           ${sizes.cache} live`,
    `  memories        ${sizes.memories}`,
    `  memory-changes  ${sizes.memoryChanges} log entries`,
    `  groups          ${sizes.groups}`,
  ];
}

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
    ...storeLines(report.store),
    ...sizeLines(report.sizes),
    "configuration",
    ...report.config.sources.map((s) => `  ${s.kind.padEnd(8)} ${s.name}: ${s.keys.join(", ")}`),
  ];
  return `${lines.join("\n")}\n`;
}
