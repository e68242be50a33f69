import { describeBackendConformance } from "@tta-dev/testkit";
import { afterAll, describe, it } from "vitest";
import { createKeyvBackend, type KeyvBackend } from "../src/index.js";
import { dropTable, freshTable, PG_URL, postgresKeyv, probePostgres } from "./postgres.js";

const table = freshTable();
const reason = await probePostgres(table);
// A missing server fails the run on CI; elsewhere it is reported as a skipped test, loudly named.
if (reason && process.env.CI === "true") throw new Error(reason);

if (!reason) {
  afterAll(async () => dropTable(table));
  describeBackendConformance({
    name: `keyv (PostgreSQL store, ${PG_URL})`,
    create: async ({ clock }) => createKeyvBackend({ keyv: postgresKeyv(table), clock }),
    rawKeys: (backend, namespace) => (backend as KeyvBackend).rawKeys(namespace),
    destroy: async (backend) => {
      await backend.close();
      await (backend as KeyvBackend).keyv.disconnect();
    },
  });
} else {
  describe("keyv (PostgreSQL store)", () => {
    it.skip(`needs PostgreSQL: ${reason}`, () => undefined);
  });
}
