export type { ConnectionOptions, RedisClient } from "./connection.js";
export { createRedisBackend, type RedisBackend, type RedisBackendOptions } from "./redis-backend.js";
