import { LAYERS, WORKFLOW_STAGES } from "@tta-dev/core";
import { z } from "zod";
import { MAX_GROUP_MESSAGES, MAX_ITEM_LIMIT, MAX_TOKEN_BUDGET } from "./policy.js";

/**
 * An object that refuses unknown keys, each with its own issue at its own path
 * (`stages.Plan: unknown key; allowed: understand, …`), so the message names the key. The keys are
 * read from the raw input, before zod copies anything: a JSON `"__proto__"` key is an own property
 * there, and is refused like any other unknown key instead of becoming a prototype.
 */
function strict<T extends z.ZodRawShape>(shape: T) {
  const allowed = Object.keys(shape).join(", ");
  const object = z.looseObject(shape, {
    error: (issue) =>
      issue.code === "invalid_type" && issue.expected === "object"
        ? `must be an object with the keys: ${allowed}`
        : undefined,
  });
  // Both sides see the same raw input and their issues add up, so an unknown key and a bad value
  // elsewhere are reported together.
  const knownKeys = z.unknown().check((ctx) => {
    const value = ctx.value;
    if (typeof value !== "object" || value === null || Array.isArray(value)) return;
    for (const key of Object.keys(value)) {
      if (!Object.hasOwn(shape, key)) {
        ctx.issues.push({
          code: "custom",
          input: value,
          path: [key],
          message: `unknown key; allowed: ${allowed}`,
        });
      }
    }
  });
  return z.intersection(knownKeys, object);
}

const int = (min: number, max: number) =>
  z
    .number({ error: "must be a number" })
    .int({ error: "must be an integer" })
    .min(min, { error: `must be at least ${min}` })
    .max(max, { error: `must be at most ${max}` });

/** An item limit: an integer 0…100 000, or `null` for no item limit (the budget still applies). */
const Limit = z.union([int(0, MAX_ITEM_LIMIT), z.null()], {
  error: `must be an integer from 0 to ${MAX_ITEM_LIMIT}, or null for no item limit`,
});

const Budget = int(1, MAX_TOKEN_BUDGET);

const Enabled = z.boolean({ error: "must be true or false" });

const LayerOverride = strict({ enabled: Enabled.optional(), limit: Limit.optional() });

const GroupsOverride = strict({
  enabled: Enabled.optional(),
  limit: Limit.optional(),
  messages: int(0, MAX_GROUP_MESSAGES).optional(),
});

/** A give-way order: every layer exactly once, kept longest first. */
const Priority = z
  .array(z.enum(LAYERS, { error: `must be one of: ${LAYERS.join(", ")}` }), {
    error: "must be a list of layers",
  })
  .refine((list) => list.length === LAYERS.length && new Set(list).size === LAYERS.length, {
    error: `must list each of ${LAYERS.join(", ")} exactly once`,
  });

const CellOverride = strict({
  session: LayerOverride.optional(),
  cache: LayerOverride.optional(),
  deep: LayerOverride.optional(),
  pafs: LayerOverride.optional(),
  groups: GroupsOverride.optional(),
  budget: Budget.optional(),
  priority: Priority.optional(),
});

function perMode<T extends z.ZodType>(schema: T) {
  return strict({
    rapid: schema.optional(),
    standard: schema.optional(),
    "augster-rigorous": schema.optional(),
  });
}

const StageOverrides = strict(
  Object.fromEntries(WORKFLOW_STAGES.map((s) => [s, perMode(CellOverride).optional()])) as Record<
    (typeof WORKFLOW_STAGES)[number],
    z.ZodOptional<ReturnType<typeof perMode<typeof CellOverride>>>
  >,
);

/**
 * The policy file: every member optional; what it names replaces the default. Unknown keys are
 * refused so that a typo never silently does nothing.
 */
export const PolicyOverrides = strict({
  version: z.literal(1, { error: "must be 1" }).optional(),
  budgets: perMode(Budget).optional(),
  priority: perMode(Priority).optional(),
  stages: StageOverrides.optional(),
});

/** A validated policy file. */
export type PolicyOverrides = z.infer<typeof PolicyOverrides>;

/** An override of one layer's rule. */
export type LayerOverride = z.infer<typeof GroupsOverride>;
