/**
 * Generated deep memories for tests and benchmarks that need a large store: the same content in every
 * run, so that their searches find the same hits and their figures can be compared between runs.
 */

const WORDS = "redis cache pool cluster slot key value ttl expiry lock queue shard replica".split(" ");

/** What {@link populateMemories} passes to `create`: a valid `memory.create` input. */
export interface SampleMemory {
  content: string;
  tags: string[];
}

/**
 * The `n`-th generated memory: 30 words over a 13-word vocabulary (about 7 distinct words each, so
 * every word is in roughly half of the memories: a search for one scores very many postings), then
 * `note <n>`, with one of 20 tags.
 *
 * @example
 * sampleMemory(3); // { content: "key value redis … note 3", tags: ["t3"] }
 */
export function sampleMemory(n: number): SampleMemory {
  const words = Array.from({ length: 30 }, (_, k) => WORDS[(n * 7 + k * k) % WORDS.length]);
  return { content: `${words.join(" ")} note ${n}`, tags: [`t${n % 20}`] };
}

/** How {@link populateMemories} writes. */
export interface PopulateOptions {
  /** Writes in flight at once (default 50). */
  concurrency?: number;
  /** The number of the first memory (default 0), to add to a store populated before. */
  from?: number;
}

/**
 * Write `count` generated memories ({@link sampleMemory}) through `create` — a `memory.create`
 * handler, a store's `memories.create`, or an HTTP client call — `concurrency` at a time.
 *
 * @example
 * await populateMemories((input) => handlers["memory.create"](input, { namespace: "default" }), 10_000);
 */
export async function populateMemories(
  create: (input: SampleMemory) => Promise<unknown>,
  count: number,
  options: PopulateOptions = {},
): Promise<void> {
  const concurrency = Math.max(1, options.concurrency ?? 50);
  const from = options.from ?? 0;
  for (let i = 0; i < count; i += concurrency) {
    const batch = Math.min(concurrency, count - i);
    await Promise.all(Array.from({ length: batch }, (_, j) => create(sampleMemory(from + i + j))));
  }
}
