import { compareKeys } from "@tta-dev/core";
import { describeBackendConformance, freshNamespace, listAll } from "@tta-dev/testkit";
import { afterAll, describe, expect, it } from "vitest";
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

  describe("keyv backend on PostgreSQL", () => {
    it("stores the longest valid keys in the adapter's 255-character key column", async () => {
      const keyv = postgresKeyv(table);
      const backend = createKeyvBackend({ keyv });
      const namespace = `${freshNamespace("kp")}-ü`.padEnd(120, "ß");
      const scope = { namespace, collection: "notes", partition: "日本".repeat(60) };
      const long = "ключ/".repeat(102).slice(0, 512);
      try {
        await backend.put(scope, long, { v: 1 });
        await backend.put(scope, "short", { v: 2 });
        await backend.append(scope, [{ value: 1, idempotencyKey: long }]);
        expect((await backend.get(scope, long))?.value).toEqual({ v: 1 });
        expect(await listAll(backend, scope)).toEqual([long, "short"].sort(compareKeys));
        const [again] = await backend.append(scope, [{ value: 2, idempotencyKey: long }]);
        expect(again).toMatchObject({ seq: 1, duplicate: true });
        await backend.clear(scope);
        await backend.deleteLog(scope);
        expect(await listAll(backend, scope)).toEqual([]);
      } finally {
        await backend.close();
        await keyv.disconnect();
      }
    });
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
