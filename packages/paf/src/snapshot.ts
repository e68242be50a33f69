import { type Clock, type Paf, systemClock, toIso } from "@tta-dev/core";

/** A recorded set of facts, to compare later ones against. */
export interface PafSnapshot {
  version: 1;
  createdAt: string;
  /** The PAF document the facts came from. */
  file: string;
  facts: Paf[];
}

/** A fact whose content or status differs between two snapshots. */
export interface PafChange {
  id: string;
  before: Paf;
  after: Paf;
  /** What differs: `text`, `check`, `deprecation`, `status`, `category`. */
  fields: string[];
}

/** What changed between a previous snapshot and the current facts. */
export interface PafDiff {
  added: Paf[];
  removed: Paf[];
  /** Active before, deprecated or replaced now. */
  deprecated: PafChange[];
  /** Changed in content (text, check, deprecation details) or brought back to active. */
  changed: PafChange[];
  unchanged: number;
}

/**
 * Record the facts as a snapshot.
 *
 * @example
 * await writePafSnapshot(".tta/paf-snapshot.json", snapshotPafs(facts, { file: "PAFCORE.md" }));
 */
export function snapshotPafs(
  facts: readonly Paf[],
  options: { file?: string; clock?: Clock } = {},
): PafSnapshot {
  return {
    version: 1,
    createdAt: toIso((options.clock ?? systemClock).now()),
    file: options.file ?? facts[0]?.source.file ?? "PAFCORE.md",
    facts: facts.map((f) => structuredClone(f)),
  };
}

/** One fact per id: the active one when an id appears more than once. */
function byId(facts: readonly Paf[]): Map<string, Paf> {
  const map = new Map<string, Paf>();
  for (const f of facts) {
    const prev = map.get(f.id);
    if (!prev || (prev.status !== "active" && f.status === "active")) map.set(f.id, f);
  }
  return map;
}

function differing(a: Paf, b: Paf): string[] {
  const fields: string[] = [];
  if (a.text !== b.text) fields.push("text");
  if (a.category !== b.category) fields.push("category");
  if (a.status !== b.status) fields.push("status");
  if (JSON.stringify(a.check ?? null) !== JSON.stringify(b.check ?? null)) fields.push("check");
  if (JSON.stringify(a.deprecation ?? null) !== JSON.stringify(b.deprecation ?? null))
    fields.push("deprecation");
  return fields;
}

/**
 * Compare the current facts with a previous snapshot (or list of facts). Without a previous one,
 * every fact is `added`. Facts are matched by id; moving a fact within the document is no change.
 *
 * @example
 * const diff = diffPafs(await readPafSnapshot(path), facts);
 * if (hasPafChanges(diff)) console.log(formatPafDiff(diff));
 */
export function diffPafs(
  previous: PafSnapshot | readonly Paf[] | undefined,
  current: PafSnapshot | readonly Paf[],
): PafDiff {
  const before = byId(previous === undefined ? [] : "facts" in previous ? previous.facts : previous);
  const after = byId("facts" in current ? current.facts : current);
  const diff: PafDiff = { added: [], removed: [], deprecated: [], changed: [], unchanged: 0 };
  for (const [id, now] of after) {
    const was = before.get(id);
    if (!was) {
      diff.added.push(now);
      continue;
    }
    const fields = differing(was, now);
    if (!fields.length) diff.unchanged++;
    else if (was.status === "active" && now.status !== "active")
      diff.deprecated.push({ id, before: was, after: now, fields });
    else diff.changed.push({ id, before: was, after: now, fields });
  }
  for (const [id, was] of before) if (!after.has(id)) diff.removed.push(was);
  return diff;
}

/** True when the diff reports anything. */
export function hasPafChanges(diff: PafDiff): boolean {
  return diff.added.length + diff.removed.length + diff.deprecated.length + diff.changed.length > 0;
}

/** A diff for people, one line per fact. */
export function formatPafDiff(diff: PafDiff): string {
  const lines: string[] = [];
  for (const f of diff.added) lines.push(`+ ${f.id} added: ${f.text}`);
  for (const c of diff.deprecated) {
    const by = c.after.deprecation?.replacedBy ? ` (replaced by ${c.after.deprecation.replacedBy})` : "";
    lines.push(`~ ${c.id} deprecated${by}: ${c.after.text}`);
  }
  for (const c of diff.changed) {
    const what = c.fields.includes("text") ? `: "${c.before.text}" → "${c.after.text}"` : "";
    lines.push(`* ${c.id} changed (${c.fields.join(", ")})${what}`);
  }
  for (const f of diff.removed) lines.push(`- ${f.id} removed: ${f.text}`);
  if (!lines.length) lines.push(`No changes (${diff.unchanged} facts unchanged).`);
  return `${lines.join("\n")}\n`;
}
