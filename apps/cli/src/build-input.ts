import type { CliBinding, Operation } from "@tta-dev/contract";
import { DEFAULT_LIMITS, type Limits, ValidationError } from "@tta-dev/core";
import type { CliIo } from "./io.js";
import { readStdin } from "./stdin.js";
import { convertValue, parseJson } from "./values.js";

/** Hard bound of stdin for a field that declares no limit. */
const STDIN_FALLBACK_BYTES = 16 * 1024 * 1024;

function stdinLimit(op: Operation, field: string, limits: Limits): number {
  const rule = op.limits.find((r) => r.path === field);
  return rule ? limits[rule.limit] : STDIN_FALLBACK_BYTES;
}

/**
 * Assemble an operation's raw input from the command line: positionals, flags and the binding's
 * fixed fields, converted by their declared types; the stdin field is read (bounded by its limit)
 * when its positional is omitted and stdin is not a terminal. The result still goes through the
 * contract's `parseInput` and `checkInputLimits`.
 */
export async function buildInput(
  op: Operation,
  binding: CliBinding,
  args: readonly (string | string[] | undefined)[],
  flags: Readonly<Record<string, unknown>>,
  io: CliIo,
  limits: Limits = { ...DEFAULT_LIMITS },
): Promise<Record<string, unknown>> {
  const input: Record<string, unknown> = {};
  binding.positionals.forEach((p, i) => {
    const raw = args[i];
    if (raw === undefined || (Array.isArray(raw) && raw.length === 0 && !p.variadic)) return;
    input[p.field] = convertValue(p.type ?? "string", raw, `<${p.name}>`);
  });
  for (const [name, flag] of Object.entries(binding.flags)) {
    const raw = flags[name];
    if (raw === undefined || raw === false) continue;
    input[flag.field] =
      flag.type === "boolean"
        ? (flag.value ?? true)
        : convertValue(flag.type, raw as string | string[], `--${name}`);
  }
  Object.assign(input, binding.fixed ?? {});

  if (binding.stdin && input[binding.stdin] === undefined) {
    const positional = binding.positionals.find((p) => p.field === binding.stdin)!;
    if (io.stdin.isTTY) {
      throw new ValidationError(`missing argument <${positional.name}>: give it, or pipe it on stdin`, {
        issues: [{ path: `<${positional.name}>`, message: "missing" }],
      });
    } else {
      const text = await readStdin(io.stdin, stdinLimit(op, binding.stdin, limits), binding.stdin);
      if (text === "") {
        throw new ValidationError(`missing argument <${positional.name}>: stdin was empty`, {
          issues: [{ path: `<${positional.name}>`, message: "empty stdin" }],
        });
      }
      const type = positional.type ?? "string";
      input[binding.stdin] = type === "json" ? parseJson(text, `<${positional.name}> (stdin)`) : text;
    }
  }
  return input;
}

/** `--flag` or `<positional>` of a binding that fills `field`, for error messages. */
export function cliNameOf(binding: CliBinding, field: string): string | undefined {
  const p = binding.positionals.find((x) => x.field === field);
  if (p) return `<${p.name}>`;
  const f = Object.entries(binding.flags).find(([, x]) => x.field === field);
  return f ? `--${f[0]}` : undefined;
}
