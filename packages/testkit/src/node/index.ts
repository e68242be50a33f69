export { freePort } from "./free-port.js";
export {
  cleanEnv,
  lastJsonLine,
  type NodeChild,
  type NodeChildExit,
  runNode,
  type SpawnNodeOptions,
  spawnNode,
  TS_SOURCE_ARGS,
} from "./spawn-node.js";
