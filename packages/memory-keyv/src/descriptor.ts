import { type BackendDescriptor, NotSupportedError } from "@tta-dev/core";
import { z } from "zod";
import { createKeyvBackend, type KeyvBackendOptions } from "./keyv-backend.js";

type StoreClass = new (...args: unknown[]) => unknown;

/** The Keyv store adapter for each URL scheme: an optional install next to tta. */
const STORES: Record<string, { pkg: string; make: (C: StoreClass, url: string) => unknown }> = {
  "redis:": { pkg: "@keyv/redis", make: (C, url) => new C(url) },
  "rediss:": { pkg: "@keyv/redis", make: (C, url) => new C(url) },
  "postgres:": { pkg: "@keyv/postgres", make: (C, url) => new C({ uri: url }) },
  "postgresql:": { pkg: "@keyv/postgres", make: (C, url) => new C({ uri: url }) },
  "sqlite:": { pkg: "@keyv/sqlite", make: (C, url) => new C(url) },
};

async function storeFor(url: string): Promise<KeyvBackendOptions["store"]> {
  const protocol = /^[a-z]+:/i.exec(url)?.[0].toLowerCase() ?? "";
  const store = STORES[protocol];
  if (!store) {
    throw new NotSupportedError(
      `No Keyv store for ${JSON.stringify(protocol || url)} URLs; use redis:, postgres: or sqlite:.`,
      { protocols: Object.keys(STORES) },
    );
  }
  let mod: Record<string, unknown>;
  try {
    mod = (await import(store.pkg)) as Record<string, unknown>;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "ERR_MODULE_NOT_FOUND" && code !== "MODULE_NOT_FOUND") throw error;
    throw new NotSupportedError(
      `${store.pkg} is not installed; install it next to tta (npm i ${store.pkg}) to use keyv.url ${protocol}…`,
      { package: store.pkg },
    );
  }
  const ctor = mod.default ?? mod[Object.keys(mod).find((k) => /^Keyv/.test(k)) ?? ""];
  if (typeof ctor !== "function") throw new NotSupportedError(`${store.pkg} exports no store class.`);
  return store.make(ctor as StoreClass, url) as KeyvBackendOptions["store"];
}

const KeyvConfig = z.strictObject({
  /** A store URL (`redis:`, `postgres:`, `sqlite:`); without one, Keyv's in-process Map. */
  url: z.string().min(1).optional(),
});

/**
 * `backend: keyv`: the `keyv:` section's `url` picks the Keyv store adapter, imported only then
 * (`@keyv/redis`, `@keyv/postgres` or `@keyv/sqlite`, installed separately); without a URL the data
 * stays in Keyv's in-process Map.
 *
 * @throws NotSupportedError for a URL scheme without a store, or a store adapter that is not installed
 * @example
 * const backend = await keyvBackendDescriptor.open({ url: "redis://127.0.0.1:6379" }, { dataDir: ".tta" });
 */
export const keyvBackendDescriptor: BackendDescriptor<z.infer<typeof KeyvConfig>> = {
  name: "keyv",
  configSchema: KeyvConfig,
  open: async (config) => createKeyvBackend(config.url ? { store: await storeFor(config.url) } : {}),
};
