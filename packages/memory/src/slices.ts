/**
 * Work over a whole index written as a generator that yields at points where it may stop for a turn
 * of the event loop: {@link runSync} runs it at once, {@link runSliced} gives the loop a turn whenever
 * it has run for `budgetMs`, so that a server goes on answering while a large index is written.
 */
export type Steps<T> = Generator<void, T, void>;

/** How long (ms) sliced work runs before it gives the event loop a turn. */
export const SLICE_MS = 10;

/** Every so many items, a loop over slots or keys offers to stop. */
export const STEP_EVERY = 256;
/** A loop over slot lists offers to stop once it has walked about this many slots. */
export const STEP_SLOTS = 32_768;

export function runSync<T>(steps: Steps<T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** A clock of sliced work: `due()` once it has run for its budget; `pause()` then gives a turn. */
export class Slicer {
  private since = performance.now();
  constructor(readonly budgetMs = SLICE_MS) {}
  due(): boolean {
    return performance.now() - this.since >= this.budgetMs;
  }
  async pause(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.since = performance.now();
  }
  /** Pause when due. */
  async turn(): Promise<void> {
    if (this.due()) await this.pause();
  }
}

export async function runSliced<T>(steps: Steps<T>, slicer = new Slicer()): Promise<T> {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    if (slicer.due()) await slicer.pause();
  }
}
