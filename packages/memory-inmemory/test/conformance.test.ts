import { encodeSegment } from "@tta-dev/core";
import { describeBackendConformance } from "@tta-dev/testkit";
import { createInMemoryBackend, type InMemoryBackend } from "../src/index.js";

describeBackendConformance({
  name: "in-memory",
  create: async ({ clock }) => createInMemoryBackend({ clock }),
  rawKeys: async (backend, namespace) => {
    const ns = encodeSegment(namespace);
    return (backend as InMemoryBackend)
      .rawKeys()
      .filter((k) => k.startsWith(`tta:{${ns}}`) || k.startsWith(`tta:{${ns}:`));
  },
});
