import { InternalError } from "@tta-dev/core";
import type MiniSearch from "minisearch";

/** Term → field id → (short document id → term frequency), as minisearch 7.2 keeps it. */
type FieldPostings = Map<number, Map<number, number>>;

interface MiniSearchInternals {
  _index?: { get(term: string): FieldPostings | undefined };
  _idToShortId?: Map<string, number>;
}

/**
 * Read access to minisearch's inverted index, so that ranking can walk the postings of a term once
 * (BM25 into a reused typed array) instead of letting `search()` build and sort an object per hit.
 * minisearch is pinned to 7.2.0; this adapter checks its shape on creation, and a test compares our
 * scores with minisearch's own, so an upgrade that changes the internals fails loudly.
 */
export interface Postings {
  /** The postings of a normalised term in one field, or undefined. */
  of(term: string, fieldId: number): ReadonlyMap<number, number> | undefined;
  /** minisearch's short id of a document. */
  shortId(id: string): number;
}

/** @throws InternalError when minisearch's internals are not the expected shape. */
export function minisearchPostings(ms: MiniSearch<never> | MiniSearch<{ id: string }>): Postings {
  const internals = ms as unknown as MiniSearchInternals;
  const index = internals._index;
  const ids = internals._idToShortId;
  if (!index || typeof index.get !== "function" || !(ids instanceof Map)) {
    throw new InternalError("minisearch internals changed: expected _index and _idToShortId (version 7.2.0)");
  }
  return {
    of: (term, fieldId) => index.get(term)?.get(fieldId),
    shortId: (id) => {
      const short = ids.get(id);
      if (short === undefined) throw new InternalError(`minisearch lost document ${id}`);
      return short;
    },
  };
}
