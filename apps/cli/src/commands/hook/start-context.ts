import type { OutputOf } from "@tta-dev/contract";
import { hasErrorCode, type Session } from "@tta-dev/core";
import type { HookEnv } from "./claude-code.js";

/** One line of text for a list item: no line breaks, no control characters, no markup openers. */
function oneLine(text: string): string {
  return text
    .replace(/[\u0000-\u001f\u007f]+/g, " ")
    .replace(/^[#>\-*\s]+/, "")
    .trim();
}

/** After a compaction: the active PAFs and the session's decisions the context does not show yet. */
async function afterCompact(
  env: HookEnv,
  session: Session,
  loaded: OutputOf<"context.load">,
): Promise<string> {
  const shownPafs = new Set(loaded.context.layers.pafs.map((p) => p.id));
  const shownMemories = new Set(loaded.context.layers.deep.map((h) => h.memory.id));
  const out: string[] = [];
  try {
    const pafs = (await env.call("paf.list", {})).items.filter((p) => !shownPafs.has(p.id));
    if (pafs.length) {
      out.push("## Permanent architectural facts (kept across the compaction)", "");
      for (const p of pafs) out.push(`- **${oneLine(p.id)}**: ${oneLine(p.text)}`);
      out.push("");
    }
  } catch (error) {
    if (!hasErrorCode(error, "PAF_FILE_NOT_FOUND")) throw error;
  }
  const decisions = (
    await env.call("memory.search", { sessionId: session.id, kinds: ["decision"], limit: 100 })
  ).items
    .map((h) => h.memory)
    .filter((m) => !shownMemories.has(m.id));
  if (decisions.length) {
    out.push("## Decisions of this session (kept across the compaction)", "");
    for (const m of decisions) out.push(`- ${oneLine(m.content)}`);
    out.push("");
  }
  return out.join("\n");
}

/** `text` cut to `max` characters at a line break, saying so. */
function cap(text: string, max: number): string {
  if (text.length <= max) return text;
  const note = "\n\n[tta: context cut at the hook's character limit]\n";
  const room = Math.max(0, max - note.length);
  const cut = text.lastIndexOf("\n", room);
  return `${text.slice(0, cut > 0 ? cut : room)}${note}`;
}

/**
 * The context a session starts with: a line naming the tta session and its stage, the rendered context
 * of that stage (the session's recorded stage, else `defaultStage`) within the budget, and after a
 * compaction the active PAFs and the session's decisions it does not show — cut to `maxChars`.
 */
export async function startContext(
  env: HookEnv,
  session: Session,
  options: { defaultStage: string; maxContextChars: number; compacted: boolean },
): Promise<{ context: string; stage: string }> {
  const stage = session.stage ?? options.defaultStage;
  const loaded = await env.call("context.load", { sessionId: session.id, stage, format: "markdown" });
  const head = `tta session \`${session.id}\` (stage ${stage}${session.stage ? "" : ", none recorded: set it with `tta stage set`"}).\n\n`;
  let context = head + (loaded.rendered ?? "");
  if (options.compacted) context += `\n${await afterCompact(env, session, loaded)}`;
  return { context: cap(context, options.maxContextChars), stage };
}
