import type { CliFlag, LimitRule } from "../define.js";

/** `--tag X`, repeatable: fills `tags`. */
export const TAG_FLAG: CliFlag = {
  field: "tags",
  type: "string",
  valueName: "X",
  repeatable: true,
  description: "Tag (repeatable)",
};

/** `--metadata JSON`: fills `metadata`. */
export const METADATA_FLAG: CliFlag = {
  field: "metadata",
  type: "json",
  valueName: "JSON",
  description: "Metadata object as JSON",
};

/** `--if-version N`: fills `ifVersion`. */
export const IF_VERSION_FLAG: CliFlag = {
  field: "ifVersion",
  type: "integer",
  valueName: "N",
  description: "Expected version",
};

/** The tag-count and metadata limits of an input with `tags` and `metadata`. */
export const TAGS_AND_METADATA_LIMITS: readonly LimitRule[] = [
  { path: "tags", limit: "tagsPerItem", measure: "count" },
  { path: "metadata", limit: "metadataKeys", measure: "count" },
  { path: "metadata", limit: "metadataBytes", measure: "jsonBytes" },
];
