export {
  probe,
  REDIS_CLI_BIN,
  REDIS_SERVER_BIN,
  type RedisClusterHandle,
  type RedisServerHandle,
  type RedisServerOptions,
  redisServerAvailable,
  redisServerOrSkip,
  startRedisCluster,
  startRedisServer,
  type TestRedis,
  testRedis,
} from "./redis-server.js";
