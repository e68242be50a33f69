import { isTtaError } from "@tta-dev/core";
import { expect } from "vitest";

/** Run `fn`, expect it to fail with `code`, and return how long it took (ms). */
export async function failsWith(code: string, fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  let error: unknown;
  try {
    await fn();
  } catch (e) {
    error = e;
  }
  const elapsed = performance.now() - start;
  expect(isTtaError(error) ? error.code : error, String(error)).toBe(code);
  return elapsed;
}

/** A namespace no other test uses. */
export function uniqueNamespace(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}
