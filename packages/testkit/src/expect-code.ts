import { type ErrorCode, hasErrorCode, type TtaError } from "@tta-dev/core";

type Caught = { code: string; details: Record<string, unknown> };

function checked(outcome: { threw: boolean; error?: unknown }, code: ErrorCode): TtaError {
  if (!outcome.threw) throw new Error(`expected a ${code} error, got success`);
  if (!hasErrorCode(outcome.error, code)) {
    const got = (outcome.error as { code?: string })?.code ?? String(outcome.error);
    throw new Error(`expected ${code}, got ${got}`);
  }
  return outcome.error;
}

/**
 * Assert that an action fails with a tta error of `code`, and return the error (for its message and
 * details). Takes a promise or a function returning one (the result is a promise), or a plain
 * function (the error comes at once).
 *
 * @example
 * const { details } = await expectCode(backend.put(scope, "k", 1, { ifVersion: 9 }), "VERSION_CONFLICT");
 * expect(expectCode(() => parsePolicyFile(text), "VALIDATION_FAILED").message).toContain("stages");
 */
export function expectCode(
  action: PromiseLike<unknown> | (() => PromiseLike<unknown>),
  code: ErrorCode,
): Promise<Caught>;
export function expectCode(action: () => unknown, code: ErrorCode): TtaError;
export function expectCode(
  action: PromiseLike<unknown> | (() => unknown),
  code: ErrorCode,
): TtaError | Promise<Caught> {
  let result: unknown = action;
  if (typeof action === "function") {
    try {
      result = action();
    } catch (error) {
      return checked({ threw: true, error }, code);
    }
    if (typeof (result as PromiseLike<unknown> | undefined)?.then !== "function") {
      return checked({ threw: false }, code);
    }
  }
  return Promise.resolve(result).then(
    () => checked({ threw: false }, code),
    (error: unknown) => checked({ threw: true, error }, code),
  );
}
