import type { ResolvedConfig } from "@tta-dev/runtime";

/** Backends whose data lives only as long as the process: a one-shot command would lose every write. */
export function ephemeralBackend(resolved: ResolvedConfig): string | null {
  if (resolved.backend === "memory") return "memory";
  if (resolved.backend === "keyv" && !resolved.config.keyv?.url) return "keyv (without keyv.url)";
  return null;
}
