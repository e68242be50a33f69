import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  checkInputLimits,
  getOperation,
  type Handlers,
  type OperationName,
  parseInput,
} from "@tta-dev/contract";
import { type Clock, createManualClock, type MemoryBackend } from "@tta-dev/core";
import { createHandlers } from "../src/index.js";

export const PAFCORE = `# PAFs

## Quality
- **QUAL-001**: Minimum 70% test coverage for production code
- **QUAL-004**: Maximum file size 800 lines (production maturity)

## Language
- **LANG-001**: Primary language is TypeScript on Node 20+
  - Check: runtime-version node >=20
- ~~**LANG-009**: Python only~~ DEPRECATED
  - Reason: moved to TypeScript
  - Replaced by: LANG-001
`;

/** A temporary workspace with a PAFCORE.md, and handlers over `backend`. */
export async function workspace(
  backend: MemoryBackend,
  clock: Clock = createManualClock("2026-11-25T12:00:00.000Z"),
) {
  const root = await mkdtemp(join(tmpdir(), "tta-wf-"));
  const dataDir = join(root, ".tta");
  await mkdir(dataDir, { recursive: true });
  await writeFile(join(root, "PAFCORE.md"), PAFCORE);
  const handlers = createHandlers({
    backend,
    root,
    dataDir,
    version: "0.0.0-test",
    clock,
    namingPolicy: "strict",
  });
  return { root, dataDir, handlers, clock };
}

/** Call a handler the way the apps do: input through the contract's schema, output checked against it. */
export async function call<N extends OperationName>(
  handlers: Handlers,
  name: N,
  raw: unknown,
  namespace = "default",
): Promise<unknown> {
  const op = getOperation(name);
  const input = parseInput(name, raw);
  checkInputLimits(name, input);
  const out = await (handlers[name] as (i: unknown, c: { namespace: string }) => Promise<unknown>)(input, {
    namespace,
  });
  const checked = op.output.safeParse(out);
  if (!checked.success) {
    throw new Error(
      `${name} output does not match the contract: ${JSON.stringify(checked.error.issues.slice(0, 3))}`,
    );
  }
  return JSON.parse(JSON.stringify(out));
}
