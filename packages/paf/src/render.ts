import type { Paf } from "@tta-dev/core";

const TITLE = "PAFCORE — Permanent Architectural Facts";

function checkLine(check: NonNullable<Paf["check"]>): string {
  if (check.checker === "command") return `${check.checker} ${check.args.join(" ")}`.trim();
  const args = check.args.map((a) => (/[\s"']/.test(a) || a === "" ? `"${a}"` : a));
  return [check.checker, ...args].join(" ");
}

function factLines(paf: Paf): string[] {
  const text = paf.text.replace(/\r?\n/g, " ");
  const lines =
    paf.status === "active" ? [`- **${paf.id}**: ${text}`] : [`- **${paf.id}**: ~~${text}~~ DEPRECATED`];
  // An inferred check comes back from the wording; only a written one is written.
  if (paf.check && !paf.check.inferred) lines.push(`  - Check: ${checkLine(paf.check)}`);
  const d = paf.deprecation;
  if (d?.reason !== undefined) lines.push(`  - Reason: ${d.reason}`);
  if (d?.replacedBy !== undefined) lines.push(`  - Replaced by: ${d.replacedBy}`);
  if (d?.date !== undefined) lines.push(`  - Date: ${d.date}`);
  return lines;
}

/**
 * A PAFCORE.md holding `facts`, under the section headings they were parsed from (a heading per level
 * of `section`), in order: what `tta import bundle` writes into a project without one, from the
 * bundle's PAF snapshot. Parsed again it gives the same ids, texts, statuses, checks and hashes.
 *
 * @example
 * await writeFileAtomic(join(root, "PAFCORE.md"), renderPafDocument(snapshot.facts));
 */
export function renderPafDocument(facts: readonly Paf[], options: { note?: string } = {}): string {
  const out: string[] = [];
  let open: readonly string[];
  const first = facts[0]?.section ?? [];
  const title = first[0] ?? TITLE;
  out.push(`# ${title}`, "");
  open = [title];
  if (options.note) out.push(options.note, "");
  const active = facts.filter((f) => f.status === "active").length;
  out.push(`Total Active PAFs: ${active}`, "");
  for (const paf of facts) {
    const section = paf.section.length > 0 ? paf.section : [TITLE];
    let same = 0;
    while (same < open.length && same < section.length && open[same] === section[same]) same++;
    for (let level = same; level < section.length; level++) {
      out.push(`${"#".repeat(Math.min(level + 1, 6))} ${section[level]}`, "");
    }
    open = section;
    out.push(...factLines(paf), "");
  }
  return `${out.join("\n").trimEnd()}\n`;
}
