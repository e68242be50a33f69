import type { CliOutput } from "../../io.js";

/** Where an import reports how far it got. */
export interface Progress {
  /** `phase` (`checking`, `importing`) has read `bytes` of the file and met `messages` messages. */
  update(phase: string, bytes: number, messages: number): void;
  /** The last update is shown in full, then a newline. */
  done(): void;
}

/** A progress that shows nothing (stderr is not a terminal, `-q`, `--json`). */
export const silentProgress: Progress = { update() {}, done() {} };

/** Bytes in the unit of `total`: KiB under a MiB, else MiB. */
function unitOf(total: number): [number, string] {
  return total < 1 << 20 ? [1 << 10, "KiB"] : [1 << 20, "MiB"];
}

/**
 * One status line on a terminal, rewritten in place (`\r`) at most every `everyMs`: bytes read of
 * the total, messages (or the `unit` counted), and the rate of the current phase.
 *
 * @example
 * const progress = createProgress(process.stderr, "t.jsonl", size);
 * progress.update("importing", 1 << 20, 42);
 * progress.done();
 */
export function createProgress(
  stream: CliOutput,
  label: string,
  total: number,
  options: { now?: () => number; everyMs?: number; unit?: string } = {},
): Progress {
  const now = options.now ?? Date.now;
  const everyMs = options.everyMs ?? 100;
  const noun = options.unit ?? "messages";
  let phase = "";
  let started = now();
  let shownAt = Number.NEGATIVE_INFINITY;
  let last = { bytes: 0, messages: 0 };
  let shown = false;
  const [size, unit] = unitOf(total);
  const n = (bytes: number) => (bytes / size).toFixed(1);
  const render = () => {
    const seconds = Math.max(0.001, (now() - started) / 1000);
    const pct = total > 0 ? Math.floor((last.bytes / total) * 100) : 100;
    stream.write(
      `\r\x1b[K${phase} ${label}: ${n(last.bytes)} of ${n(total)} ${unit} (${pct}%), ${noun ? `${last.messages} ${noun}, ` : ""}${n(last.bytes / seconds)} ${unit}/s`,
    );
    shown = true;
    shownAt = now();
  };
  return {
    update(next, bytes, messages) {
      if (next !== phase) {
        phase = next;
        started = now();
        shownAt = Number.NEGATIVE_INFINITY;
      }
      last = { bytes, messages };
      if (now() - shownAt >= everyMs) render();
    },
    done() {
      if (phase) render();
      if (shown) stream.write("\n");
    },
  };
}
