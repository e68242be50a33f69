import { isKeyOfNamespace, NotSupportedError } from "@tta-dev/core";
import type { Keyv } from "keyv";

/**
 * Every key the Keyv store holds for one tta namespace, in the form the backend wrote it (Keyv's
 * own namespace prefix removed). Walks the whole store: for tests and diagnostics, not hot paths.
 * Works for Keyv's Map and for adapters with an `iterator` (Redis SCAN, a SQL table).
 *
 * @example
 * await listNamespaceKeys(backend.keyv, "acme"); // ["tta:{acme}:notes:i", "tta:{acme}:notes:r:a", …]
 */
export async function listNamespaceKeys(keyv: Keyv, namespace: string): Promise<string[]> {
  const store = keyv.store as {
    namespace?: string;
    keys?: () => Iterable<unknown>;
    iterator?: (ns?: string) => AsyncIterable<unknown[]>;
  };
  const all: string[] = [];
  if (store instanceof Map) {
    for (const key of store.keys()) all.push(String(key));
  } else if (typeof store.iterator === "function") {
    for await (const [key] of store.iterator(store.namespace)) all.push(String(key));
  } else {
    throw new NotSupportedError("This Keyv store cannot list its keys.", { backend: "keyv" });
  }
  const prefix = keyv.useKeyPrefix && keyv.namespace ? `${keyv.namespace}:` : "";
  return all
    .map((key) => (prefix && key.startsWith(prefix) ? key.slice(prefix.length) : key))
    .filter((key) => isKeyOfNamespace(key, namespace))
    .sort();
}
