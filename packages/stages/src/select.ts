import { type ExcludeReason, type ExplainEntry, LAYERS, type Layer, ValidationError } from "@tta-dev/core";
import type { StagePlan } from "./policy.js";

/**
 * One item the loader could load. Extend it with the item itself (`{ ref, tokens, item }`): the
 * selection hands back the same objects.
 */
export interface Candidate {
  /** A stable reference shown in `explain[]`: `seq:12`, a cache key, a memory id, a PAF id… */
  readonly ref: string;
  /** What the item costs, from a `TokenEstimator` on its rendered text; a non-negative integer. */
  readonly tokens: number;
  /** Preference within its layer, lower first (0 = newest message, best memory). Defaults to the array index; ties keep array order. */
  readonly rank?: number;
  /** The item has expired (a cache entry past `expiresAt`). */
  readonly expired?: boolean;
  /** The item was filtered out (a deprecated PAF, a session of another namespace…). */
  readonly filtered?: boolean;
}

/** Candidates per layer; a missing layer has none. */
export type CandidateSet = { readonly [L in Layer]?: readonly Candidate[] };

type ItemOf<C extends CandidateSet, L extends Layer> =
  NonNullable<C[L]> extends readonly (infer X)[] ? X : never;

/** Token accounting of a selection, as `LoadedContext.tokens` holds it. */
export interface TokenTotals {
  perLayer: Record<Layer, number>;
  total: number;
  budget: number;
}

/** What to load: the chosen candidates per layer (best first), why every candidate was or was not chosen, and the tokens. */
export interface Selection<C extends CandidateSet = CandidateSet> {
  selected: { [L in Layer]: ItemOf<C, L>[] };
  explain: ExplainEntry[];
  tokens: TokenTotals;
}

interface Ranked {
  candidate: Candidate;
  rank: number;
  index: number;
  reason?: ExcludeReason;
  included: boolean;
}

function rankLayer(layer: Layer, list: readonly Candidate[]): Ranked[] {
  const ranked = list.map((candidate, index) => {
    if (!Number.isSafeInteger(candidate.tokens) || candidate.tokens < 0) {
      throw new ValidationError(`candidates.${layer}.${index}.tokens: must be a non-negative integer`, {
        issues: [{ path: `candidates.${layer}.${index}.tokens`, message: "must be a non-negative integer" }],
      });
    }
    const rank = candidate.rank ?? index;
    return { candidate, rank: Number.isNaN(rank) ? index : rank, index, included: false };
  });
  return ranked.sort((a, b) => a.rank - b.rank || a.index - b.index);
}

/**
 * Choose what to load for a stage plan: layers are filled in the plan's `priority` order (so the
 * last layer gives way first when the budget runs short), and within a layer in rank order. An
 * item is included when its layer is on, it is neither expired nor filtered, its layer is under
 * its item limit, and it fits whole in what is left of the budget; otherwise the first of
 * `layer-off`, `expired`, `filtered`, `limit`, `budget` that applies is its reason. An item that
 * does not fit does not stop smaller, lower-ranked items from being tried.
 *
 * `explain[]` has one entry per candidate, layers in core `LAYERS` order, each layer in rank order.
 *
 * @throws ValidationError when a candidate's `tokens` is not a non-negative integer
 * @example
 * const plan = resolveStage("plan", "standard");
 * const { selected, explain, tokens } = selectContext(plan, {
 *   session: messages.map((m, i) => ({ ref: `seq:${m.seq}`, tokens: estimate(m), rank: i, item: m })),
 * });
 */
export function selectContext<C extends CandidateSet>(plan: StagePlan, candidates: C): Selection<C> {
  const ranked = {} as Record<Layer, Ranked[]>;
  for (const layer of LAYERS) {
    const list = rankLayer(layer, candidates[layer] ?? []);
    const rule = plan.layers[layer];
    for (const r of list) {
      if (!rule.enabled) r.reason = "layer-off";
      else if (r.candidate.expired) r.reason = "expired";
      else if (r.candidate.filtered) r.reason = "filtered";
    }
    ranked[layer] = list;
  }

  let remaining = plan.budget;
  const perLayer = { session: 0, cache: 0, deep: 0, pafs: 0, groups: 0 };
  // A hand-made plan may list a layer twice or not at all: each layer is filled once, unlisted ones last.
  const order = [...new Set([...plan.priority, ...LAYERS])];
  for (const layer of order) {
    const limit = plan.layers[layer].limit;
    let count = 0;
    for (const r of ranked[layer]) {
      if (r.reason || r.included) continue;
      if (limit !== null && count >= limit) r.reason = "limit";
      else if (r.candidate.tokens > remaining) r.reason = "budget";
      else {
        r.included = true;
        count += 1;
        remaining -= r.candidate.tokens;
        perLayer[layer] += r.candidate.tokens;
      }
    }
  }

  const selected = { session: [], cache: [], deep: [], pafs: [], groups: [] } as Selection<C>["selected"];
  const explain: ExplainEntry[] = [];
  for (const layer of LAYERS) {
    for (const r of ranked[layer]) {
      const entry: ExplainEntry = {
        layer,
        ref: r.candidate.ref,
        included: r.included,
        tokens: r.candidate.tokens,
      };
      if (!r.included) entry.reason = r.reason ?? "budget";
      explain.push(entry);
      if (r.included) (selected[layer] as Candidate[]).push(r.candidate);
    }
  }
  const total = perLayer.session + perLayer.cache + perLayer.deep + perLayer.pafs + perLayer.groups;
  return { selected, explain, tokens: { perLayer, total, budget: plan.budget } };
}
