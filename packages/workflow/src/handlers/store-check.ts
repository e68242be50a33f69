import type { OutputOf } from "@tta-dev/contract";
import { type MemoryBackend, toTtaError } from "@tta-dev/core";

/** The store check of `system.doctor`. */
export type StoreCheck = OutputOf<"system.doctor">["store"];

/**
 * Read what the backend holds for `namespace` and list damaged data (`system.doctor`). A backend
 * without `inspect` reports `inspected: false`; a check that fails is itself reported as a problem,
 * so the doctor always answers.
 *
 * @example
 * const check = await checkStore(backend, "default");
 * if (check.problems.length) console.log("run tta repair --dry-run");
 */
export async function checkStore(backend: MemoryBackend, namespace: string): Promise<StoreCheck> {
  if (!backend.inspect) return { inspected: false, checked: 0, problems: [] };
  try {
    const found = await backend.inspect({ namespace });
    return {
      inspected: true,
      checked: found.checked,
      problems: found.problems.map((p) => ({
        kind: p.kind,
        place: p.place,
        ...(p.line !== undefined ? { line: p.line } : {}),
        message: p.message,
        repairable: p.repairable,
      })),
    };
  } catch (error) {
    const e = toTtaError(error);
    return {
      inspected: true,
      checked: 0,
      problems: [
        { kind: "inspect-failed", place: "(store)", message: `${e.code}: ${e.message}`, repairable: false },
      ],
    };
  }
}
