import type { CacheEntry, GroupPeer, Layer, LoadedContext, MemoryHit, Message, Paf } from "@tta-dev/core";
import { fenced, inline } from "./escape.js";
import { stableJson } from "./stable-json.js";

/** Provenance parts joined into one heading line; every part is already escaped. */
const join = (parts: (string | undefined)[]) => parts.filter((p) => p !== undefined && p !== "").join(" · ");

/** A number as the renderer writes it: at most 4 decimals, no trailing zeros, never `-0`. */
function num(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const fixed = Number(n.toFixed(4));
  return String(Object.is(fixed, -0) ? 0 : fixed);
}

/** One session message: `### session · <sessionId> #<seq> · <role> · <time>` and its content, fenced. */
export function renderMessage(message: Message, level = 3): string {
  const heading = join([
    level === 3 ? "session" : "message",
    `${inline(message.sessionId)} #${message.seq}`,
    inline(message.role),
    inline(message.createdAt),
  ]);
  return `${"#".repeat(level)} ${heading}\n\n${fenced(message.content)}`;
}

/** One cache entry: its key, times and version, and its value as sorted, fenced JSON. */
export function renderCacheEntry(entry: CacheEntry): string {
  const heading = join([
    "cache",
    `key ${inline(entry.key)}`,
    inline(entry.sessionId),
    `set ${inline(entry.createdAt)}`,
    `expires ${inline(entry.expiresAt)}`,
    `v${entry.version}`,
  ]);
  return `### ${heading}\n\n${fenced(stableJson(entry.value), "json")}`;
}

/** One deep-memory hit: id, kind, importance, score, time; tags and links; content fenced. */
export function renderMemoryHit(hit: MemoryHit): string {
  const m = hit.memory;
  const heading = join([
    "deep",
    inline(m.id),
    inline(m.kind),
    `importance ${num(m.importance)}`,
    `score ${num(hit.score)}`,
    inline(m.createdAt),
    m.pinned ? "pinned" : undefined,
  ]);
  const facts = join([
    m.tags.length ? `tags: ${m.tags.map(inline).join(", ")}` : undefined,
    m.sessionId ? `session: ${inline(m.sessionId)}` : undefined,
    m.groupIds.length ? `groups: ${m.groupIds.map(inline).join(", ")}` : undefined,
    hit.matched.length ? `matched: ${hit.matched.map(inline).join(", ")}` : undefined,
  ]);
  return `### ${heading}\n\n${facts ? `${facts}\n\n` : ""}${fenced(m.content)}`;
}

/** One PAF: id, status and source line; its section path; its text fenced. */
export function renderPaf(paf: Paf): string {
  const heading = join([
    "paf",
    inline(paf.id),
    inline(paf.status),
    `${inline(paf.source.file)}:${paf.source.line}`,
  ]);
  const facts = join([
    paf.section.length ? `section: ${paf.section.map(inline).join(" › ")}` : undefined,
    paf.deprecation?.replacedBy ? `replaced by: ${inline(paf.deprecation.replacedBy)}` : undefined,
  ]);
  return `### ${heading}\n\n${facts ? `${facts}\n\n` : ""}${fenced(paf.text)}`;
}

/** One peer session of a group: the group, the session, its title, the group summary and its last messages. */
export function renderGroupPeer(peer: GroupPeer): string {
  const heading = join([
    "groups",
    `group ${inline(peer.groupId)} (${inline(peer.groupStatus)})`,
    `session ${inline(peer.sessionId)}`,
    peer.status ? inline(peer.status) : undefined,
  ]);
  let out = `### ${heading}\n\n`;
  if (peer.title !== undefined) out += `title: ${inline(peer.title)}\n\n`;
  if (peer.groupSummary !== undefined) out += `group summary:\n\n${fenced(peer.groupSummary)}\n`;
  for (const message of peer.messages) out += `${renderMessage(message, 4)}\n`;
  return out.endsWith("\n\n") ? out.slice(0, -1) : out;
}

/** The items of each layer, as `LoadedContext.layers` holds them. */
export type LayerItem<L extends Layer> = LoadedContext["layers"][L][number];

/**
 * The markdown block of one item of a layer, exactly as {@link renderContext} writes it. Estimate
 * a candidate's tokens on this text so that the budget matches what the reader gets.
 *
 * @example
 * const tokens = charsPerFourEstimator.estimate(renderLayerItem("session", message));
 */
export function renderLayerItem<L extends Layer>(layer: L, item: LayerItem<L>): string {
  switch (layer) {
    case "session":
      return renderMessage(item as Message);
    case "cache":
      return renderCacheEntry(item as CacheEntry);
    case "deep":
      return renderMemoryHit(item as MemoryHit);
    case "pafs":
      return renderPaf(item as Paf);
    default:
      return renderGroupPeer(item as GroupPeer);
  }
}
