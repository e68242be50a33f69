import { closeSync, openSync, readSync, statSync } from "node:fs";

/** One line of a Claude Code transcript that tta keeps, as a message to append. */
export interface TranscriptMessage {
  role: "user" | "assistant";
  content: string;
  uuid: string | null;
  timestamp: string | null;
  /** Tool names called in this line (assistant), in order. */
  tools: string[];
  sidechain: boolean;
  /** Byte offset just past this message's line: where a read that has stored it can resume. */
  end: number;
  /**
   * The `uuid` of the last line before this one that has a `uuid` (of any type), `"start"` when there
   * is none: the anchor of a prompt's key (see keys.ts).
   */
  anchor: string;
}

/** What one read of a transcript found, and where the next read starts. */
export interface TranscriptRead {
  messages: TranscriptMessage[];
  /** Byte offset just past the last complete line read. */
  next: number;
  /** Lines that were not JSON, or over the line limit (skipped). */
  skipped: number;
  /** True when the read stopped at `maxBytes` before the end of the file. */
  more: boolean;
  /** Bytes after `next`: an unfinished last line, left for the next read. */
  pending: number;
  /** The anchor after the last complete line read: where the next read's anchors start. */
  anchor: string;
}

const CHUNK = 1 << 20;

/**
 * The longest transcript line tta reads (8 MiB, or four times the message limit when that is more):
 * the same for the hook's capture, its prompt anchor and `tta import transcript`, so that they skip
 * the same lines and anchor prompts alike. A longer line is skipped and counted.
 */
export function transcriptLineLimit(messageContentBytes: number): number {
  return Math.max(8 << 20, messageContentBytes * 4);
}
const TOOL_INPUT_CHARS = 500;
/** A tool name kept in `metadata.tools`; another (hostile, huge) name is left out of it. */
const TOOL_NAME = /^[\w.:/-]{1,100}$/;

function text(value: unknown): string {
  return typeof value === "string" ? value : "";
}

/**
 * The readable text of a transcript line's `message.content`: a string, or parts of type `text`
 * (kept), `tool_use` (`→ Name {input…}`), `tool_result` and `thinking` (left out).
 */
export function contentText(content: unknown): { content: string; tools: string[] } {
  if (typeof content === "string") return { content, tools: [] };
  if (!Array.isArray(content)) return { content: "", tools: [] };
  const out: string[] = [];
  const tools: string[] = [];
  for (const part of content) {
    if (typeof part !== "object" || part === null) continue;
    const p = part as Record<string, unknown>;
    if (p.type === "text" && text(p.text)) out.push(text(p.text));
    else if (p.type === "tool_use") {
      const given = text(p.name);
      const name = TOOL_NAME.test(given) ? given : "tool";
      tools.push(name);
      let input = "";
      try {
        input = JSON.stringify(p.input ?? {});
      } catch {
        input = "";
      }
      if (input.length > TOOL_INPUT_CHARS) input = `${input.slice(0, TOOL_INPUT_CHARS)}…`;
      out.push(`→ ${name} ${input}`.trimEnd());
    }
  }
  return { content: out.join("\n\n"), tools };
}

/** A transcript line as a message, or `null` for lines tta does not keep (tool results, summaries…). */
export function lineMessage(
  line: unknown,
  roles: ReadonlySet<string>,
  end = 0,
  anchor = "start",
): TranscriptMessage | null {
  if (typeof line !== "object" || line === null || Array.isArray(line)) return null;
  const l = line as Record<string, unknown>;
  if ((l.type !== "user" && l.type !== "assistant") || !roles.has(l.type)) return null;
  const message = l.message as Record<string, unknown> | undefined;
  if (typeof message !== "object" || message === null) return null;
  if (l.isMeta === true) return null;
  const { content, tools } = contentText(message.content);
  if (!content.trim()) return null;
  // A slash command and its output are written as user lines; they are not prompts.
  if (l.type === "user" && /^\s*<(command-name|command-message|local-command-[a-z]+)>/.test(content))
    return null;
  return {
    role: l.type,
    content,
    uuid: typeof l.uuid === "string" && /^[A-Za-z0-9-]{1,100}$/.test(l.uuid) ? l.uuid : null,
    timestamp: typeof l.timestamp === "string" && l.timestamp.length <= 64 ? l.timestamp : null,
    tools,
    sidechain: l.isSidechain === true,
    end,
    anchor,
  };
}

/**
 * Read the complete lines of a JSONL transcript from byte `from`, at most `maxBytes` of them:
 * an unfinished last line (no newline yet) is left for the next read; a line over `maxLineBytes`
 * or that is not JSON is skipped. When `from` is past the end (the file was replaced), it starts over.
 */
export function readTranscript(
  path: string,
  from: number,
  options: {
    maxBytes: number;
    maxLineBytes: number;
    roles: ReadonlySet<string>;
    anchor?: string;
    /** Epoch ms: no chunk is read after it (the read so far is returned, `more` set). */
    deadline?: number;
  },
): TranscriptRead {
  const size = statSync(path).size;
  let offset = from > size ? 0 : from;
  const fd = openSync(path, "r");
  const messages: TranscriptMessage[] = [];
  let skipped = 0;
  let next = offset;
  const first = offset;
  let anchor = offset === 0 ? "start" : (options.anchor ?? "start");
  let anchorAtNext = anchor;
  try {
    let line: Buffer[] = [];
    let lineBytes = 0;
    let oversized = false;
    const buf = Buffer.allocUnsafe(CHUNK);
    const stop = Math.min(size, offset + options.maxBytes);
    let timedOut = false;
    while (offset < stop) {
      // Past the deadline, stop once at least one line was read whole (so every run gets further).
      if (options.deadline !== undefined && next > first && Date.now() >= options.deadline) {
        timedOut = true;
        break;
      }
      const n = readSync(fd, buf, 0, Math.min(CHUNK, stop - offset), offset);
      if (n <= 0) break;
      let start = 0;
      for (;;) {
        const nl = buf.indexOf(10, start);
        if (nl === -1 || nl >= n) break;
        const piece = buf.subarray(start, nl);
        if (!oversized && lineBytes + piece.length <= options.maxLineBytes) line.push(Buffer.from(piece));
        else oversized = true;
        if (oversized) skipped++;
        else {
          const raw = Buffer.concat(line).toString("utf8").trim();
          if (raw) {
            try {
              const parsed = JSON.parse(raw) as unknown;
              const m = lineMessage(parsed, options.roles, offset + nl + 1, anchor);
              if (m) messages.push(m);
              const uuid = (parsed as { uuid?: unknown } | null)?.uuid;
              if (typeof uuid === "string") anchor = uuid;
            } catch {
              skipped++;
            }
          }
        }
        line = [];
        lineBytes = 0;
        oversized = false;
        start = nl + 1;
        next = offset + start;
        anchorAtNext = anchor;
      }
      const rest = buf.subarray(start, n);
      if (!oversized && lineBytes + rest.length <= options.maxLineBytes) {
        line.push(Buffer.from(rest));
        lineBytes += rest.length;
      } else oversized = true;
      offset += n;
    }
    // A line over the limit that runs past this read's window: find its end without holding it and
    // skip it, so that the cursor moves past a line no read will ever take.
    if (oversized && !timedOut) {
      while (offset < size) {
        const n = readSync(fd, buf, 0, Math.min(CHUNK, size - offset), offset);
        if (n <= 0) break;
        const nl = buf.indexOf(10);
        if (nl !== -1 && nl < n) {
          skipped++;
          next = offset + nl + 1;
          anchorAtNext = anchor;
          break;
        }
        offset += n;
      }
    }
    return {
      messages,
      next,
      skipped,
      more: (timedOut || stop < size) && next < size,
      pending: size - next,
      anchor: anchorAtNext,
    };
  } finally {
    closeSync(fd);
  }
}

/**
 * The complete lines of the last `bytes` of a transcript, parsed (lines that are not JSON left out);
 * `fromStart` when they begin at the start of the file.
 */
export function tailLines(
  path: string,
  bytes: number,
  maxLineBytes: number,
): { lines: Record<string, unknown>[]; fromStart: boolean; holdsLast: boolean } {
  const size = statSync(path).size;
  const start = Math.max(0, size - bytes);
  const fd = openSync(path, "r");
  try {
    const buf = Buffer.allocUnsafe(size - start);
    const n = readSync(fd, buf, 0, buf.length, start);
    const text = buf.subarray(0, n).toString("utf8");
    const lines = text.split("\n");
    if (start > 0) lines.shift(); // cut mid-line
    lines.pop(); // unfinished, or the empty string after the last newline
    // Whether the window holds the last complete line whole (not only a part of it).
    const holdsLast = lines.length > 0;
    const out: Record<string, unknown>[] = [];
    for (const l of lines) {
      // Over the limit: skipped, as every reader skips it (it anchors nothing).
      if (l.length > maxLineBytes || Buffer.byteLength(l, "utf8") > maxLineBytes) continue;
      try {
        const v = JSON.parse(l) as unknown;
        if (typeof v === "object" && v !== null && !Array.isArray(v)) out.push(v as Record<string, unknown>);
      } catch {
        // not JSON: not a line to anchor on
      }
    }
    return { lines: out, fromStart: start === 0, holdsLast };
  } finally {
    closeSync(fd);
  }
}
