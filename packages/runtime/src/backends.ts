import type { BackendName } from "@tta-dev/contract";
import { type BackendDescriptor, NotSupportedError } from "@tta-dev/core";

/** One registry line: the backend's package and how to import its descriptor. */
export interface BackendEntry {
  package: string;
  descriptor(): Promise<BackendDescriptor | undefined>;
}

/** A registry line: `pkg` imported by `load` (named literally by the caller), its export `key`. */
function entry<K extends string, M extends Record<K, BackendDescriptor>>(
  pkg: string,
  load: () => Promise<M>,
  key: K,
): BackendEntry {
  return { package: pkg, descriptor: async () => (await load())[key] };
}

/**
 * Every backend `backend:` may name, one line each. Each package is imported only when chosen, and
 * by its literal name, so that a bundler keeps each backend in a lazily loaded chunk of its own.
 */
// biome-ignore format: one line per backend
export const BACKENDS: Readonly<Record<BackendName, BackendEntry>> = {
  file: entry("@tta-dev/memory-file", () => import("@tta-dev/memory-file"), "fileBackendDescriptor"),
  memory: entry("@tta-dev/memory-inmemory", () => import("@tta-dev/memory-inmemory"), "inMemoryBackendDescriptor"),
  redis: entry("@tta-dev/memory-redis", () => import("@tta-dev/memory-redis"), "redisBackendDescriptor"),
  keyv: entry("@tta-dev/memory-keyv", () => import("@tta-dev/memory-keyv"), "keyvBackendDescriptor"),
};

function isModuleNotFound(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND";
}

/**
 * Import the descriptor of one registry entry.
 *
 * @throws NotSupportedError when the backend's package (or a package it needs) is not installed, or
 *   when the installed version exports no descriptor
 */
export async function loadDescriptor(name: string, entry: BackendEntry): Promise<BackendDescriptor> {
  let descriptor: BackendDescriptor | undefined;
  try {
    descriptor = await entry.descriptor();
  } catch (error) {
    if (!isModuleNotFound(error)) throw error;
    const message = (error as Error).message;
    const self = message.includes(`'${entry.package}'`) || message.includes(`"${entry.package}"`);
    throw new NotSupportedError(
      self
        ? `The ${name} backend needs ${entry.package}, which is not installed; install it next to @tta-dev/runtime (npm i ${entry.package}).`
        : `The ${name} backend cannot load: ${message.split("\n")[0]}`,
      { backend: name, package: entry.package },
    );
  }
  if (!descriptor || descriptor.name !== name || typeof descriptor.open !== "function") {
    throw new NotSupportedError(
      `${entry.package} exports no descriptor of the ${name} backend; install a version that matches @tta-dev/runtime.`,
      { backend: name, package: entry.package },
    );
  }
  return descriptor;
}
