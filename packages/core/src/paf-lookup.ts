/**
 * Where a PAF document is looked for under the workspace root, in order, when no `pafPath` is
 * configured: `@tta-dev/paf` reads the first that exists, and `tta init` writes a starter only when
 * none does.
 */
export const PAF_LOOKUP_ORDER: readonly string[] = Object.freeze([
  "PAFCORE.md",
  ".tta/PAFCORE.md",
  ".universal-instructions/paf/PAFCORE.md",
  "docs/PAFCORE.md",
]);
