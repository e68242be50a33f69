export * from "./common.js";
export * from "./fields.js";
export * from "./group.js";
export * from "./inputs.js";
export * from "./memory.js";
export * from "./paf.js";
export * from "./session.js";
export * from "./workflow.js";
