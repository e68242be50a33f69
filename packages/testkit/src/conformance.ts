import { describe } from "vitest";
import type { ConformanceOptions } from "./options.js";
import { capabilitySuite } from "./suites/capabilities.js";
import { concurrencySuite } from "./suites/concurrency.js";
import { conditionalSuite } from "./suites/conditional.js";
import { createHarness } from "./suites/harness.js";
import { isolationSuite } from "./suites/isolation.js";
import { logSuite } from "./suites/logs.js";
import { modelSuite } from "./suites/model.js";
import { recordSuite } from "./suites/records.js";
import { sharedRuleSuite } from "./suites/shared-rules.js";
import { ttlSuite } from "./suites/ttl.js";
import { valueSuite } from "./suites/values.js";

/**
 * The conformance suite every tta backend runs: records and versions, `ifVersion`, logs and
 * idempotency, conditional appends, TTL, pagination under writes, isolation, round trips, deletion,
 * capability honesty, and concurrency in one process, across two instances and across child processes.
 *
 * @example
 * describeBackendConformance({
 *   name: "file",
 *   create: async ({ clock }) => createFileBackend({ root: await mkdtemp(...), clock }),
 *   rawKeys: async (_b, ns) => listFilesUnder(ns),
 *   childProcess: { module: fileURLToPath(new URL("./child-backend.ts", import.meta.url)), env: { ROOT: dir } },
 * });
 */
export function describeBackendConformance(options: ConformanceOptions): void {
  describe(`${options.name} backend conformance`, () => {
    const h = createHarness(options);
    describe("records", () => recordSuite(h));
    describe("values", () => valueSuite(h));
    describe("isolation", () => isolationSuite(h));
    describe("ttl", () => ttlSuite(h));
    describe("logs", () => logSuite(h));
    describe("conditional appends", () => conditionalSuite(h));
    describe("concurrency", () => concurrencySuite(h));
    describe("capabilities", () => capabilitySuite(h));
    describe("model", () => modelSuite(h));
    describe("shared backend rules", () => sharedRuleSuite(h));
  });
}
