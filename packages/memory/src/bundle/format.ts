import { createHash, type Hash } from "node:crypto";
import {
  assertPlainJson,
  CacheEntry,
  DeepMemory,
  LimitExceededError,
  Message,
  Paf,
  Session,
  SessionGroup,
  ValidationError,
} from "@tta-dev/core";
import { z } from "zod";

/*
 * The export bundle: NDJSON, one JSON object per line — a header, then the entities, then a trailer
 * with the count of each kind and the SHA-256 of every byte before the trailer line. Written and read
 * a line at a time, so a bundle of any size streams through in flat memory. The format is documented
 * in the package README ("Export bundles").
 */

/** The `format` of a header: a bundle is nothing else. */
export const BUNDLE_FORMAT = "tta-bundle";
/** The format version this code writes and reads; another is refused. */
export const BUNDLE_VERSION = 1;
/** Longest line a bundle may hold (a message at the content limit, escaped, with its metadata). */
export const MAX_BUNDLE_LINE_BYTES = 8 << 20;

/** The kinds of entity lines, in the order a bundle holds them. */
export const BUNDLE_KINDS = ["session", "message", "cache", "memory", "group", "paf"] as const;
export type BundleKind = (typeof BUNDLE_KINDS)[number];

export const BundleHeader = z.strictObject({
  type: z.literal("header"),
  format: z.literal(BUNDLE_FORMAT),
  version: z.number().int(),
  tool: z.string().max(200),
  namespace: z.string().min(1).max(256),
  createdAt: z.string().max(64),
  /** What was asked for (`sessions`, `since`…), as given. */
  selection: z.record(z.string(), z.unknown()).optional(),
});
export type BundleHeader = z.infer<typeof BundleHeader>;

const Counts = z.strictObject(
  Object.fromEntries(BUNDLE_KINDS.map((k) => [k, z.number().int().min(0)])) as Record<
    BundleKind,
    z.ZodNumber
  >,
);
export type BundleCounts = Record<BundleKind, number>;

export const BundleTrailer = z.strictObject({
  type: z.literal("trailer"),
  counts: Counts,
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type BundleTrailer = z.infer<typeof BundleTrailer>;

/** One entity line: its kind and the entity, as the store returns it. */
export const BundleEntity = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("session"), session: Session }),
  z.strictObject({ type: z.literal("message"), message: Message }),
  z.strictObject({ type: z.literal("cache"), entry: CacheEntry }),
  z.strictObject({ type: z.literal("memory"), memory: DeepMemory }),
  z.strictObject({ type: z.literal("group"), group: SessionGroup }),
  z.strictObject({ type: z.literal("paf"), paf: Paf }),
]);
export type BundleEntity = z.infer<typeof BundleEntity>;

const emptyCounts = (): BundleCounts => Object.fromEntries(BUNDLE_KINDS.map((k) => [k, 0])) as BundleCounts;

/**
 * Writes a bundle a line at a time: `header()` first, `entity()` for each entity (kinds in
 * {@link BUNDLE_KINDS} order), `trailer()` last. Each returns the line to write, newline included.
 */
export interface BundleWriter {
  header(fields: Omit<BundleHeader, "type" | "format" | "version">): string;
  entity(entity: BundleEntity): string;
  trailer(): string;
  readonly counts: Readonly<BundleCounts>;
}

export function createBundleWriter(): BundleWriter {
  const hash = createHash("sha256");
  const counts = emptyCounts();
  let state: "start" | "body" | "done" = "start";
  let kindAt = 0;
  const emit = (value: unknown) => {
    const line = `${JSON.stringify(value)}\n`;
    hash.update(line);
    return line;
  };
  return {
    counts,
    header(fields) {
      if (state !== "start") throw new Error("bundle header written twice");
      state = "body";
      return emit({ type: "header", format: BUNDLE_FORMAT, version: BUNDLE_VERSION, ...fields });
    },
    entity(entity) {
      if (state !== "body") throw new Error("bundle entity outside header … trailer");
      const at = BUNDLE_KINDS.indexOf(entity.type);
      if (at < kindAt) throw new Error(`bundle entity ${entity.type} after ${BUNDLE_KINDS[kindAt]}`);
      kindAt = at;
      counts[entity.type]++;
      return emit(entity);
    },
    trailer() {
      if (state !== "body") throw new Error("bundle trailer without header, or twice");
      state = "done";
      const trailer: BundleTrailer = { type: "trailer", counts: { ...counts }, sha256: hash.digest("hex") };
      return `${JSON.stringify(trailer)}\n`;
    },
  };
}

function refuse(line: number, message: string, extra: Record<string, unknown> = {}): ValidationError {
  return new ValidationError(`Bundle line ${line}: ${message}; nothing was imported.`, {
    line,
    ...extra,
    issues: [{ path: `line ${line}`, message }],
  });
}

/**
 * Checks a bundle a line at a time, in order: `line(text)` for each line (without its newline)
 * returns the header or the entity it holds; `end()` checks that the trailer came, that its counts
 * and checksum match what was read, and returns it. Every problem is `VALIDATION_FAILED` naming the
 * line (`details.line`): not JSON, not a plain object (`__proto__`-style keys), an unknown kind, an
 * entity that does not match its schema, kinds out of order, another format version, anything after
 * the trailer, a missing trailer (a truncated file), a count or checksum that does not match. A line
 * over {@link MAX_BUNDLE_LINE_BYTES} is `LIMIT_EXCEEDED`.
 */
export interface BundleReader {
  line(text: string): BundleHeader | BundleEntity | BundleTrailer;
  end(): BundleTrailer;
  /** Lines read so far. */
  readonly lines: number;
  readonly counts: Readonly<BundleCounts>;
}

export function createBundleReader(): BundleReader {
  const hash: Hash = createHash("sha256");
  const counts = emptyCounts();
  let lines = 0;
  let header: BundleHeader | null = null;
  let trailer: BundleTrailer | null = null;
  let kindAt = 0;
  return {
    get lines() {
      return lines;
    },
    counts,
    line(text) {
      lines++;
      const n = lines;
      if (Buffer.byteLength(text, "utf8") > MAX_BUNDLE_LINE_BYTES) {
        throw new LimitExceededError(
          `Bundle line ${n} is over ${MAX_BUNDLE_LINE_BYTES} bytes; nothing was imported.`,
          { line: n, limit: MAX_BUNDLE_LINE_BYTES },
        );
      }
      if (trailer) throw refuse(n, "content after the trailer");
      let raw: unknown;
      try {
        raw = JSON.parse(text);
      } catch (error) {
        throw refuse(n, `not JSON (${(error as Error).message.slice(0, 120)})`);
      }
      if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw refuse(n, "not a JSON object");
      try {
        assertPlainJson(raw, `line ${n}`);
      } catch (error) {
        throw refuse(n, (error as Error).message);
      }
      const type = (raw as { type?: unknown }).type;
      if (!header) {
        if (type !== "header") throw refuse(n, "a bundle starts with its header line");
        const format = (raw as { format?: unknown }).format;
        const version = (raw as { version?: unknown }).version;
        if (format !== BUNDLE_FORMAT) throw refuse(n, `not a tta bundle (format ${JSON.stringify(format)})`);
        if (version !== BUNDLE_VERSION) {
          throw refuse(
            n,
            `bundle format version ${JSON.stringify(version)}; this tta reads version ${BUNDLE_VERSION}`,
            {
              version,
            },
          );
        }
        const parsed = BundleHeader.safeParse(raw);
        if (!parsed.success) throw refuse(n, `header: ${parsed.error.issues[0]?.message ?? "invalid"}`);
        header = parsed.data;
        hash.update(`${text}\n`);
        return header;
      }
      if (type === "header") throw refuse(n, "a second header");
      if (type === "trailer") {
        const parsed = BundleTrailer.safeParse(raw);
        if (!parsed.success) throw refuse(n, `trailer: ${parsed.error.issues[0]?.message ?? "invalid"}`);
        for (const k of BUNDLE_KINDS) {
          if (parsed.data.counts[k] !== counts[k]) {
            throw refuse(
              n,
              `the trailer counts ${parsed.data.counts[k]} ${k} lines, the bundle holds ${counts[k]}`,
            );
          }
        }
        const sum = hash.digest("hex");
        if (parsed.data.sha256 !== sum)
          throw refuse(n, "checksum mismatch: the bundle was changed or damaged");
        trailer = parsed.data;
        return trailer;
      }
      if (typeof type !== "string" || !(BUNDLE_KINDS as readonly string[]).includes(type)) {
        throw refuse(n, `unknown line type ${JSON.stringify(type)?.slice(0, 40)}`);
      }
      const at = BUNDLE_KINDS.indexOf(type as BundleKind);
      if (at < kindAt) throw refuse(n, `a ${type} line after the ${BUNDLE_KINDS[kindAt]} lines`);
      const parsed = BundleEntity.safeParse(raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw refuse(n, `${type}: ${issue ? `${issue.path.join(".")}: ${issue.message}` : "invalid"}`);
      }
      kindAt = at;
      counts[parsed.data.type]++;
      hash.update(`${text}\n`);
      return parsed.data;
    },
    end() {
      if (!header) throw refuse(lines + 1, "empty: no header");
      if (!trailer) throw refuse(lines + 1, "no trailer: the bundle is truncated");
      return trailer;
    },
  };
}
