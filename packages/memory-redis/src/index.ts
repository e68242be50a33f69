export type { ConnectionOptions, RedisClient } from "./connection.js";
export { redisBackendDescriptor } from "./descriptor.js";
export { mapDriverError } from "./driver-errors.js";
export { type ScopeKeys, scopeKeys } from "./keys.js";
export { createRedisBackend, type RedisBackend, type RedisBackendOptions } from "./redis-backend.js";
export { LUA_SOURCES } from "./scripts.js";
export { keySlot } from "./slot.js";
