import { z } from "zod";

export const PafStatus = z.enum(["active", "deprecated", "replaced"]);
export type PafStatus = z.infer<typeof PafStatus>;

/** A machine check attached to a fact, from a `Check:` sub-item or inferred from its wording. */
export const PafCheck = z.object({
  checker: z.string(),
  args: z.array(z.string()),
  inferred: z.boolean(),
});
export type PafCheck = z.infer<typeof PafCheck>;

/** A Permanent Architectural Fact parsed from PAFCORE.md. */
export const Paf = z.object({
  id: z.string().regex(/^[A-Z]+-\d+(?:-v\d+)?$/),
  category: z.string(),
  text: z.string(),
  status: PafStatus,
  section: z.array(z.string()),
  source: z.object({ file: z.string(), line: z.number().int().min(1) }),
  hash: z.string(),
  check: PafCheck.optional(),
  deprecation: z
    .object({
      reason: z.string().optional(),
      replacedBy: z.string().optional(),
      date: z.string().optional(),
    })
    .optional(),
});
export type Paf = z.infer<typeof Paf>;
