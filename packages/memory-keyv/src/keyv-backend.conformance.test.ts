import { describeBackendConformance } from "@tta-dev/testkit";
import { Keyv } from "keyv";
import { createKeyvBackend, type KeyvBackend } from "./keyv-backend.js";

describeBackendConformance({
  name: "keyv (Map store)",
  create: async ({ clock }) => createKeyvBackend({ keyv: new Keyv(), clock }),
  rawKeys: (backend, namespace) => (backend as KeyvBackend).rawKeys(namespace),
});

// tta's keys start with "tta:", which Keyv takes for its own prefix in single-key calls but not in
// batch reads: the namespace "tta" must still read back every write.
describeBackendConformance({
  name: 'keyv (Map store, Keyv namespace "tta")',
  create: async ({ clock }) => createKeyvBackend({ keyv: new Keyv({ namespace: "tta" }), clock }),
  rawKeys: (backend, namespace) => (backend as KeyvBackend).rawKeys(namespace),
});

// The path every store without an all-or-nothing setMany takes: dependent writes one after another.
describeBackendConformance({
  name: "keyv (Map store, writes one by one)",
  create: async ({ clock }) => createKeyvBackend({ store: new Map(), clock, atomicSetMany: false }),
  rawKeys: (backend, namespace) => (backend as KeyvBackend).rawKeys(namespace),
});

// Tiny index pages, so that splits and emptied pages happen within a few operations of the model test.
describeBackendConformance({
  name: "keyv (Map store, 3-key index pages)",
  create: async ({ clock }) => createKeyvBackend({ store: new Map(), clock, indexPageSize: 3 }),
  rawKeys: (backend, namespace) => (backend as KeyvBackend).rawKeys(namespace),
  modelRuns: 150,
});

describeBackendConformance({
  name: "keyv (Map store, 3-key index pages, writes one by one)",
  create: async ({ clock }) =>
    createKeyvBackend({ store: new Map(), clock, indexPageSize: 3, atomicSetMany: false }),
  rawKeys: (backend, namespace) => (backend as KeyvBackend).rawKeys(namespace),
});
