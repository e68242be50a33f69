import {
  CacheEntry,
  DeepMemory,
  JsonValue,
  LoadedContext,
  MemoryHit,
  Message,
  Paf,
  Session,
  SessionGroup,
} from "@tta-dev/core";
import type { z } from "zod";

/** Entity schemas that get their own named component in the OpenAPI document. */
export function namedSchemas(): [z.ZodType, string][] {
  return [
    [JsonValue, "JsonValue"],
    [Session, "Session"],
    [Message, "Message"],
    [CacheEntry, "CacheEntry"],
    [DeepMemory, "DeepMemory"],
    [MemoryHit, "MemoryHit"],
    [SessionGroup, "SessionGroup"],
    [Paf, "Paf"],
    [LoadedContext, "LoadedContext"],
  ];
}
