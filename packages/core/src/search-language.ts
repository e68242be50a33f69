/**
 * The languages deep-memory search can analyse text in (stop words and stemming), by their Snowball
 * names. `english` is the default. The list lives here, the lowest layer, so that the configuration
 * schema and the memory library accept exactly the same names.
 */
export const SEARCH_LANGUAGES = [
  "danish",
  "dutch",
  "english",
  "finnish",
  "french",
  "german",
  "hungarian",
  "italian",
  "norwegian",
  "portuguese",
  "romanian",
  "russian",
  "spanish",
  "swedish",
  "turkish",
] as const;

/** A language deep-memory search can analyse text in. */
export type SearchLanguage = (typeof SEARCH_LANGUAGES)[number];

/** The language of search analysis when none is configured. */
export const DEFAULT_SEARCH_LANGUAGE: SearchLanguage = "english";

/** Whether a value names a {@link SearchLanguage}. */
export function isSearchLanguage(value: unknown): value is SearchLanguage {
  return typeof value === "string" && (SEARCH_LANGUAGES as readonly string[]).includes(value);
}
