/** A fact id: upper-case category, a number, an optional `-vN` revision (`QUAL-004`, `LANG-001-v2`). */
export const PAF_ID_PATTERN = /^[A-Z]+-\d+(?:-v\d+)?$/;

/** Finds fact ids inside running text. */
export const PAF_ID_IN_TEXT = /\b[A-Z]+-\d+(?:-v\d+)?\b/g;

/** True when `id` is a well-formed fact id. */
export function isPafId(id: string): boolean {
  return PAF_ID_PATTERN.test(id);
}

/** The category of a fact id: its letters before the first `-` (`QUAL-004` → `QUAL`). */
export function categoryOf(id: string): string {
  const dash = id.indexOf("-");
  return dash === -1 ? id : id.slice(0, dash);
}

/**
 * A label that looks like an attempt at a fact id but is not one: `qual-001`, `QUAL001`, `QUAL_1`,
 * `QUAL-001-V2`. Used by the linter to report bullets that were probably meant as facts.
 */
const ID_LIKE = /^(?:[A-Za-z]+[-_]|[A-Za-z]{2,})\d+(?:[-_][vV]?\d*)?$/;

/** True when a bold or code label looks like a (possibly malformed) fact id. */
export function looksLikeId(label: string): boolean {
  return ID_LIKE.test(label.trim().replace(/:$/, ""));
}
