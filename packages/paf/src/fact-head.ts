import { isPafId, looksLikeId } from "./ids.js";
import { type MdNode, plainText } from "./markdown.js";

/** The head of a list item that is a fact: its id and where its text starts in the source. */
export interface FactHead {
  kind: "fact";
  id: string;
  /** Offset in the source where the fact's text begins (after `**ID**:`). */
  textStart: number;
}

/** A list item that looks like a fact but is not one, and why. */
export interface UnparsedHead {
  kind: "unparsed";
  label: string;
  reason: string;
}

const COLON_AFTER = /^(?:\*\*|__|~~)*[ \t]*:/;

/**
 * Read the head of a list item's first paragraph. A fact starts with a bold id followed by a colon
 * (`**QUAL-004**: …`, also `**QUAL-004:** …` and a struck `~~**QUAL-004**~~: …`). Returns
 * `undefined` for ordinary bullets, and an {@link UnparsedHead} for bullets that look like a fact
 * but do not parse.
 */
export function readFactHead(para: MdNode, text: string): FactHead | UnparsedHead | undefined {
  let first = para.children?.[0];
  if (!first) return undefined;
  if (first.type === "delete" && first.children?.[0]?.type === "strong") first = first.children[0]!;
  if (first.type === "strong") return readBold(first, text);
  if (first.type === "emphasis" || first.type === "inlineCode") {
    const label = plainText(first).trim();
    if (isPafId(label.replace(/:$/, "")) || looksLikeId(label)) {
      return { kind: "unparsed", label, reason: `the id must be bold (**${label.replace(/:$/, "")}**:)` };
    }
    return undefined;
  }
  if (first.type === "text") {
    const m = /^\s*([A-Za-z]{2,}[-_]\d+(?:-[vV]\d+)?)\s*:/.exec(first.value ?? "");
    if (m) return { kind: "unparsed", label: m[1]!, reason: `the id must be bold (**${m[1]}**:)` };
  }
  return undefined;
}

function readBold(strong: MdNode, text: string): FactHead | UnparsedHead | undefined {
  const label = plainText(strong).trim();
  const end = strong.position?.end.offset;
  if (end === undefined) return undefined;
  const inner = label.endsWith(":") ? label.slice(0, -1).trim() : label;
  if (isPafId(inner)) {
    if (label.endsWith(":")) return { kind: "fact", id: inner, textStart: end };
    const m = COLON_AFTER.exec(text.slice(end, end + 16));
    if (m) return { kind: "fact", id: inner, textStart: end + m[0].length };
    return { kind: "unparsed", label, reason: `a colon must follow the id (**${inner}**: …)` };
  }
  if (looksLikeId(label)) {
    return {
      kind: "unparsed",
      label,
      reason: "an id is upper-case letters, a dash and digits, with an optional -vN (QUAL-004, LANG-001-v2)",
    };
  }
  return undefined;
}

/** A recognised sub-item of a fact. */
export type SubItem =
  | { key: "reason" | "date"; value: string }
  | { key: "replacedBy"; value: string }
  | { key: "check"; value: string };

const SUB_KEY = /^\s*(reason|replaced\s+by|replacement|superseded\s+by|date|check)\s*:\s*/i;

/** Read a fact's sub-item (`Reason:`, `Replaced by:`, `Date:`, `Check:`), or `undefined`. */
export function readSubItem(para: MdNode, text: string): SubItem | undefined {
  const plain = plainText(para);
  const m = SUB_KEY.exec(plain);
  if (!m) return undefined;
  const key = m[1]!.toLowerCase().replace(/\s+/g, " ");
  const value = plain.slice(m[0].length).replace(/\s+/g, " ").trim();
  if (key === "reason") return { key: "reason", value };
  if (key === "date") return { key: "date", value };
  if (key === "check") return { key: "check", value: rawCheckValue(para, text) ?? value };
  return { key: "replacedBy", value };
}

/** The raw source after `Check:`: markdown would eat `**` in globs, so the source is used. */
function rawCheckValue(para: MdNode, text: string): string | undefined {
  const start = para.position?.start.offset;
  const end = para.position?.end.offset;
  if (start === undefined || end === undefined) return undefined;
  const raw = text.slice(start, end).replace(/\s+/g, " ").trim();
  const m = /^(?:\*\*|__)?check(?:\*\*|__)?\s*:\s*(?:\*\*|__)?\s*/i.exec(raw);
  if (!m) return undefined;
  let rest = raw.slice(m[0].length).trim();
  const code = /^(`+)([\s\S]*?)\1$/.exec(rest);
  if (code) rest = code[2]!.trim();
  return rest;
}
