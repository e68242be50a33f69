/**
 * The queries of the relevance benchmark, each with the ids of the memories that answer it. They are
 * written the way someone asks, not the way the memory was written: paraphrases, the other number
 * (plural/singular), other verb forms, stop words around the terms, and one-letter typos.
 */

/** How a query differs from the memories it should find. */
export type QueryForm = "paraphrase" | "number" | "verb" | "stop words" | "typo";

/** One benchmark query. */
export interface BenchQuery {
  query: string;
  relevant: string[];
  form: QueryForm;
}

/** The queries, each with its relevant memory ids. */
export const BENCH_QUERIES: readonly BenchQuery[] = [
  // Plural / singular.
  { query: "pooled connection", relevant: ["redis-1"], form: "number" },
  { query: "concurrent index locks", relevant: ["postgres-1"], form: "number" },
  { query: "refresh token families", relevant: ["auth-1"], form: "number" },
  { query: "flaky test sleeps", relevant: ["ci-2"], form: "number" },
  { query: "poison message dead letter", relevant: ["queues-2"], form: "number" },
  { query: "webhook signature", relevant: ["payments-5"], form: "number" },
  { query: "presigned url", relevant: ["storage-1"], form: "number" },
  { query: "deadlock accounts", relevant: ["postgres-11"], form: "number" },
  { query: "OOMKilled pod", relevant: ["kubernetes-1"], form: "number" },
  { query: "feature flag", relevant: ["deploy-2"], form: "number" },
  { query: "duplicate orders idempotency key", relevant: ["api-3"], form: "number" },
  { query: "versioned cache key", relevant: ["caching-4"], form: "number" },
  { query: "alerts runbook", relevant: ["monitoring-3"], form: "number" },
  { query: "read replica", relevant: ["postgres-10"], form: "number" },
  // Other verb forms.
  { query: "invalidating stale price", relevant: ["caching-1"], form: "verb" },
  { query: "pipeline redis command", relevant: ["redis-11"], form: "verb" },
  { query: "backfilled in batches", relevant: ["migrations-3"], form: "verb" },
  { query: "hash password", relevant: ["auth-4"], form: "verb" },
  { query: "rebasing on main", relevant: ["git-2"], form: "verb" },
  { query: "aborting fetches", relevant: ["react-6"], form: "verb" },
  { query: "stream exports", relevant: ["performance-12"], form: "verb" },
  { query: "lazily loading charts", relevant: ["react-9"], form: "verb" },
  { query: "rotating secret", relevant: ["security-8"], form: "verb" },
  { query: "reconcile payout", relevant: ["payments-9"], form: "verb" },
  { query: "trace sampling", relevant: ["monitoring-11"], form: "verb" },
  { query: "scheduler running jobs twice", relevant: ["queues-7"], form: "verb" },
  { query: "renaming columns rolling deploy", relevant: ["migrations-2"], form: "verb" },
  { query: "compressing small responses", relevant: ["api-10"], form: "verb" },
  // Stop words around the terms.
  { query: "what is the way to use SCAN instead of KEYS", relevant: ["redis-4"], form: "stop words" },
  { query: "how do we store money", relevant: ["postgres-7"], form: "stop words" },
  { query: "why are our emails in the spam", relevant: ["email-1"], form: "stop words" },
  { query: "is there a limit on the body of a request", relevant: ["api-12"], form: "stop words" },
  { query: "what to do about a stampede", relevant: ["caching-2"], form: "stop words" },
  { query: "when do the migrations run", relevant: ["migrations-7"], form: "stop words" },
  { query: "which library writes the logs", relevant: ["logging-1"], form: "stop words" },
  { query: "should we use Elasticsearch", relevant: ["search-3"], form: "stop words" },
  { query: "what if the app does not handle SIGTERM", relevant: ["docker-5"], form: "stop words" },
  { query: "can tests share one namespace", relevant: ["testing-1"], form: "stop words" },
  { query: "how long does an access token live", relevant: ["auth-2"], form: "stop words" },
  { query: "where do we get the secrets from", relevant: ["kubernetes-8"], form: "stop words" },
  { query: "who holds the card data", relevant: ["payments-3"], form: "stop words" },
  // Paraphrases.
  { query: "redis noeviction out of memory", relevant: ["redis-2"], form: "paraphrase" },
  { query: "open transaction during http call", relevant: ["postgres-2"], form: "paraphrase" },
  { query: "password reset did not end sessions", relevant: ["auth-7"], form: "paraphrase" },
  { query: "rows keyed by index", relevant: ["react-2"], form: "paraphrase" },
  { query: "huge docker image", relevant: ["docker-4"], form: "paraphrase" },
  { query: "liveness probe database", relevant: ["kubernetes-4"], form: "paraphrase" },
  { query: "personal data in logs", relevant: ["logging-2"], form: "paraphrase" },
  { query: "offset pagination skipped rows", relevant: ["api-2"], form: "paraphrase" },
  { query: "queue delivers at least once", relevant: ["queues-1"], form: "paraphrase" },
  { query: "sql injection", relevant: ["security-1"], form: "paraphrase" },
  { query: "comment author loaded separately", relevant: ["performance-2"], form: "paraphrase" },
  { query: "api keys committed to the repository", relevant: ["git-11"], form: "paraphrase" },
  { query: "instanceof across packages", relevant: ["typescript-7"], form: "paraphrase" },
  { query: "unhandled promise rejection", relevant: ["node-1"], form: "paraphrase" },
  { query: "too many time series", relevant: ["monitoring-6"], form: "paraphrase" },
  { query: "backups were empty", relevant: ["storage-11"], form: "paraphrase" },
  { query: "invoice email sent forty times", relevant: ["email-6"], form: "paraphrase" },
  { query: "refund paid out twice", relevant: ["payments-6"], form: "paraphrase" },
  { query: "setup took days for a new developer", relevant: ["onboarding-1"], form: "paraphrase" },
  { query: "circuit breaker", relevant: ["architecture-9"], form: "paraphrase" },
  // One-letter typos.
  { query: "clustr hash tags", relevant: ["redis-5"], form: "typo" },
  { query: "autovacum bloat", relevant: ["postgres-5"], form: "typo" },
  { query: "oauth state paramter", relevant: ["auth-6"], form: "typo" },
  { query: "expiry jiter", relevant: ["caching-6"], form: "typo" },
  { query: "pnpm stor cache", relevant: ["ci-1"], form: "typo" },
  { query: "hydation errors", relevant: ["react-5"], form: "typo" },
  { query: "advisory lok", relevant: ["migrations-4"], form: "typo" },
  { query: "non-root uesr", relevant: ["docker-2"], form: "typo" },
  { query: "regex backtrackng", relevant: ["performance-7"], form: "typo" },
  { query: "outbox patern", relevant: ["queues-6"], form: "typo" },
  { query: "argon2id pasword", relevant: ["auth-4"], form: "typo" },
  { query: "stampde", relevant: ["caching-2"], form: "typo" },
];
