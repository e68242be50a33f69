/**
 * Runs tasks one at a time per lane, in arrival order. Keyv has no compare-and-set, so every
 * read-check-write of one scope goes through its lane: within one process that makes it atomic.
 */
export interface WriteQueue {
  /** Run `task` after every earlier task of `lane` has settled; resolves or rejects with it. */
  run<T>(lane: string, task: () => Promise<T>): Promise<T>;
  /** Resolves when every task queued so far has settled. */
  drain(): Promise<void>;
}

/**
 * Create an in-process queue with one lane per key (a scope). Idle lanes are forgotten, so the
 * queue holds memory only for scopes with writes in flight.
 *
 * @example
 * const queue = createWriteQueue();
 * await queue.run("tta:{acme}:notes", async () => { ... });
 */
export function createWriteQueue(): WriteQueue {
  const tails = new Map<string, Promise<unknown>>();

  return {
    run<T>(lane: string, task: () => Promise<T>): Promise<T> {
      const previous = tails.get(lane) ?? Promise.resolve();
      const result = previous.then(() => task());
      const tail = result.then(
        () => undefined,
        () => undefined,
      );
      tails.set(lane, tail);
      void tail.then(() => {
        if (tails.get(lane) === tail) tails.delete(lane);
      });
      return result;
    },

    async drain(): Promise<void> {
      await Promise.all([...tails.values()]);
    },
  };
}
