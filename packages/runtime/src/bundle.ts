import type { importLegacyGroups } from "@tta-dev/memory-file";
import type { exportBundle, importBundle } from "@tta-dev/workflow";

export type { LegacyGroupsReceipt } from "@tta-dev/memory-file";
export type {
  BundleCounts,
  BundleSource,
  ExportOptions,
  ImportConflict,
  ImportCounts,
  ImportOptions,
  ImportReceipt,
} from "@tta-dev/workflow";

/** The export and import of bundles (`tta export`, `tta import bundle`), loaded when first used. */
export async function bundleTools(): Promise<{
  exportBundle: typeof exportBundle;
  importBundle: typeof importBundle;
}> {
  const workflow = await import("@tta-dev/workflow");
  return { exportBundle: workflow.exportBundle, importBundle: workflow.importBundle };
}

/** The import of an original `session_groups.json` (`tta import groups`), loaded when first used. */
export async function legacyGroupsTool(): Promise<typeof importLegacyGroups> {
  return (await import("@tta-dev/memory-file")).importLegacyGroups;
}
