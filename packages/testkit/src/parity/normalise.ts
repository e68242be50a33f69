const ISO = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z\b/g;
const MEM = /\bmem_[0-9A-HJKMNP-TV-Z]{26}\b/g;
/** Measured durations: they differ from run to run by nature. */
const TIMING_KEYS = new Set(["latencyMs", "tookMs", "elapsedMs", "durationMs"]);

/**
 * A normaliser for comparing two faces of the contract: memory ids numbered by first appearance,
 * timestamps and timings blanked, scores to 4 decimals (ranking decays with age).
 */
export function parityNormaliser(): (value: unknown) => unknown {
  const ids = new Map<string, string>();
  const walk = (v: unknown, key?: string): unknown => {
    if (typeof v === "string") {
      return v
        .replace(MEM, (id) => {
          if (!ids.has(id)) ids.set(id, `mem_#${ids.size + 1}`);
          return ids.get(id)!;
        })
        .replace(ISO, "<time>");
    }
    if (typeof v === "number" && key && TIMING_KEYS.has(key)) return "<ms>";
    // Ranking decays with age, so two runs seconds apart differ in the ninth digit (the score) or the
    // sixth (its recency part in an explain).
    if (typeof v === "number" && (key === "score" || key === "recency")) return Number(v.toFixed(4));
    if (Array.isArray(v)) return v.map((x) => walk(x));
    if (v && typeof v === "object") {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, k)]));
    }
    return v;
  };
  return (v: unknown) => walk(v);
}

/** The step with `{mem}` replaced by the deep memory that side created. */
export function fillMemoryId<T>(value: T, mem: string): T {
  return JSON.parse(JSON.stringify(value).replaceAll("{mem}", mem)) as T;
}
