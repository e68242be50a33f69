import { randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { open, rename, rm, stat } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import { type MemoryBackend, NotSupportedError, ValidationError } from "@tta-dev/core";
import {
  type BundleCounts,
  bundleTools,
  type ImportConflict,
  type ImportCounts,
  type ImportReceipt,
  type LegacyGroupsReceipt,
  legacyGroupsTool,
  loadConfig,
  openBackend,
} from "@tta-dev/runtime";
import { ephemeralBackend } from "../ephemeral.js";
import { storeFlags } from "../handlers.js";
import type { CliIo, CliOutput } from "../io.js";
import type { OutputMode } from "../output.js";
import type { Invocation } from "../program.js";
import type { RunOptions } from "../run.js";
import { cliVersion } from "../version.js";
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

async function writeAll(out: CliOutput, lines: AsyncIterable<string>): Promise<void> {
  const stream = out as CliOutput & { once?: (event: string, listener: () => void) => unknown };
  for await (const line of lines) {
    // Honour backpressure of a real stream (a pipe to a slow reader), so memory stays flat.
    if (out.write(line) === false && typeof stream.once === "function") {
      await new Promise<void>((done) => stream.once!("drain", done));
    }
  }
}

/**
 * Write `lines` to `file`: into a temporary file beside it, flushed to disk, then renamed into place,
 * so `file` holds a complete bundle or what it held before. The temporary file is removed on failure.
 */
async function writeFileAtomically(file: string, lines: AsyncIterable<string>, gzip: boolean): Promise<void> {
  const temp = join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  const sink = createWriteStream(temp, { flags: "wx" });
  try {
    if (gzip) await pipeline(Readable.from(lines), createGzip(), sink);
    else await pipeline(Readable.from(lines), sink);
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
 * `tta export [--out FILE|-] [--gzip] [--sessions a,b] [--since T]`: the namespace's bundle to a file
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
  const { exportBundle } = await bundleTools();
  const backend: MemoryBackend = await openStore();
  let trailer = "";
  try {
    const source = exportBundle({
      backend,
      namespace: resolved.namespace,
      tool: `tta ${cliVersion()}`,
      ...(sessions ? { sessions } : {}),
      ...(since ? { since } : {}),
    });
    async function* lines(): AsyncGenerator<string> {
      for await (const line of source) {
        trailer = line;
        yield line;
      }
    }
    if (out === null) await writeAll(io.stdout, lines());
    else await writeFileAtomically(out, lines(), gzip);
  } finally {
    await backend.close();
  }
  const counts = (JSON.parse(trailer) as { counts: BundleCounts }).counts;
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

function receiptText(r: ImportReceipt): string {
  const head = r.dryRun
    ? `dry run: would import into namespace "${r.namespace}" (nothing written)\n`
    : `imported into namespace "${r.namespace}"\n`;
  const width = Math.max(...ROWS.map(([, label]) => label.length));
  const rows = ROWS.map(
    ([k, label]) =>
      `  ${label.padEnd(width)}  ${String(r.imported[k]).padStart(8)}  ${String(r.skipped[k]).padStart(7)}\n`,
  );
  return `${head}  ${"".padEnd(width)}  ${"imported".padStart(8)}  ${"skipped".padStart(7)}\n${rows.join("")}`;
}

/**
 * `tta import bundle FILE [--on-conflict skip|overwrite|fail] [--dry-run]`: `importBundle` into the
 * namespace of `--namespace`, else the bundle's; prints the receipt. Progress on stderr on a terminal.
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
  const { importBundle } = await bundleTools();
  const backend: MemoryBackend = await openStore();
  let receipt: ImportReceipt;
  try {
    receipt = await importBundle(backend, progress ? progressSource(file, gzip, progress, dryRun) : file, {
      onConflict: onConflict as ImportConflict,
      dryRun,
      ...(invocation.globals.namespace !== undefined ? { namespace: invocation.globals.namespace } : {}),
    });
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
