import { InstantField, SessionIdField } from "@tta-dev/core";
import { z } from "zod";
import { defineOperation } from "../define.js";

/** The media type of a plain bundle: NDJSON, one JSON object a line. */
export const NDJSON_MEDIA_TYPE = "application/x-ndjson";
/** The media type of a gzip bundle. */
export const GZIP_MEDIA_TYPE = "application/gzip";

/** Counts of a bundle's lines by kind (its trailer's `counts`). */
export const BundleLineCounts = z.object({
  session: z.number().int().min(0),
  message: z.number().int().min(0),
  cache: z.number().int().min(0),
  memory: z.number().int().min(0),
  group: z.number().int().min(0),
  paf: z.number().int().min(0),
});
export type BundleLineCounts = z.infer<typeof BundleLineCounts>;

const isAsyncIterable = (v: unknown): boolean =>
  typeof v === "object" && v !== null && Symbol.asyncIterator in v;

/**
 * `system.export`'s output: not JSON. `body` is the bundle's bytes (gzip when asked), produced as they
 * are read, a page of records at a time; iterate it once, to its end or until `return()`, which stops
 * the export. `counts()` gives the trailer's counts once the body has been read to its end.
 */
export const BundleStream = z.object({
  namespace: z.string(),
  mediaType: z.enum([NDJSON_MEDIA_TYPE, GZIP_MEDIA_TYPE]),
  body: z.custom<AsyncIterable<Uint8Array>>(isAsyncIterable, "an async iterable of bytes"),
  counts: z.custom<() => BundleLineCounts | null>((v) => typeof v === "function", "a function"),
});
export type BundleStream = z.infer<typeof BundleStream>;

/** At most this many sessions named in one export. */
export const MAX_EXPORT_SESSIONS = 1000;

/**
 * `system.export`: the namespace as a bundle (docs/contract.md#bundles): every session, message,
 * cache entry, memory and group, or those of `sessions`, or (with `since`) what changed since then,
 * and the PAF snapshot of the project's PAFCORE.md. Streamed: HTTP answers NDJSON (gzip with
 * `gzip=true`), page by page.
 */
export const systemExport = defineOperation({
  name: "system.export",
  summary:
    "Stream the namespace as a bundle (NDJSON, or gzip): sessions, messages, cache, memories, groups and the PAF snapshot.",
  input: z.strictObject({
    sessions: z.array(SessionIdField).min(1).max(MAX_EXPORT_SESSIONS).optional(),
    since: InstantField.optional(),
    gzip: z.boolean().optional(),
  }),
  output: BundleStream,
  errors: ["NAME_INVALID", "SESSION_NOT_FOUND", "PAF_PARSE_ERROR"],
  http: {
    method: "GET",
    path: "/v1/export",
    scope: "admin",
    responseStream: { mediaTypes: [NDJSON_MEDIA_TYPE, GZIP_MEDIA_TYPE] },
  },
  cli: [],
});

const ImportCountsSchema = z.object({
  sessions: z.number().int().min(0),
  messages: z.number().int().min(0),
  cache: z.number().int().min(0),
  memories: z.number().int().min(0),
  groups: z.number().int().min(0),
  pafs: z.number().int().min(0),
});

/**
 * What an import did with the bundle's PAF snapshot. PAFCORE.md is the user's file: it is written only
 * when the project has none, and an existing one is never changed.
 */
export const PafImportReport = z.object({
  /** The PAFCORE.md written from the snapshot (relative to the project root), or null. */
  written: z.string().nullable(),
  /** Ids of the snapshot's PAFs that the existing PAFCORE.md lacks or holds with other content. */
  differing: z.array(z.string()),
});

/** `system.import`'s output: the receipt of the import (or, with `dryRun`, of what it would do). */
export const ImportReceiptSchema = z.object({
  namespace: z.string(),
  imported: ImportCountsSchema,
  skipped: ImportCountsSchema,
  dryRun: z.boolean(),
  paf: PafImportReport,
});

/**
 * `system.import`: a bundle (the request body over HTTP; a file in the CLI) into the namespace. The
 * whole bundle is checked first; a bad line, a truncated bundle, or a conflict under `onConflict:
 * fail` is refused naming the line, and nothing is written. What the store holds with the same
 * content is skipped, so a second import writes nothing.
 */
export const systemImport = defineOperation({
  name: "system.import",
  summary:
    "Import a bundle (checked whole before anything is written; what is already there is skipped); dryRun: only the receipt.",
  input: z.strictObject({
    onConflict: z.enum(["skip", "overwrite", "fail"]).optional(),
    dryRun: z.boolean().optional(),
  }),
  output: ImportReceiptSchema,
  errors: ["ALREADY_EXISTS", "LIMIT_EXCEEDED", "PAF_PARSE_ERROR"],
  http: {
    method: "POST",
    path: "/v1/import",
    scope: "admin",
    requestStream: { mediaTypes: [NDJSON_MEDIA_TYPE, GZIP_MEDIA_TYPE] },
  },
  cli: [],
});

/** The bundle operations. */
export const bundleOperations = [systemExport, systemImport] as const;
