/**
 * Estimated container nesting of each line: block quote markers, list markers, and indentation in
 * front of a list marker (two columns a level). The markdown parser's cost grows with the square of
 * the nesting, so documents nested beyond any real registry are refused before parsing.
 *
 * Returns the first line deeper than `limit` and its depth, or `undefined`.
 */
export function findExcessiveNesting(
  text: string,
  limit: number,
): { line: number; depth: number } | undefined {
  let line = 1;
  for (let start = 0; start < text.length; line++) {
    let end = text.indexOf("\n", start);
    if (end === -1) end = text.length;
    let cols = 0;
    let markers = 0;
    let i = start;
    while (i < end) {
      const c = text.charCodeAt(i);
      const next = text.charCodeAt(i + 1);
      const spaceAfter = next === 32 || next === 9 || i + 1 >= end || next === 13;
      if (c === 32) cols++;
      else if (c === 9) cols += 4;
      else if (c === 62 /* > */) markers++;
      else if ((c === 45 || c === 42 || c === 43) /* - * + */ && spaceAfter) markers++;
      else if (c >= 48 && c <= 57) {
        let j = i;
        while (j < end && j - i < 9 && text.charCodeAt(j) >= 48 && text.charCodeAt(j) <= 57) j++;
        const d = text.charCodeAt(j);
        const after = text.charCodeAt(j + 1);
        if (!((d === 46 || d === 41) && (after === 32 || after === 9 || j + 1 >= end))) break;
        markers++;
        i = j;
      } else break;
      i++;
    }
    if (markers > 0) {
      const depth = markers + Math.floor(cols / 2);
      if (depth > limit) return { line, depth };
    }
    start = end + 1;
  }
  return undefined;
}

/** A line that starts a list item, heading or link definition: inline markup never spans it. */
const NEW_BLOCK = /^[ \t>]*(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)|^ {0,3}(?:#{1,6}(?:[ \t]|$)|\[[^\]]*\]:)/;

/**
 * The first paragraph-like block (a run of non-blank lines outside fenced code, cut at each list
 * item, heading and link definition) with more than
 * `limit` emphasis, strike-through or link delimiters (`*`, `_`, `~`, `[`, `]`). The markdown
 * parser resolves these in time that grows with their square within one block.
 */
export function findMarkupBomb(text: string, limit: number): { line: number; count: number } | undefined {
  let line = 1;
  let blockLine = 1;
  let count = 0;
  let fence: string | undefined;
  for (let start = 0; start <= text.length; line++) {
    let end = text.indexOf("\n", start);
    if (end === -1) end = text.length;
    const content = text.slice(start, end);
    const opener = /^ {0,3}(`{3,}|~{3,})/.exec(content);
    if (fence !== undefined) {
      if (opener && opener[1]![0] === fence[0] && opener[1]!.length >= fence.length) fence = undefined;
    } else if (opener) {
      fence = opener[1];
      count = 0;
    } else if (content.trim() === "" || NEW_BLOCK.test(content)) {
      count = 0;
    }
    if (fence === undefined && !opener && content.trim() !== "") {
      if (count === 0) blockLine = line;
      for (let i = 0; i < content.length; i++) {
        const c = content.charCodeAt(i);
        if (c === 42 || c === 95 || c === 126 || c === 91 || c === 93) count++;
      }
      if (count > limit) return { line: blockLine, count };
    }
    if (end === text.length) break;
    start = end + 1;
  }
  return undefined;
}
