import { describeBackendConformance } from "@tta-dev/testkit";
import { afterAll, describe, it } from "vitest";
import { createKeyvBackend, type KeyvBackend } from "../src/index.js";
import { dropTable, freshTable, PG_URL, postgresKeyv, probePostgres } from "./postgres.js";

const table = freshTable();
const reason = await probePostgres(table);

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
  // A missing server fails the run on CI; elsewhere it is reported as a skipped test, loudly named.
  describe("keyv (PostgreSQL store)", () => {
    const title = `needs PostgreSQL: ${reason}`;
    if (process.env.CI === "true")
      it(title, () => {
        throw new Error(reason);
      });
    else it.skip(title, () => undefined);
  });
}
