/**
 * Escaping of stored text for the markdown rendering. Stored text is data, never structure: block
 * text goes into a fence longer than any backtick run inside it; inline text (ids, keys, titles)
 * is kept on one line and its markdown punctuation is backslash-escaped.
 */

/**
 * Characters shown as a visible `\uXXXX` escape instead of being written raw: C0 controls (but tab
 * and line feed in blocks), DEL, C1 controls, the Unicode line and paragraph separators, bidi
 * embedding/override/isolate controls and marks, and the byte-order mark. They could hide text,
 * reorder it on screen, or end a line for a reader that is not a markdown parser.
 */
const INVISIBLE =
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g;
const INVISIBLE_INLINE =
  /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g;

/**
 * Markdown punctuation that could start inline markup, an HTML tag, a table cell or a closing `#`
 * run. An underscore between two letters or digits (`mem_01J…`) can never open emphasis and is left as is.
 */
const INLINE_PUNCTUATION = /[\\`*[\]<>&!~|#]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])/g;

function visible(ch: string): string {
  return `\\u${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`;
}

/**
 * Text for the inside of a fenced block: line endings normalised to LF, invisible and control
 * characters shown as `\uXXXX`, and `</` written `<\/` so the text cannot close an XML-style
 * wrapper (`</context>`) that a harness may put around the rendering.
 */
export function blockText(text: string): string {
  return text.replace(/\r\n?/g, "\n").replace(INVISIBLE, visible).replaceAll("</", "<\\/");
}

/** The length of the longest run of `ch` in `text`. */
function longestRun(text: string, ch: string): number {
  let best = 0;
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === ch) {
      run += 1;
      if (run > best) best = run;
    } else run = 0;
  }
  return best;
}

/**
 * A fenced code block holding `text` verbatim (after {@link blockText}). The fence is backticks,
 * one longer than the longest backtick run anywhere in the text and at least three, so no line of
 * the text can close it (tildes never close a backtick fence).
 */
export function fenced(text: string, info = "text"): string {
  const body = blockText(text);
  const fence = "`".repeat(Math.max(3, longestRun(body, "`") + 1));
  const newline = body === "" || body.endsWith("\n") ? "" : "\n";
  return `${fence}${info}\n${body}${newline}${fence}\n`;
}

/**
 * Text for a heading or a list line: one line (line breaks, controls and invisible characters
 * shown as `\uXXXX`), markdown punctuation backslash-escaped so it renders as the literal text.
 */
export function inline(text: string): string {
  return text.replace(INLINE_PUNCTUATION, (ch) => `\\${ch}`).replace(INVISIBLE_INLINE, visible);
}
