import type { PafCheck } from "@tta-dev/core";

/**
 * Recognise a machine check in a fact's wording, for facts without a `Check:` sub-item:
 * "Maximum file size 800 lines" → `max-lines 800`; "Minimum 70% test coverage" → `min-coverage 70`;
 * "Primary language is Python 3.12+" → `runtime-version python >=3.12`; "`AGENTS.md`, `CLAUDE.md` at
 * repository root" → `file-exists AGENTS.md CLAUDE.md`; "No dependency on `lodash`" → `no-dependency lodash`.
 * Returns `undefined` when nothing is recognised.
 *
 * @example
 * inferCheck("Maximum file size 800 lines") // { checker: "max-lines", args: ["800"], inferred: true }
 */
export function inferCheck(text: string): PafCheck | undefined {
  const t = text.replace(/\s+/g, " ");
  for (const rule of RULES) {
    const args = rule.match(t);
    if (args) return { checker: rule.checker, args, inferred: true };
  }
  return undefined;
}

interface Rule {
  checker: string;
  match(text: string): string[] | undefined;
}

const num = (s: string) => s.replace(/[,_\s]/g, "");

const RULES: Rule[] = [
  {
    checker: "max-lines",
    match(t) {
      if (
        !/\bfiles?\b/i.test(t) ||
        /\b(functions?|methods?|lines? of code per (?:function|method))\b/i.test(t)
      )
        return undefined;
      const m =
        /\b(?:max(?:imum)?|at most|no more than|not (?:to )?exceed|under|limit(?:ed)? to|up to|longer than|≤|<=)\b\D{0,30}?(\d[\d,]*)\s*(?:lines|LOC)\b/i.exec(
          t,
        ) ?? /\b(\d[\d,]*)\s*(?:lines|LOC)\s*(?:max(?:imum)?|or (?:less|fewer)|per file|at most)\b/i.exec(t);
      return m ? [num(m[1]!)] : undefined;
    },
  },
  {
    checker: "min-coverage",
    match(t) {
      if (!/coverage/i.test(t)) return undefined;
      const m =
        /(\d+(?:\.\d+)?)\s*%\s*(?:\w+\s+){0,3}?coverage/i.exec(t) ??
        /coverage\b\D{0,30}?(\d+(?:\.\d+)?)\s*%/i.exec(t);
      return m ? [m[1]!] : undefined;
    },
  },
  {
    checker: "runtime-version",
    match(t) {
      const m =
        /\b(python|node(?:\.?js)?)\s*(?:version\s*)?v?(\d+(?:\.\d+){0,2})\s*(?:\+|or (?:later|newer|higher|above)|and (?:up|above|later|newer))/i.exec(
          t,
        ) ?? /\b(python|node(?:\.?js)?)\s*(?:>=|≥)\s*v?(\d+(?:\.\d+){0,2})\b/i.exec(t);
      if (!m) return undefined;
      const name = m[1]!.toLowerCase().startsWith("node") ? "node" : "python";
      return [name, `>=${m[2]}`];
    },
  },
  {
    checker: "file-exists",
    match(t) {
      const at = /\b(?:at|in) (?:the )?(?:repository|repo|project|workspace) root\b|\bmust exist\b/i.exec(t);
      if (!at) return undefined;
      const before = t.slice(0, at.index);
      const files = [...before.matchAll(/`([^`\s]+)`|\b([\w.-]+\.[A-Za-z]{1,8})\b/g)].map(
        (m) => m[1] ?? m[2]!,
      );
      return files.length ? files : undefined;
    },
  },
  {
    checker: "no-dependency",
    match(t) {
      const m =
        /\b(?:no (?:dependency|dependencies) on|(?:must|shall|should) not depend on|never depend on)\s+((?:`[^`]+`(?:\s*(?:,|and|or|nor)\s*)?)+)/i.exec(
          t,
        ) ?? /((?:`[^`]+`(?:\s*(?:,|and|or)\s*)?)+)\s+(?:is|are) (?:forbidden|banned|not allowed)\b/i.exec(t);
      if (!m) return undefined;
      const names = [...m[1]!.matchAll(/`([^`]+)`/g)].map((x) => x[1]!.trim());
      return names.length ? names : undefined;
    },
  },
];
