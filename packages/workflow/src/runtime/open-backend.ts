import type { MemoryBackend } from "@tta-dev/core";
import { NotSupportedError } from "@tta-dev/core";
import type { ResolvedConfig } from "./load-config.js";

type Module = Record<string, unknown>;
type Factory = (options: Record<string, unknown>) => MemoryBackend;

/**
 * Await a backend package's import: backends are loaded only when chosen (start-up stays fast). The
 * callers name the package literally (`import("@tta-dev/memory-file")`) so that a bundler keeps each
 * backend in its own lazily loaded chunk.
 */
async function load(specifier: string, imported: () => Promise<unknown>, hint: string): Promise<Module> {
  try {
    return (await imported()) as Module;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") {
      throw new NotSupportedError(`${specifier} is not installed; ${hint}`, { package: specifier });
    }
    throw error;
  }
}

function factory(mod: Module, specifier: string, name: string): Factory {
  const fn = mod[name];
  if (typeof fn !== "function") {
    throw new NotSupportedError(
      `${specifier} does not export ${name}(); this build cannot open that backend.`,
      {
        package: specifier,
        export: name,
      },
    );
  }
  return fn as Factory;
}

/** The backend packages, each imported by its literal name. */
const IMPORTS = {
  "@tta-dev/memory-file": () => import("@tta-dev/memory-file"),
  "@tta-dev/memory-inmemory": () => import("@tta-dev/memory-inmemory"),
  "@tta-dev/memory-redis": () => import("@tta-dev/memory-redis"),
  "@tta-dev/memory-keyv": () => import("@tta-dev/memory-keyv"),
} satisfies Record<string, () => Promise<unknown>>;

const KEYV_STORES: Record<
  string,
  { pkg: string; make: (ctor: new (...args: unknown[]) => unknown, url: string) => unknown }
> = {
  "redis:": { pkg: "@keyv/redis", make: (C, url) => new C(url) },
  "rediss:": { pkg: "@keyv/redis", make: (C, url) => new C(url) },
  "postgres:": { pkg: "@keyv/postgres", make: (C, url) => new C({ uri: url }) },
  "postgresql:": { pkg: "@keyv/postgres", make: (C, url) => new C({ uri: url }) },
  "sqlite:": { pkg: "@keyv/sqlite", make: (C, url) => new C(url) },
};

async function keyvStore(url: string): Promise<unknown> {
  const protocol = /^[a-z]+:/i.exec(url)?.[0].toLowerCase() ?? "";
  const store = KEYV_STORES[protocol];
  if (!store) {
    throw new NotSupportedError(
      `No Keyv store for ${JSON.stringify(protocol || url)} URLs; use redis:, postgres: or sqlite:.`,
      {
        protocols: Object.keys(KEYV_STORES),
      },
    );
  }
  const mod = await load(
    store.pkg,
    () => import(store.pkg),
    `install it next to tta (npm i ${store.pkg}) to use keyv.url ${protocol}…`,
  );
  const ctor = (mod.default ?? mod[Object.keys(mod).find((k) => /^Keyv/.test(k)) ?? ""]) as unknown;
  if (typeof ctor !== "function") throw new NotSupportedError(`${store.pkg} exports no store class.`);
  return store.make(ctor as new (...args: unknown[]) => unknown, url);
}

/**
 * Open the configured backend, importing its package only now: `file` (default, `.tta/`),
 * `memory` (in-process, lost on exit), `redis` (ioredis) or `keyv` (a Keyv store from `keyv.url`,
 * or Keyv's in-process Map).
 *
 * @throws NotSupportedError when the backend's package or store adapter is not available
 */
export async function openBackend(resolved: ResolvedConfig): Promise<MemoryBackend> {
  const { config } = resolved;
  switch (resolved.backend) {
    case "file": {
      const spec = "@tta-dev/memory-file";
      const mod = await load(spec, IMPORTS[spec], "reinstall @tta-dev/workflow.");
      return factory(
        mod,
        spec,
        "createFileBackend",
      )({
        root: resolved.dataDir,
        ...(config.file?.durability ? { durability: config.file.durability } : {}),
      });
    }
    case "memory": {
      const spec = "@tta-dev/memory-inmemory";
      const mod = await load(spec, IMPORTS[spec], "reinstall @tta-dev/workflow.");
      return factory(mod, spec, "createInMemoryBackend")({});
    }
    case "redis": {
      const spec = "@tta-dev/memory-redis";
      const url = config.redis?.url ?? "redis://127.0.0.1:6379";
      const mod = await load(spec, IMPORTS[spec], "reinstall @tta-dev/workflow.");
      return factory(
        mod,
        spec,
        "createRedisBackend",
      )({
        url,
        ...(config.redis?.commandTimeoutMs ? { commandTimeoutMs: config.redis.commandTimeoutMs } : {}),
      });
    }
    case "keyv": {
      const spec = "@tta-dev/memory-keyv";
      const mod = await load(spec, IMPORTS[spec], "reinstall @tta-dev/workflow.");
      const create = factory(mod, spec, "createKeyvBackend");
      return create(config.keyv?.url ? { store: await keyvStore(config.keyv.url) } : {});
    }
  }
}
