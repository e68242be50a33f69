import type { Cluster, Redis } from "ioredis";
import type { RedisClient } from "./connection.js";

async function scanNode(node: Redis, pattern: string, into: Set<string>): Promise<void> {
  let cursor = "0";
  do {
    const [next, keys] = await node.scan(cursor, "MATCH", pattern, "COUNT", 1000);
    for (const k of keys) into.add(k);
    cursor = next;
  } while (cursor !== "0");
}

/**
 * Every key of one namespace (`root:{ns}…` and `root:{ns:partition}…`) on every master: for
 * conformance tests and tools, never on a hot path. Encoded namespaces hold no glob characters.
 */
export async function scanKeys(
  client: RedisClient,
  root: string,
  encodedNamespace: string,
): Promise<string[]> {
  const nodes = client.isCluster ? (client as Cluster).nodes("master") : [client as Redis];
  const found = new Set<string>();
  for (const node of nodes) {
    await scanNode(node, `${root}:{${encodedNamespace}}*`, found);
    await scanNode(node, `${root}:{${encodedNamespace}:*`, found);
  }
  return [...found].sort();
}
