import { CacheDeleteInput, CacheEntry, CacheGetInput, CacheListInput, CacheSetInput } from "@tta-dev/core";
import { z } from "zod";
import { defineOperation } from "../define.js";
import { page } from "../fields.js";
import { IF_VERSION_FLAG } from "./common-flags.js";

const sessionArg = { name: "session", field: "sessionId", description: "Session id" } as const;
const keyArg = { name: "key", field: "key", description: "Cache key" } as const;

/** `cache.set`: value and expiry written together; TTL 1 s … 30 d, default 1 h. */
export const cacheSet = defineOperation({
  name: "cache.set",
  summary: "Set a cache value (any JSON) with a time to live (default 1h, 1s…30d).",
  input: CacheSetInput,
  output: CacheEntry,
  errors: ["NAME_INVALID", "LIMIT_EXCEEDED", "SESSION_NOT_FOUND", "SESSION_NOT_ACTIVE", "VERSION_CONFLICT"],
  http: { method: "PUT", path: "/v1/sessions/{sessionId}/cache/{key}", scope: "write" },
  cli: {
    words: ["cache", "set"],
    positionals: [
      sessionArg,
      keyArg,
      {
        name: "json",
        field: "value",
        type: "json",
        description: "Value as JSON (read from stdin when omitted)",
      },
    ],
    flags: {
      ttl: {
        field: "ttlMs",
        type: "duration",
        valueName: "DURATION",
        description: "Time to live: 30s, 15m, 1h, 7d",
      },
      "if-version": IF_VERSION_FLAG,
    },
    stdin: "value",
    example: 'tta cache set auth-design-2025-10-01 current-file \'{"path":"src/auth.ts"}\' --ttl 1h',
  },
  ids: { sessionId: "session" },
  limits: [{ path: "value", limit: "cacheValueBytes", measure: "jsonBytes" }],
});

/** `cache.get`: the live entry, or `null` when it is absent or expired. */
export const cacheGet = defineOperation({
  name: "cache.get",
  summary: "Get a live cache entry; null when absent or expired.",
  input: CacheGetInput,
  output: CacheEntry.nullable(),
  errors: ["NAME_INVALID", "SESSION_NOT_FOUND"],
  http: { method: "GET", path: "/v1/sessions/{sessionId}/cache/{key}", scope: "read" },
  cli: {
    words: ["cache", "get"],
    positionals: [sessionArg, keyArg],
    flags: {},
    example: "tta cache get auth-design-2025-10-01 current-file",
  },
  ids: { sessionId: "session" },
});

/** `cache.list`: live entries in key order. */
export const cacheList = defineOperation({
  name: "cache.list",
  summary: "List a session's live cache entries.",
  input: CacheListInput,
  output: page(CacheEntry),
  errors: ["NAME_INVALID", "SESSION_NOT_FOUND"],
  http: { method: "GET", path: "/v1/sessions/{sessionId}/cache", scope: "read" },
  cli: {
    words: ["cache", "list"],
    positionals: [sessionArg],
    flags: {
      limit: { field: "limit", type: "integer", valueName: "N", description: "Page size" },
      cursor: {
        field: "cursor",
        type: "string",
        valueName: "C",
        description: "nextCursor of the previous page",
      },
    },
    example: "tta cache list auth-design-2025-10-01",
  },
  ids: { sessionId: "session" },
});

/** `cache.delete`: remove one entry; `deleted: false` when there was none. */
export const cacheDelete = defineOperation({
  name: "cache.delete",
  summary: "Delete a cache entry.",
  input: CacheDeleteInput.omit({ ifVersion: true }),
  output: z.object({
    sessionId: z.string(),
    key: z.string(),
    deleted: z.boolean(),
    counts: z.object({ cache: z.number().int().min(0) }),
  }),
  errors: ["NAME_INVALID", "SESSION_NOT_FOUND"],
  http: { method: "DELETE", path: "/v1/sessions/{sessionId}/cache/{key}", scope: "write" },
  cli: {
    words: ["cache", "delete"],
    positionals: [sessionArg, keyArg],
    flags: {},
    example: "tta cache delete auth-design-2025-10-01 current-file",
  },
  ids: { sessionId: "session" },
});

/** Every cache operation. */
export const cacheOperations = [cacheSet, cacheGet, cacheList, cacheDelete] as const;
