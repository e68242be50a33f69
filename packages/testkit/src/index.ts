export { type ChildResult, runChildren } from "./child/run-children.js";
export { codeOf } from "./code-of.js";
export { describeBackendConformance } from "./conformance.js";
export { expectCode } from "./expect-code.js";
export type { ConformanceContext, ConformanceOptions } from "./options.js";
export { fillMemoryId, parityNormaliser } from "./parity/normalise.js";
export { PARITY_PAFCORE, PARITY_SCENARIO, type ParityStep } from "./parity/scenario.js";
export { casIncrement, freshNamespace, listAll, readAll } from "./util.js";
