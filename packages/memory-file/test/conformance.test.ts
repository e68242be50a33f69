import { fileURLToPath } from "node:url";
import { describeBackendConformance } from "@tta-dev/testkit";
import { createFileBackend, type FileBackend } from "../src/index.js";
import { useTempDirs } from "./temp-dirs.js";

const tempDir = useTempDirs();

// One root for the suite (child processes get it through the environment); every test has its own namespace.
const root = tempDir("tta-file-conformance-");
const fsyncRoot = tempDir("tta-file-conformance-fsync-");
const child = fileURLToPath(new URL("./child-backend.ts", import.meta.url));

describeBackendConformance({
  name: "file (os)",
  create: async ({ clock }) => createFileBackend({ root, clock }),
  createPeer: async (first, { clock }) => createFileBackend({ root: (first as FileBackend).root, clock }),
  rawKeys: async (backend, namespace) => (backend as FileBackend).rawKeys(namespace),
  childProcess: { module: child, env: { TTA_FILE_ROOT: root } },
});

describeBackendConformance({
  name: "file (fsync)",
  create: async ({ clock }) => createFileBackend({ root: fsyncRoot, clock, durability: "fsync" }),
  createPeer: async (first, { clock }) =>
    createFileBackend({ root: (first as FileBackend).root, clock, durability: "fsync" }),
  rawKeys: async (backend, namespace) => (backend as FileBackend).rawKeys(namespace),
  childProcess: { module: child, env: { TTA_FILE_ROOT: fsyncRoot, TTA_FILE_DURABILITY: "fsync" } },
});
