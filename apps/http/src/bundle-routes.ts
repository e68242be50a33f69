import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import {
  type BundleStream,
  GZIP_MEDIA_TYPE,
  type Handlers,
  type OperationName,
  operations,
} from "@tta-dev/contract";
import { LimitExceededError, toTtaError } from "@tta-dev/core";
import type { Context, Hono } from "hono";
import type { Logger } from "pino";
import { authenticate, type Principal, requireScope, resolveNamespace, type TokenRecord } from "./auth.js";
import type { ErrorBodyOf } from "./error-body.js";
import { coerceQuery, queryShape } from "./query.js";
import { HTTP_STATUS } from "./status.js";

/** What the bundle routes share with the app. */
export interface BundleRoutesOptions {
  handlers: Handlers;
  tokens: readonly TokenRecord[];
  defaultNamespace: string;
  /** Largest bundle body `POST /v1/import` takes. */
  importLimitBytes: number;
  prepare: (name: OperationName, raw: unknown) => unknown;
  errorBody: ErrorBodyOf;
  logger: Logger;
}

function tooLarge(limit: number): LimitExceededError {
  return new LimitExceededError(`The bundle is over ${limit} bytes (http.importLimitBytes).`, {
    field: "body",
    limit,
  });
}

/**
 * Copy a request body into `file`, refusing it (`LIMIT_EXCEEDED`) as soon as it passes `limit`
 * bytes: the import reads its bundle twice, and a request body can be read once.
 */
async function spool(body: ReadableStream<Uint8Array> | null, file: string, limit: number): Promise<void> {
  let bytes = 0;
  async function* counted(): AsyncGenerator<Uint8Array> {
    if (!body) return;
    for await (const chunk of Readable.fromWeb(body as import("node:stream/web").ReadableStream)) {
      bytes += (chunk as Buffer).length;
      if (bytes > limit) throw tooLarge(limit);
      yield chunk as Buffer;
    }
  }
  await pipeline(counted(), createWriteStream(file, { flags: "wx" }));
}

/** A streamed answer: each chunk is asked for when the client has taken the one before. */
function streamOf(
  body: AsyncIterable<Uint8Array>,
  onError: (e: unknown) => void,
): ReadableStream<Uint8Array> {
  const it = body[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const next = await it.next();
          if (next.done) controller.close();
          else controller.enqueue(next.value);
        } catch (error) {
          // The status line is gone: the client sees a bundle without its trailer, which no import takes.
          onError(error);
          controller.error(error);
        }
      },
      // The client went away: stop the export there.
      async cancel() {
        await it.return?.();
      },
    },
    { highWaterMark: 0 },
  );
}

/**
 * `GET /v1/export` (`system.export`) and `POST /v1/import` (`system.import`): the same handlers as
 * every route, with the bundle as a streamed body. The export is produced as the client reads it; the
 * import's body is spooled to a temporary file (removed in every case), then imported from it.
 */
export function mountBundleRoutes(
  app: Hono<{ Variables: { requestId: string } }>,
  o: BundleRoutesOptions,
): void {
  const who = (c: Context, name: OperationName) => {
    let principal: Principal | null = null;
    if (o.tokens.length) {
      principal = authenticate(c.req.header("authorization"), o.tokens);
      requireScope(principal, operations[name].http.scope);
    }
    return resolveNamespace(principal, c.req.header("x-tta-namespace") || undefined, o.defaultNamespace);
  };
  const fail = (c: Context, err: unknown, op: OperationName) => {
    const e = toTtaError(err);
    return c.json(o.errorBody(e, c.get("requestId") as string, op), HTTP_STATUS[e.code] as 400);
  };

  const exportShape = queryShape(operations["system.export"].input);
  app.get(operations["system.export"].http.path, async (c) => {
    const requestId = c.get("requestId");
    try {
      const namespace = who(c, "system.export");
      const raw = coerceQuery(c.req.queries() ?? {}, exportShape);
      if (raw.gzip === undefined && /\bapplication\/gzip\b/i.test(c.req.header("accept") ?? ""))
        raw.gzip = true;
      const input = o.prepare("system.export", raw);
      const out = (await o.handlers["system.export"](input as never, { namespace })) as BundleStream;
      const name = `tta-${namespace}.ndjson${out.mediaType === GZIP_MEDIA_TYPE ? ".gz" : ""}`;
      const stream = streamOf(out.body, (error) =>
        o.logger.error({ requestId, op: "system.export", err: toTtaError(error).toJSON() }, "export stopped"),
      );
      return c.body(stream, 200, {
        "content-type": out.mediaType,
        "content-disposition": `attachment; filename="${name}"`,
        "cache-control": "no-store",
      });
    } catch (err) {
      return fail(c, err, "system.export");
    }
  });

  const importShape = queryShape(operations["system.import"].input);
  app.post(operations["system.import"].http.path, async (c) => {
    let dir: string | null = null;
    try {
      const namespace = who(c, "system.import");
      const input = o.prepare("system.import", coerceQuery(c.req.queries() ?? {}, importShape));
      const declared = Number(c.req.header("content-length"));
      if (Number.isFinite(declared) && declared > o.importLimitBytes) throw tooLarge(o.importLimitBytes);
      dir = await mkdtemp(join(tmpdir(), "tta-import-"));
      const file = join(dir, "bundle");
      await spool(c.req.raw.body, file, o.importLimitBytes);
      const receipt = await o.handlers["system.import"](input as never, {
        namespace,
        body: () => createReadStream(file),
      });
      return c.json(receipt, 200);
    } catch (err) {
      return fail(c, err, "system.import");
    } finally {
      if (dir) await rm(dir, { recursive: true, force: true });
    }
  });
}
