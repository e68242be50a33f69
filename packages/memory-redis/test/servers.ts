import { redisServerAvailable } from "@tta-dev/testkit/redis";

/**
 * Whether tests that need `redis-server` run here. Without it they are skipped loudly, except under
 * `CI=true`, where they run and fail.
 */
export async function serverTestsEnabled(): Promise<boolean> {
  if (await redisServerAvailable()) return true;
  if (process.env.CI === "true") return true;
  process.stderr.write(
    "memory-redis: redis-server not found; server tests SKIPPED (they fail under CI=true)\n",
  );
  return false;
}
