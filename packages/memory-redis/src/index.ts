export type { ConnectionOptions, RedisClient } from "./connection.js";
export { redisBackendDescriptor } from "./descriptor.js";
export { createRedisBackend, type RedisBackend, type RedisBackendOptions } from "./redis-backend.js";
