import { createReadStream } from "node:fs";
import type { importLegacyGroups } from "@tta-dev/memory-file";
import type { BundleHeader, exportBundle, importBundle } from "@tta-dev/workflow";

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

/**
 * The export and import of bundles, loaded when first used; `bundleNamespace(file)` reads the
 * namespace a bundle file's header names (what `tta import bundle` imports into without
 * `--namespace`), checked as an import checks that line (`VALIDATION_FAILED` naming line 1).
 */
export async function bundleTools(): Promise<{
  exportBundle: typeof exportBundle;
  importBundle: typeof importBundle;
  bundleNamespace: (file: string) => Promise<string>;
}> {
  const workflow = await import("@tta-dev/workflow");
  const bundleNamespace = async (file: string): Promise<string> => {
    const reader = workflow.createBundleReader();
    for await (const line of workflow.bundleLines(createReadStream(file))) {
      return (reader.line(line) as BundleHeader).namespace;
    }
    reader.end();
    throw new Error("unreachable: a bundle without lines has no header");
  };
  return { exportBundle: workflow.exportBundle, importBundle: workflow.importBundle, bundleNamespace };
}

/** The import of an original `session_groups.json` (`tta import groups`), loaded when first used. */
export async function legacyGroupsTool(): Promise<typeof importLegacyGroups> {
  return (await import("@tta-dev/memory-file")).importLegacyGroups;
}
