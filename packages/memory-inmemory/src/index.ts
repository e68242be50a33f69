export { inMemoryBackendDescriptor } from "./descriptor.js";
export {
  createInMemoryBackend,
  type InMemoryBackend,
  type InMemoryBackendOptions,
} from "./inmemory-backend.js";
