import {
  type CacheEntry,
  type Clock,
  type ExplainEntry,
  type GroupPeer,
  type LoadedContext,
  type MemoryHit,
  type Message,
  type Paf,
  type Session,
  type SessionGroup,
  SessionNotFoundError,
  type TokenEstimator,
  type WorkflowContext,
} from "@tta-dev/core";
import type { GroupStore } from "@tta-dev/groups";
import { analyseQuery, type MemoryStore } from "@tta-dev/memory";
import type { PafSource } from "@tta-dev/paf";
import type { Candidate, StagePlan, StagePolicyEngine } from "@tta-dev/stages";
import { deepQuery } from "./deep-query.js";
import { renderLayerItem } from "./render/index.js";

/** How many candidates beyond a layer's limit are fetched, so `explain[]` shows what the limit cut. */
export const OVERFETCH = 10;
/** Candidates fetched for a layer without an item limit. */
export const UNLIMITED_FETCH = 1000;
/** Deep search returns at most this many hits. */
export const MAX_DEEP_FETCH = 100;

/** What `loadWorkflowContext` needs. */
export interface LoaderDeps {
  memory: MemoryStore;
  groups: GroupStore;
  policy: StagePolicyEngine;
  pafSource: PafSource | undefined;
  estimator: TokenEstimator;
  clock: Clock;
}

/** Options of one load. */
export interface LoadOptions {
  stage: string;
  mode?: string;
  /** Overrides `ctx.metadata.query` as the deep-memory query. */
  query?: string;
}

const fetchCount = (limit: number | null, cap: number) =>
  Math.min(cap, limit === null ? UNLIMITED_FETCH : limit + OVERFETCH);

interface Cand<T> extends Candidate {
  item: T;
}

async function loadPafs(source: PafSource | undefined): Promise<Paf[]> {
  return source ? source.load() : [];
}

async function loadPeers(
  deps: LoaderDeps,
  session: Session,
  plan: StagePlan,
  groups: readonly SessionGroup[],
): Promise<GroupPeer[]> {
  const rule = plan.layers.groups;
  if (!rule.enabled || groups.length === 0) return [];
  const seen = new Set<string>([session.id]);
  const wanted: { group: (typeof groups)[number]; sessionId: string }[] = [];
  for (const group of groups) {
    for (const sessionId of group.sessionIds) {
      if (seen.has(sessionId)) continue;
      seen.add(sessionId);
      wanted.push({ group, sessionId });
    }
  }
  const picked = wanted.slice(0, fetchCount(rule.limit, UNLIMITED_FETCH));
  if (picked.length === 0) return [];
  const reads = picked.flatMap(({ sessionId }) => {
    const r = deps.memory.reads(sessionId);
    return [r.session(), r.lastMessages(Math.max(1, rule.messages))];
  });
  const results = await deps.memory.backend.batch(reads);
  return picked.map(({ group, sessionId }, i): GroupPeer => {
    const r = deps.memory.reads(sessionId);
    const peerSession = r.decodeSession(results[2 * i]);
    const messages = rule.messages > 0 ? r.decodeMessages(results[2 * i + 1]) : [];
    return {
      groupId: group.id,
      groupStatus: group.status,
      ...(group.summary !== undefined ? { groupSummary: group.summary } : {}),
      sessionId,
      ...(peerSession?.title !== undefined ? { title: peerSession.title } : {}),
      ...(peerSession ? { status: peerSession.status } : {}),
      messages,
    };
  });
}

/**
 * Load the layers a stage needs for one session, within the policy's limits and token budget, and
 * say why each candidate was or was not loaded. Same data, same output on every backend.
 */
export async function loadContext(
  deps: LoaderDeps,
  ctx: WorkflowContext,
  options: LoadOptions,
): Promise<LoadedContext> {
  const plan = deps.policy.resolve(options.stage, options.mode);
  const { layers } = plan;
  const reads = deps.memory.reads(ctx.sessionId);
  // Round trip 1: the session, its latest messages, its cache and its groups, sent together.
  const sessionFetch = Math.max(fetchCount(layers.session.enabled ? layers.session.limit : 0, 10_000), 20);
  const cacheFetch = layers.cache.enabled ? fetchCount(layers.cache.limit, 1000) : 1;
  const [[s, log, cache], groups] = await Promise.all([
    deps.memory.backend.batch([reads.session(), reads.lastMessages(sessionFetch), reads.cache(cacheFetch)]),
    deps.groups.getGroupsOfSession(ctx.sessionId),
  ]);
  const session = reads.decodeSession(s);
  if (!session) throw new SessionNotFoundError(ctx.sessionId, deps.memory.namespace);
  const messages = reads.decodeMessages(log);
  const cacheEntries = layers.cache.enabled ? reads.decodeCache(cache, deps.clock.now()) : [];

  // Round trip 2: the group peers and the deep-memory search (its change-log check), sent together;
  // a third only when other processes changed memories since the last search.
  const searchDeep = async (): Promise<MemoryHit[]> => {
    if (!layers.deep.enabled) return [];
    const built = deepQuery(options.query ?? ctx.metadata.query, session, messages);
    // A query with no meaningful term (a title of stop words only, such as "On it") would match only noise:
    // the deep layer then loads by importance and recency, as with no query at all.
    const query = analyseQuery(built, deps.memory.memories.analyzer).terms.length ? built : "";
    const boostTags = [...new Set([...session.tags, ...groups.flatMap((g) => g.tags)])];
    return deps.memory.memories.search({
      ...(query ? { query } : {}),
      ...(boostTags.length ? { boostTags } : {}),
      // The session's own memories (its lessons) and its groups' rank above others that match as well.
      boostSessionId: session.id,
      ...(groups.length ? { boostGroupIds: groups.map((g) => g.id) } : {}),
      limit: fetchCount(layers.deep.limit, MAX_DEEP_FETCH),
      // The explain trace shows each memory's score and its parts.
      explain: true,
    });
  };
  const [pafs, peers, hits] = await Promise.all([
    layers.pafs.enabled ? loadPafs(deps.pafSource) : Promise.resolve<Paf[]>([]),
    loadPeers(deps, session, plan, groups),
    searchDeep(),
  ]);

  const tokens = <L extends keyof LoadedContext["layers"]>(
    layer: L,
    item: LoadedContext["layers"][L][number],
  ) => deps.estimator.estimate(renderLayerItem(layer, item));
  // Newest messages first: rank 0 is the latest.
  const sessionCands: Cand<Message>[] = layers.session.enabled
    ? [...messages]
        .reverse()
        .map((m, i) => ({ ref: `seq:${m.seq}`, tokens: tokens("session", m), rank: i, item: m }))
    : [];
  const cacheCands: Cand<CacheEntry>[] = cacheEntries.map((e, i) => ({
    ref: `cache:${e.key}`,
    tokens: tokens("cache", e),
    rank: i,
    item: e,
  }));
  const scores = new Map(hits.map((h) => [h.memory.id, h]));
  const deepCands: Cand<MemoryHit>[] = hits.map(({ explain: _parts, ...h }, i) => ({
    ref: h.memory.id,
    tokens: tokens("deep", h),
    rank: i,
    item: h,
  }));
  const pafCands: Cand<Paf>[] = pafs.map((p, i) => ({
    ref: `paf:${p.id}`,
    tokens: tokens("pafs", p),
    rank: i,
    filtered: p.status !== "active",
    item: p,
  }));
  const peerCands: Cand<GroupPeer>[] = peers.map((p, i) => ({
    ref: `group:${p.groupId}/${p.sessionId}`,
    tokens: tokens("groups", p),
    rank: i,
    item: p,
  }));

  const selection = deps.policy.select(plan.stage, plan.mode, {
    session: sessionCands,
    cache: cacheCands,
    deep: deepCands,
    pafs: pafCands,
    groups: peerCands,
  });
  const picked = selection.selected;
  // The pafs layer was asked for but there is no PAFCORE.md: say so, and where it was looked for.
  const searched = layers.pafs.enabled ? deps.pafSource?.missing?.() : undefined;
  const missing: ExplainEntry[] = searched
    ? [
        {
          layer: "pafs",
          ref: `PAFCORE.md not found (looked in ${searched.join(", ")})`,
          included: false,
          reason: "missing",
          tokens: 0,
        },
      ]
    : [];
  return {
    stage: plan.stage,
    mode: plan.mode,
    policyHash: plan.policyHash,
    layers: {
      // Chronological order for reading, whatever order the selection preferred.
      session: picked.session.map((c) => c.item).sort((a, b) => a.seq - b.seq),
      cache: picked.cache.map((c) => c.item),
      deep: picked.deep.map((c) => c.item),
      pafs: picked.pafs.map((c) => c.item),
      groups: picked.groups.map((c) => c.item),
    },
    tokens: selection.tokens,
    explain: [
      ...missing,
      ...selection.explain.map((e) => {
        const hit = e.layer === "deep" ? scores.get(e.ref) : undefined;
        return hit?.explain ? { ...e, score: hit.score, scoreParts: hit.explain } : e;
      }),
    ],
  };
}
