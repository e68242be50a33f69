import { type ErrorCode, hasErrorCode } from "@tta-dev/core";
import { expect } from "vitest";

/** Assert that `promise` rejects with a tta error of `code`; returns the error. */
export async function expectCode(
  promise: Promise<unknown>,
  code: ErrorCode,
): Promise<{ code: string; details: Record<string, unknown> }> {
  let caught: unknown;
  try {
    await promise;
  } catch (e) {
    caught = e;
  }
  expect(caught, `expected a ${code} error`).toBeDefined();
  if (!hasErrorCode(caught, code)) {
    throw new Error(`expected ${code}, got ${(caught as { code?: string })?.code ?? String(caught)}`);
  }
  return caught as { code: string; details: Record<string, unknown> };
}
