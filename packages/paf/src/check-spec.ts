/** A parsed `Check:` line: the checker name and its arguments. */
export interface CheckSpec {
  checker: string;
  args: string[];
}

/**
 * Split a `Check:` value into checker and arguments. Arguments are separated by whitespace and may
 * be quoted with `"` or `'`; the `command` checker takes the rest of the line as one argument.
 *
 * @example
 * parseCheckSpec('max-lines 800 "src/**\/*.ts"') // { checker: "max-lines", args: ["800", "src/**\/*.ts"] }
 */
export function parseCheckSpec(value: string): CheckSpec | undefined {
  const trimmed = value.trim();
  const m = /^(\S+)\s*([\s\S]*)$/.exec(trimmed);
  if (!m) return undefined;
  const checker = m[1]!.toLowerCase();
  const rest = m[2]!.trim();
  if (checker === "command") return { checker, args: rest ? [rest] : [] };
  return { checker, args: splitArgs(rest) };
}

function splitArgs(s: string): string[] {
  const args: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (let m = re.exec(s); m; m = re.exec(s)) args.push(m[1] ?? m[2] ?? m[3]!);
  return args;
}
