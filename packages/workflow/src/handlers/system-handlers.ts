import { join } from "node:path";
import type { Handlers } from "@tta-dev/contract";
import {
  isTtaError,
  type Layer,
  NotSupportedError,
  toTtaError,
  ValidationError,
  WORKFLOW_MODES,
  WORKFLOW_STAGES,
} from "@tta-dev/core";
import {
  diffPafs,
  formatResults,
  type PafResult,
  readPafSnapshot,
  snapshotPafs,
  validatePafs,
  writePafSnapshot,
} from "@tta-dev/paf";
import type { MemoryWorkflow } from "../memory-workflow.js";
import { renderContext } from "../render/index.js";
import type { HandlerEnv } from "./create-handlers.js";
import { checkStore, storeSizes } from "./store-check.js";

/** The contract's shape of one validation result. */
function toContractResult(r: PafResult) {
  return {
    ...(r.pafId ? { pafId: r.pafId } : {}),
    check: r.kind === "lint" ? "lint" : (r.checker ?? r.code ?? "check"),
    ok: r.ok,
    severity: r.severity,
    ...(r.actual !== undefined && r.actual !== null ? { actual: JSON.parse(JSON.stringify(r.actual)) } : {}),
    ...(r.expected !== null && r.expected !== undefined ? { expected: r.expected } : {}),
    message: r.message,
    ...(r.source ? { source: { file: r.source.file, line: Math.max(1, r.source.line) } } : {}),
  };
}

/** Context loading, PAFs, the policy and the doctor. */
export function systemHandlers(env: HandlerEnv) {
  const o = env.options;
  const pafSource = o.pafSource!;
  const policy = o.policy!;
  const snapshotPath = join(o.dataDir, "paf-snapshot.json");
  const pafOptions = { root: o.root, ...(o.pafPath ? { pafPath: o.pafPath } : {}) };

  async function pafDocument() {
    const doc = await pafSource.document();
    if (doc) return doc;
    // Not optional here: say where we looked.
    const { loadPafs } = await import("@tta-dev/paf");
    return loadPafs(pafOptions);
  }

  return {
    "context.load": async (i, c) => {
      const wf = env.workflow(c.namespace);
      const stage = i.stage ?? (await recordedStage(wf, i.sessionId));
      const ctx = await wf.loadWorkflowContext(
        { workflowId: i.workflowId ?? `ctx-${i.sessionId}`, sessionId: i.sessionId, metadata: {}, state: {} },
        { stage, ...(i.mode ? { mode: i.mode } : {}), ...(i.query ? { query: i.query } : {}) },
      );
      const format = i.format ?? "json";
      return format === "markdown"
        ? {
            format,
            context: ctx.memory,
            rendered: renderContext(ctx.memory, "markdown", { explain: i.explain ?? false }),
          }
        : { format, context: ctx.memory };
    },
    "paf.list": async (i) => {
      const doc = await pafDocument();
      const items = doc.facts.filter(
        (f) => (i.all ? true : f.status === "active") && (i.category ? f.category === i.category : true),
      );
      return { items, nextCursor: null, file: doc.file };
    },
    "paf.validate": async (i) => {
      const doc = await pafDocument();
      const report = await validatePafs({
        ...pafOptions,
        document: doc,
        allowCommands: i.allowCommands ?? false,
        ...(o.runtime ? { runtime: o.runtime } : {}),
      });
      const results = report.results.map(toContractResult);
      const strictFail = i.strict && report.summary.warnings > 0;
      const out = {
        ok: report.ok && !strictFail,
        results,
        summary: {
          total: report.summary.total,
          passed: report.summary.passed,
          errors: report.summary.errors,
          warnings: report.summary.warnings,
          infos: report.results.filter((r) => r.severity === "info").length,
        },
        file: report.file,
      };
      const format = i.format ?? "json";
      return format === "json" ? out : { ...out, rendered: formatResults(report.results, format) };
    },
    "paf.diff": async (i) => {
      const doc = await pafDocument();
      const previous = await readPafSnapshot(snapshotPath);
      const diff = diffPafs(previous?.facts ?? [], doc.facts);
      if (i.record)
        await writePafSnapshot(
          snapshotPath,
          snapshotPafs(doc.facts, { file: doc.file, ...(o.clock ? { clock: o.clock } : {}) }),
        );
      return {
        since: previous?.createdAt ?? null,
        added: diff.added,
        changed: diff.changed.map((x) => ({ before: x.before, after: x.after })),
        deprecated: diff.deprecated.map((x) => x.after),
        removed: diff.removed,
        recorded: Boolean(i.record),
      };
    },
    "policy.show": async (i) => {
      const stages = i.stage ? [i.stage] : WORKFLOW_STAGES;
      const modes = i.mode ? [i.mode] : WORKFLOW_MODES;
      const cells = stages.flatMap((stage) =>
        modes.map((mode) => {
          const plan = policy.resolve(stage, mode);
          const rule = (l: Layer) => ({ enabled: plan.layers[l].enabled, limit: plan.layers[l].limit });
          const layers = {
            session: rule("session"),
            cache: rule("cache"),
            deep: rule("deep"),
            pafs: rule("pafs"),
            groups: rule("groups"),
          };
          return {
            stage: plan.stage,
            mode: plan.mode,
            budget: plan.budget,
            layers,
            giveWay: [...plan.priority].reverse(),
          };
        }),
      );
      return { policyHash: policy.policyHash, source: o.policySource ?? null, cells };
    },
    "system.doctor": async (_i, c) => {
      const started = performance.now();
      let error: { code: string; message: string } | undefined;
      try {
        await o.backend.ping();
      } catch (e) {
        const t = isTtaError(e) ? e : toTtaError(e);
        error = { code: t.code, message: t.message };
      }
      const latencyMs = Math.round((performance.now() - started) * 100) / 100;
      const store = error
        ? { inspected: false, checked: 0, problems: [] }
        : await checkStore(o.backend, c.namespace);
      const sizes = error ? null : await storeSizes(o.backend, c.namespace);
      return {
        ok: !error && store.problems.length === 0,
        version: o.version,
        node: process.version,
        namespace: c.namespace,
        backend: {
          name: o.backend.name,
          capabilities: { ...o.backend.capabilities },
          connectivity: { ok: !error, latencyMs, ...(error ? { error } : {}) },
        },
        store,
        sizes,
        config: { sources: o.configSources ?? [{ kind: "default", name: "defaults", keys: [] }] },
      };
    },
    "system.repair": async (i, c) => {
      if (!o.backend.repair) {
        throw new NotSupportedError(
          `The ${o.backend.name} backend cannot repair its data; its store keeps its own integrity.`,
          { backend: o.backend.name },
        );
      }
      const r = await o.backend.repair({ namespace: c.namespace, dryRun: i.dryRun ?? false });
      return {
        dryRun: r.dryRun,
        moved: r.moved.map((m) => ({ place: m.place, lines: [...m.lines], to: m.to })),
        remaining: r.remaining.map((p) => ({
          kind: p.kind,
          place: p.place,
          ...(p.line !== undefined ? { line: p.line } : {}),
          message: p.message,
          repairable: p.repairable,
        })),
      };
    },
  } satisfies Partial<Handlers>;
}

/** The stage a session was last set to, for a context load that names none. */
async function recordedStage(wf: MemoryWorkflow, sessionId: string): Promise<string> {
  const session = await wf.memory.sessions.get({ id: sessionId });
  if (session.stage) return session.stage;
  throw new ValidationError(
    `No stage given, and session "${sessionId}" has none recorded: give one (--stage plan), or record it with \`tta stage set ${sessionId} <stage>\`.`,
    { sessionId, issues: [{ path: "stage", message: "required: the session has no recorded stage" }] },
  );
}
