import { randomBytes } from "node:crypto";
import { link, mkdir, rm, writeFile } from "node:fs/promises";
import { basename, dirname, isAbsolute, join, relative, sep } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import { type BundleLineCounts, GZIP_MEDIA_TYPE, type Handlers, NDJSON_MEDIA_TYPE } from "@tta-dev/contract";
import { AlreadyExistsError, checkSessionId, type Paf, ValidationError } from "@tta-dev/core";
import { exportBundle, importBundle } from "@tta-dev/memory";
import { renderPafDocument } from "@tta-dev/paf";
import type { HandlerEnv } from "./create-handlers.js";

/** Lines are sent in chunks of about this many bytes: few writes, and a chunk at a time in memory. */
const CHUNK_BYTES = 64 * 1024;

async function* chunked(lines: AsyncIterable<string>): AsyncGenerator<Uint8Array> {
  let parts: string[] = [];
  let size = 0;
  for await (const line of lines) {
    parts.push(line);
    size += line.length;
    if (size >= CHUNK_BYTES) {
      yield Buffer.from(parts.join(""), "utf8");
      parts = [];
      size = 0;
    }
  }
  if (parts.length) yield Buffer.from(parts.join(""), "utf8");
}

async function* gzipped(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const gzip = createGzip();
  // Stopping the reader (return()) destroys the gzip stream, and the pipeline then stops the source.
  const done = pipeline(Readable.from(chunks), gzip).catch(() => {});
  try {
    yield* gzip as AsyncIterable<Uint8Array>;
  } finally {
    gzip.destroy();
    await done;
  }
}

/** A file's name for answers: relative to the workspace root when inside it. */
function shown(root: string, path: string): string {
  const rel = relative(root, path);
  return rel.startsWith("..") || isAbsolute(rel) ? path : rel.split(sep).join("/");
}

/**
 * Write `text` to `path` only if nothing is there: a complete file or none, never replacing one that
 * appeared meanwhile (a hard link fails when the name is taken; a rename would replace it).
 *
 * @returns false when the name was taken
 */
async function writeNewFile(path: string, text: string): Promise<boolean> {
  await mkdir(dirname(path), { recursive: true });
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  try {
    await writeFile(temp, text, { flag: "wx", flush: true });
    await link(temp, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  } finally {
    await rm(temp, { force: true });
  }
}

/** `system.export` and `system.import`: bundles of a namespace, with the project's PAF snapshot. */
export function bundleHandlers(env: HandlerEnv) {
  const o = env.options;
  const pafSource = o.pafSource!;
  const now = o.clock ? () => o.clock!.now() : undefined;

  return {
    "system.export": async (i, c) => {
      // NAME_INVALID before a hostile id reaches the store.
      for (const id of i.sessions ?? []) checkSessionId(id, "off");
      const doc = await pafSource.document();
      const lines = exportBundle({
        backend: o.backend,
        namespace: c.namespace,
        tool: `tta ${o.version}`,
        ...(i.sessions ? { sessions: [...new Set(i.sessions)] } : {}),
        // The store's timestamps are UTC ISO texts, compared as text: the same form.
        ...(i.since ? { since: new Date(Date.parse(i.since)).toISOString() } : {}),
        pafs: doc?.facts ?? [],
        ...(now ? { now } : {}),
      });
      // The first line before answering: a session that does not exist fails here, not mid-stream.
      const first = await lines.next();
      let counts: BundleLineCounts | null = null;
      async function* text(): AsyncGenerator<string> {
        let last = "";
        try {
          if (first.done) return;
          last = first.value;
          yield last;
          for (;;) {
            const next = await lines.next();
            if (next.done) break;
            last = next.value;
            yield last;
          }
          counts = (JSON.parse(last) as { counts: BundleLineCounts }).counts;
        } finally {
          await lines.return(undefined);
        }
      }
      const body = i.gzip ? gzipped(chunked(text())) : chunked(text());
      return {
        namespace: c.namespace,
        mediaType: i.gzip ? GZIP_MEDIA_TYPE : NDJSON_MEDIA_TYPE,
        body,
        counts: () => counts,
      };
    },

    "system.import": async (i, c) => {
      const open = c.body;
      if (!open) {
        throw new ValidationError(
          "system.import needs the bundle: the request body (or a file in the CLI).",
          {
            issues: [{ path: "(body)", message: "no bundle given" }],
          },
        );
      }
      const onConflict = i.onConflict ?? "skip";
      // PAFCORE.md is the user's file: written from the snapshot only where there is none.
      const local = await pafSource.document();
      const localById = new Map((local?.facts ?? []).map((f) => [f.id, f]));
      const differing: string[] = [];
      const snapshot: Paf[] = [];
      const target = o.pafPath
        ? isAbsolute(o.pafPath)
          ? o.pafPath
          : join(o.root, o.pafPath)
        : join(o.root, "PAFCORE.md");
      const receipt = await importBundle(o.backend, open, {
        namespace: c.namespace,
        onConflict,
        dryRun: i.dryRun ?? false,
        ...(now ? { now } : {}),
        checkPaf: (paf, line) => {
          if (!local) return;
          const mine = localById.get(paf.id);
          if (mine && mine.hash === paf.hash && mine.status === paf.status) return;
          if (onConflict === "fail") {
            throw new AlreadyExistsError(
              `Bundle line ${line}: PAF ${paf.id} ${mine ? "differs from the one in" : "is not in"} ${local.file}, which an import never rewrites; nothing was imported.`,
              { line, pafId: paf.id, file: local.file },
            );
          }
          differing.push(paf.id);
        },
        ...(local
          ? {}
          : {
              writePaf: async (paf: Paf) => {
                snapshot.push(paf);
                return true;
              },
            }),
      });
      let written: string | null = null;
      if (!receipt.dryRun && snapshot.length > 0) {
        const note =
          "Written by `tta import bundle` from a bundle's PAF snapshot: the project had no PAFCORE.md.";
        if (await writeNewFile(target, renderPafDocument(snapshot, { note })))
          written = shown(o.root, target);
        else {
          // Created meanwhile by someone else: theirs is kept, and the snapshot reported as not written.
          receipt.imported.pafs = 0;
          receipt.skipped.pafs = snapshot.length;
          differing.push(...snapshot.map((p) => p.id));
        }
      }
      return { ...receipt, paf: { written, differing } };
    },
  } satisfies Partial<Handlers>;
}
