import { randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { open, rename, rm, stat } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { StringDecoder } from "node:string_decoder";
import {
  type BundleStream,
  checkInputLimits,
  type HandlerContext,
  type OutputOf,
  parseInput,
} from "@tta-dev/contract";
import { type MemoryBackend, NotSupportedError, resolveLimits, ValidationError } from "@tta-dev/core";
import {
  type BundleCounts,
  bundleTools,
  type ImportConflict,
  type ImportCounts,
  type LegacyGroupsReceipt,
  legacyGroupsTool,
  loadConfig,
  openBackend,
  type ResolvedConfig,
} from "@tta-dev/runtime";
import { ephemeralBackend } from "../ephemeral.js";
import { callHandler, handlersContext, storeFlags, workflowHandlers } from "../handlers.js";
import type { CliIo, CliOutput } from "../io.js";
import type { OutputMode } from "../output.js";
import type { Invocation } from "../program.js";
import type { RunOptions } from "../run.js";
import { createProgress, type Progress, silentProgress } from "./import/progress.js";

export type ExportInvocation = Extract<Invocation, { kind: "export" }>;
export type ImportBundleInvocation = Extract<Invocation, { kind: "import"; what: "bundle" }>;

const CONFLICTS: readonly ImportConflict[] = ["skip", "overwrite", "fail"];

/** An import into a backend that lives only inside this process would be lost when it exits. */
function refuseEphemeral(resolved: Awaited<ReturnType<typeof loadConfig>>): void {
  const ephemeral = ephemeralBackend(resolved);
  if (ephemeral) {
    throw new NotSupportedError(
      `The ${ephemeral} backend keeps data only inside one process, and tta import exits when it is done: what it imports would be lost. Use a persistent backend (file, the default; redis; keyv with keyv.url).`,
      { backend: resolved.backend },
    );
  }
}

function invalid(flag: string, message: string): ValidationError {
  return new ValidationError(`${flag}: ${message}`, { issues: [{ path: flag, message }] });
}

/** The `--sessions` list: ids separated by commas, none empty. */
function sessionList(value: string): string[] {
  const ids = value.split(",").map((s) => s.trim());
  if (ids.some((s) => s === "")) throw invalid("--sessions", "session ids separated by commas, none empty");
  return [...new Set(ids)];
}

/** The `--since` instant as the ISO 8601 text the store's timestamps are compared with. */
function sinceInstant(value: string): string {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw invalid("--since", `${JSON.stringify(value)} is not an ISO 8601 time`);
  return new Date(ms).toISOString();
}

async function writeAll(out: CliOutput, body: AsyncIterable<Uint8Array>): Promise<void> {
  const stream = out as CliOutput & { once?: (event: string, listener: () => void) => unknown };
  const decoder = new StringDecoder("utf8");
  for await (const chunk of body) {
    // Honour backpressure of a real stream (a pipe to a slow reader), so memory stays flat.
    if (out.write(decoder.write(Buffer.from(chunk))) === false && typeof stream.once === "function") {
      await new Promise<void>((done) => stream.once!("drain", done));
    }
  }
  const rest = decoder.end();
  if (rest) out.write(rest);
}

/**
 * Write `body` to `file`: into a temporary file beside it, flushed to disk, then renamed into place,
 * so `file` holds a complete bundle or what it held before. The temporary file is removed on failure.
 */
async function writeFileAtomically(file: string, body: AsyncIterable<Uint8Array>): Promise<void> {
  const temp = join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  const sink = createWriteStream(temp, { flags: "wx" });
  try {
    await pipeline(Readable.from(body), sink);
    const handle = await open(temp, "r+");
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (error) {
    // A failure before the file was opened: wait until the stream has opened and closed it.
    if (!sink.closed) await new Promise<void>((done) => sink.once("close", () => done()));
    await rm(temp, { force: true });
    const code = (error as NodeJS.ErrnoException).code;
    if (typeof code === "string" && /^E[A-Z]+$/.test(code)) {
      throw invalid("--out", `cannot write ${JSON.stringify(file.slice(0, 300))} (${code})`);
    }
    throw error;
  }
}

const KINDS: [keyof BundleCounts, string, string][] = [
  ["session", "session", "sessions"],
  ["message", "message", "messages"],
  ["cache", "cache entry", "cache entries"],
  ["memory", "memory", "memories"],
  ["group", "group", "groups"],
];

function countsText(counts: BundleCounts): string {
  return KINDS.map(([k, one, many]) => `${counts[k]} ${counts[k] === 1 ? one : many}`).join(", ");
}

async function storeOf(
  invocation: ExportInvocation | ImportBundleInvocation | ImportGroupsInvocation,
  io: CliIo,
  options: RunOptions,
) {
  const resolved = await loadConfig(io.cwd, io.env, storeFlags(invocation.globals));
  return { resolved, open: () => (options.backendFactory ?? openBackend)(resolved) };
}

/**
 * Call a bundle operation's handler as every caller does (the contract's schema and limits first),
 * with the handlers of this workspace: `tta export` and `GET /v1/export` are one operation.
 */
async function callBundleOperation<N extends "system.export" | "system.import">(
  name: N,
  raw: Record<string, unknown>,
  resolved: ResolvedConfig,
  backend: MemoryBackend,
  options: RunOptions,
  context: HandlerContext,
): Promise<OutputOf<N>> {
  const input = parseInput(name, raw, { namingPolicy: resolved.namingPolicy });
  const limits = resolveLimits(resolved.config.limits);
  checkInputLimits(name, input, limits);
  const handlers = await (options.handlersFactory ?? workflowHandlers)(
    handlersContext(resolved, backend, limits),
  );
  return (await callHandler(handlers, name, input, context)) as OutputOf<N>;
}

/**
 * `tta export [--out FILE|-] [--gzip] [--sessions a,b] [--since T]`: the `system.export` operation,
 * the namespace's bundle (with the PAF snapshot of PAFCORE.md) to a file
 * (complete or not at all) or stdout; gzip with `--gzip` or a name ending `.gz`. A summary on stderr
 * when it is a terminal; with `--json` and a file, the counts on stdout.
 */
export async function exportCommand(
  invocation: ExportInvocation,
  io: CliIo,
  mode: OutputMode,
  options: RunOptions,
): Promise<number> {
  const out = invocation.out === undefined || invocation.out === "-" ? null : resolve(io.cwd, invocation.out);
  const gzip = invocation.gzip === true || out?.endsWith(".gz") === true;
  if (gzip && out === null) {
    throw invalid("--gzip", "gzip is written to a file only: give --out FILE, or pipe stdout through gzip");
  }
  const sessions = invocation.sessions !== undefined ? sessionList(invocation.sessions) : undefined;
  const since = invocation.since !== undefined ? sinceInstant(invocation.since) : undefined;
  const { resolved, open: openStore } = await storeOf(invocation, io, options);
  const backend: MemoryBackend = await openStore();
  let counts: BundleCounts;
  try {
    const bundle = (await callBundleOperation(
      "system.export",
      { ...(sessions ? { sessions } : {}), ...(since ? { since } : {}), ...(gzip ? { gzip } : {}) },
      resolved,
      backend,
      options,
      { namespace: resolved.namespace },
    )) as BundleStream;
    if (out === null) await writeAll(io.stdout, bundle.body);
    else await writeFileAtomically(out, bundle.body);
    counts = bundle.counts()!;
  } finally {
    await backend.close();
  }
  if (out !== null && mode.json) {
    io.stdout.write(`${JSON.stringify({ namespace: resolved.namespace, file: out, gzip, counts })}\n`);
  } else if (io.stderr.isTTY && !mode.quiet && !mode.json) {
    io.stderr.write(
      `exported ${countsText(counts)} of namespace "${resolved.namespace}" to ${out ?? "stdout"}\n`,
    );
  }
  return 0;
}

/** A bundle file, checked to be a regular file: its size, and whether it is gzip. */
async function bundleFile(path: string): Promise<{ size: number; gzip: boolean }> {
  const name = JSON.stringify(path.slice(0, 300));
  let size: number;
  try {
    const s = await stat(path);
    if (!s.isFile()) throw invalid("file", `${name} is not a regular file; give the path of a bundle`);
    size = s.size;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (typeof code !== "string") throw error;
    throw invalid("file", `${name} cannot be read (${code === "ENOENT" ? "no such file" : code})`);
  }
  const handle = await open(path, "r");
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0);
    return { size, gzip: bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b };
  } finally {
    await handle.close();
  }
}

/** Each read of the file reports its progress: the first pass checks, the second imports. */
function progressSource(file: string, gzip: boolean, progress: Progress, dryRun: boolean) {
  let passes = 0;
  return () => {
    const phase = passes++ === 0 ? "checking" : "importing";
    return (async function* () {
      let bytes = 0;
      let lines = 0;
      for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
        bytes += chunk.length;
        if (!gzip) for (const b of chunk) if (b === 0x0a) lines++;
        progress.update(phase, bytes, lines);
        yield chunk;
      }
      if (phase === "importing" || dryRun) progress.done();
    })();
  };
}

const ROWS: [keyof ImportCounts, string][] = [
  ["sessions", "sessions"],
  ["messages", "messages"],
  ["cache", "cache entries"],
  ["memories", "memories"],
  ["groups", "groups"],
  ["pafs", "PAFs"],
];

function receiptText(r: OutputOf<"system.import">): string {
  const head = r.dryRun
    ? `dry run: would import into namespace "${r.namespace}" (nothing written)\n`
    : `imported into namespace "${r.namespace}"\n`;
  const width = Math.max(...ROWS.map(([, label]) => label.length));
  const rows = ROWS.map(
    ([k, label]) =>
      `  ${label.padEnd(width)}  ${String(r.imported[k]).padStart(8)}  ${String(r.skipped[k]).padStart(7)}\n`,
  );
  const paf = r.paf.written
    ? `  ${r.paf.written} written from the bundle's PAF snapshot\n`
    : r.paf.differing.length
      ? `  PAFCORE.md kept as it is; these PAFs of the bundle differ from it or are not in it: ${r.paf.differing.join(", ")}\n`
      : "";
  return `${head}  ${"".padEnd(width)}  ${"imported".padStart(8)}  ${"skipped".padStart(7)}\n${rows.join("")}${paf}`;
}

/**
 * `tta import bundle FILE [--on-conflict skip|overwrite|fail] [--dry-run]`: the `system.import`
 * operation into the namespace of `--namespace`, else the bundle's; prints the receipt. Progress on
 * stderr on a terminal.
 */
export async function importBundleCommand(
  invocation: ImportBundleInvocation,
  io: CliIo,
  mode: OutputMode,
  options: RunOptions,
): Promise<number> {
  const onConflict = invocation.onConflict ?? "skip";
  if (!(CONFLICTS as readonly string[]).includes(onConflict)) {
    throw invalid("--on-conflict", `${JSON.stringify(onConflict)} is not one of ${CONFLICTS.join(", ")}`);
  }
  const { resolved, open: openStore } = await storeOf(invocation, io, options);
  refuseEphemeral(resolved);
  const file = resolve(io.cwd, invocation.file);
  const { size, gzip } = await bundleFile(file);
  const dryRun = invocation.dryRun === true;
  const progress =
    io.stderr.isTTY && !mode.quiet && !mode.json
      ? createProgress(io.stderr, basename(file), size, { unit: gzip ? "" : "lines" })
      : null;
  // Without --namespace, the bundle's own; the operation imports into the namespace it is called in.
  const namespace = invocation.globals.namespace ?? (await (await bundleTools()).bundleNamespace(file));
  const backend: MemoryBackend = await openStore();
  let receipt: OutputOf<"system.import">;
  try {
    const body = progress ? progressSource(file, gzip, progress, dryRun) : () => createReadStream(file);
    receipt = await callBundleOperation(
      "system.import",
      { onConflict, ...(dryRun ? { dryRun } : {}) },
      resolved,
      backend,
      options,
      { namespace, body },
    );
  } catch (error) {
    (progress ?? silentProgress).done();
    throw error;
  } finally {
    await backend.close();
  }
  if (mode.json) io.stdout.write(`${JSON.stringify(receipt)}\n`);
  else if (!mode.quiet) io.stdout.write(receiptText(receipt));
  return 0;
}

type ImportGroupsInvocation = Extract<Invocation, { kind: "import"; what: "groups" }>;

function groupsReceiptText(r: LegacyGroupsReceipt): string {
  const head = r.dryRun
    ? `dry run: would import session_groups.json ${r.version} into namespace "${r.namespace}" (nothing written)\n`
    : `imported session_groups.json ${r.version} into namespace "${r.namespace}"\n`;
  const row = (label: string, k: "groups" | "sessions") =>
    `  ${label.padEnd(8)}  ${String(r.imported[k].length).padStart(8)}  ${String(r.skipped[k].length).padStart(7)}\n`;
  const unsafe = r.unsafe.length
    ? `  not created (not a safe session id): ${r.unsafe.map((id) => JSON.stringify(id)).join(", ")}\n`
    : "";
  return `${head}  ${"".padEnd(8)}  ${"imported".padStart(8)}  ${"skipped".padStart(7)}\n${row("sessions", "sessions")}${row("groups", "groups")}${unsafe}`;
}

/**
 * `tta import groups FILE [--dry-run]`: `importLegacyGroups` into the namespace of `--namespace`, else
 * the configured one; prints the receipt.
 */
export async function importGroupsCommand(
  invocation: ImportGroupsInvocation,
  io: CliIo,
  mode: OutputMode,
  options: RunOptions,
): Promise<number> {
  const { resolved, open: openStore } = await storeOf(invocation, io, options);
  refuseEphemeral(resolved);
  const importLegacyGroups = await legacyGroupsTool();
  const backend: MemoryBackend = await openStore();
  let receipt: LegacyGroupsReceipt;
  try {
    receipt = await importLegacyGroups(backend, resolve(io.cwd, invocation.file), {
      namespace: resolved.namespace,
      dryRun: invocation.dryRun === true,
    });
  } finally {
    await backend.close();
  }
  if (mode.json) io.stdout.write(`${JSON.stringify(receipt)}\n`);
  else if (!mode.quiet) io.stdout.write(groupsReceiptText(receipt));
  return 0;
}
