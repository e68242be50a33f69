/** Word boundaries: spaces, line breaks and punctuation (the minisearch default). */
const SPACE_OR_PUNCTUATION = /[\n\r\p{Z}\p{P}]+/u;
const ASCII = /^[\x00-\x7f]*$/;
const MARKS = /\p{M}+/gu;

/** Split a text into raw words. */
export function tokenize(text: string): string[] {
  return text.split(SPACE_OR_PUNCTUATION);
}

/**
 * Fold a word for matching: lower-case, accents removed (NFKD, combining marks dropped), so `Café`,
 * `CAFE` and `cafe` are one term. Empty words are dropped (`null`).
 */
export function normalizeTerm(term: string): string | null {
  if (ASCII.test(term)) return term.length ? term.toLowerCase() : null;
  const folded = term.normalize("NFKD").replace(MARKS, "").toLowerCase();
  return folded.length ? folded : null;
}

/** The distinct normalised terms of a query, in the order they first appear. */
export function queryTerms(query: string | undefined): string[] {
  if (!query) return [];
  const out: string[] = [];
  for (const word of tokenize(query)) {
    const term = normalizeTerm(word);
    if (term !== null && !out.includes(term)) out.push(term);
  }
  return out;
}
