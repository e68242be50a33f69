export { keyvBackendDescriptor } from "./descriptor.js";
export { createKeyvBackend, type KeyvBackend, type KeyvBackendOptions } from "./keyv-backend.js";
