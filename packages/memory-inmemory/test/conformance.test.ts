import { describeBackendConformance } from "@tta-dev/testkit";
import { createInMemoryBackend, type InMemoryBackend } from "../src/index.js";

describeBackendConformance({
  name: "in-memory",
  create: async ({ clock }) => createInMemoryBackend({ clock }),
  rawKeys: (backend, namespace) => (backend as InMemoryBackend).rawKeys(namespace),
});
