export { type CountingProxy, startCountingProxy } from "./counting-proxy.js";
export {
  freePort,
  probe,
  REDIS_CLI_BIN,
  REDIS_SERVER_BIN,
  type RedisClusterHandle,
  type RedisServerHandle,
  type RedisServerOptions,
  redisServerAvailable,
  startRedisCluster,
  startRedisServer,
} from "./redis-server.js";
