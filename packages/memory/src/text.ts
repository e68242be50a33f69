import { createRequire } from "node:module";
import {
  DEFAULT_SEARCH_LANGUAGE,
  isSearchLanguage,
  SEARCH_LANGUAGES,
  type SearchLanguage,
  ValidationError,
} from "@tta-dev/core";

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

type Stopword = typeof import("stopword");
type Snowball = typeof import("snowball-stemmers");

/**
 * The stop-word lists and the stemmers of every language, loaded on first use: a command that never
 * analyses text (a message append, a hook that only records) does not pay for them.
 */
let textModules: { stopword: Stopword; snowball: Snowball } | undefined;
function modules(): { stopword: Stopword; snowball: Snowball } {
  textModules ??= {
    stopword: createRequire(import.meta.url)("stopword") as Stopword,
    snowball: createRequire(import.meta.url)("snowball-stemmers") as Snowball,
  };
  return textModules;
}

/** The `stopword` package's list of each language (ISO 639-3 keys). */
const STOP_LIST: Readonly<Record<SearchLanguage, keyof Stopword>> = {
  danish: "dan",
  dutch: "nld",
  english: "eng",
  finnish: "fin",
  french: "fra",
  german: "deu",
  hungarian: "hun",
  italian: "ita",
  norwegian: "nob",
  portuguese: "por",
  romanian: "ron",
  russian: "rus",
  spanish: "spa",
  swedish: "swe",
  turkish: "tur",
};

/**
 * Changes whenever tokenising, folding, stop words or stemming change (it names the persisted index's
 * analysis: an index analysed otherwise is rebuilt, never mixed).
 */
export const ANALYSIS_VERSION = 2;

/** Stems kept per analyser before the memo starts over (a store's vocabulary is far smaller). */
const MAX_MEMO = 200_000;

/**
 * The text analysis of deep-memory search, the same at index and at query time: words split on spaces
 * and punctuation, folded (case, accents), stop words dropped, and what is left stemmed (Snowball),
 * so `pools`, `pooling` and `pooled` are the term `pool`. Pure and deterministic.
 */
export interface TextAnalyzer {
  readonly language: SearchLanguage;
  /** Names the analysis in a persisted index, e.g. `snowball-english-2`. */
  readonly id: string;
  /** The term a raw word stands for, or `null` for an empty word or a stop word. */
  term(word: string): string | null;
  /** Whether a folded word is a stop word. */
  isStopWord(folded: string): boolean;
}

function createAnalyzer(language: SearchLanguage): TextAnalyzer {
  let loaded: { stop: Set<string>; stemmer: { stem(word: string): string } } | undefined;
  // Built on the first word analysed: creating a store analyses nothing.
  const load = () => {
    if (loaded) return loaded;
    const { stopword, snowball } = modules();
    const stop = new Set<string>();
    for (const word of stopword[STOP_LIST[language]] as string[]) {
      // A list word with an apostrophe ("don't") is split as text is: its parts are stop words too.
      for (const part of tokenize(word)) {
        const folded = normalizeTerm(part);
        if (folded !== null) stop.add(folded);
      }
    }
    loaded = { stop, stemmer: snowball.newStemmer(language) };
    return loaded;
  };
  const memo = new Map<string, string | null>();
  return {
    language,
    id: `snowball-${language}-${ANALYSIS_VERSION}`,
    isStopWord: (folded) => load().stop.has(folded),
    term(word) {
      const cached = memo.get(word);
      if (cached !== undefined) return cached;
      const { stop, stemmer } = load();
      const folded = normalizeTerm(word);
      // Accents are folded before stemming, so `Café` and `cafe` always stem alike.
      const out = folded === null || stop.has(folded) ? null : stemmer.stem(folded) || folded;
      if (memo.size >= MAX_MEMO) memo.clear();
      memo.set(word, out);
      return out;
    },
  };
}

const ANALYZERS = new Map<SearchLanguage, TextAnalyzer>();

/**
 * The analyser of a language (default English), shared by every store of the process.
 *
 * @throws VALIDATION_FAILED naming `search.language` when the language is not one of {@link SEARCH_LANGUAGES}
 * @example
 * textAnalyzer("english").term("Pooling"); // "pool"
 */
export function textAnalyzer(language: string = DEFAULT_SEARCH_LANGUAGE): TextAnalyzer {
  if (!isSearchLanguage(language)) {
    throw new ValidationError(`search.language: must be one of ${SEARCH_LANGUAGES.join(", ")}`, {
      issues: [{ path: "search.language", message: `unknown language "${String(language).slice(0, 64)}"` }],
    });
  }
  let analyzer = ANALYZERS.get(language);
  if (!analyzer) {
    analyzer = createAnalyzer(language);
    ANALYZERS.set(language, analyzer);
  }
  return analyzer;
}

/** What a query analyses to. */
export interface QueryAnalysis {
  /** The distinct terms, in the order they first appear. */
  terms: string[];
  /** Whether the query had words but every one was a stop word (then nothing matches its text). */
  onlyStopWords: boolean;
}

/** Analyse a query: its distinct terms, and whether it held only stop words. */
export function analyseQuery(query: string | undefined, analyzer = textAnalyzer()): QueryAnalysis {
  const terms: string[] = [];
  let words = 0;
  if (query) {
    for (const word of tokenize(query)) {
      if (word.length) words++;
      const term = analyzer.term(word);
      if (term !== null && !terms.includes(term)) terms.push(term);
    }
  }
  return { terms, onlyStopWords: words > 0 && terms.length === 0 };
}

/** The distinct analysed terms of a query, in the order they first appear. */
export function queryTerms(query: string | undefined, analyzer = textAnalyzer()): string[] {
  return analyseQuery(query, analyzer).terms;
}
