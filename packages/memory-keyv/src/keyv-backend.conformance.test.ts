import { describeBackendConformance } from "@tta-dev/testkit";
import { Keyv } from "keyv";
import { createKeyvBackend, type KeyvBackend } from "./keyv-backend.js";

describeBackendConformance({
  name: "keyv (Map store)",
  create: async ({ clock }) => createKeyvBackend({ keyv: new Keyv(), clock }),
  rawKeys: (backend, namespace) => (backend as KeyvBackend).rawKeys(namespace),
});
