import { isTtaError } from "@tta-dev/core";

type Code = string | undefined;

function codeOfError(error: unknown): string {
  return isTtaError(error) ? error.code : `not a tta error: ${String(error)}`;
}

/**
 * The code of the tta error an action fails with, `undefined` when it succeeds, and
 * `not a tta error: …` for any other throw, so that an assertion on the code names what happened.
 * Takes a promise, a function returning a promise (the result is a promise), or a plain function
 * (the result comes at once).
 *
 * @example
 * expect(codeOf(() => parseDuration("soon", "--ttl"))).toBe("VALIDATION_FAILED");
 * expect(await codeOf(store.getGroup("missing"))).toBe("GROUP_NOT_FOUND");
 */
export function codeOf(action: PromiseLike<unknown>): Promise<Code>;
export function codeOf(action: () => PromiseLike<unknown>): Promise<Code>;
export function codeOf(action: () => unknown): Code;
export function codeOf(action: PromiseLike<unknown> | (() => unknown)): Code | Promise<Code> {
  let result: unknown;
  if (typeof action === "function") {
    try {
      result = action();
    } catch (error) {
      return codeOfError(error);
    }
  } else {
    result = action;
  }
  const then = (result as PromiseLike<unknown> | null | undefined)?.then;
  if (typeof then !== "function") return undefined;
  return Promise.resolve(result).then(
    () => undefined,
    (error: unknown) => codeOfError(error),
  );
}
