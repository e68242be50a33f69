/** Measurement helpers shared by the benchmarks: alternating rounds, medians, CPU, a Markdown table. */

export interface Stats {
  median: number;
  p99: number;
  mean: number;
  /** Client CPU (user + system) per call, µs: the part of the cost this process adds. */
  cpu: number;
}

function stats(samples: number[], cpuMicros: number): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return {
    median: at(0.5),
    p99: at(0.99),
    mean: samples.reduce((a, b) => a + b, 0) / samples.length,
    cpu: cpuMicros / samples.length,
  };
}

/** Per-op latency in µs of each function; they alternate in rounds so all see the same machine state. */
export async function compare<T extends (() => Promise<unknown>)[]>(
  rounds: number,
  perRound: number,
  fns: [...T],
): Promise<{ [K in keyof T]: Stats }> {
  const samples = fns.map((): number[] => []);
  const cpu = fns.map(() => 0);
  for (let i = 0; i < 300; i++) for (const fn of fns) await fn();
  for (let r = 0; r < rounds; r++) {
    for (let f = 0; f < fns.length; f++) {
      const fn = fns[f]!;
      const into = samples[f]!;
      const before = process.cpuUsage();
      for (let i = 0; i < perRound; i++) {
        const t = process.hrtime.bigint();
        await fn();
        into.push(Number(process.hrtime.bigint() - t) / 1000);
      }
      const used = process.cpuUsage(before);
      cpu[f]! += used.user + used.system;
    }
  }
  return samples.map((x, i) => stats(x, cpu[i]!)) as { [K in keyof T]: Stats };
}

export const us = (n: number): string => `${n.toFixed(1)} µs`;
export const rate = (n: number): string => `${Math.round(n).toLocaleString("en-US")}/s`;

/** A Markdown table, columns padded to their widest cell. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  return `${[line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n")}\n`;
}
