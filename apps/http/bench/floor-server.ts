/**
 * The floor of the HTTP benchmark: a bare Hono route returning a constant, on the same adapter
 * (`@hono/node-server`) as tta-http, in a process of its own. Listens on `--port`; prints `{"url":…}` once it does.
 */
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { Hono } from "hono";

const portAt = process.argv.indexOf("--port");
const port = portAt > 0 ? Number(process.argv[portAt + 1]) : 0;
const app = new Hono();
app.get("/", (c) => c.json({ ok: true }));
const server = serve({ fetch: app.fetch, hostname: "127.0.0.1", port }, () => {
  const address = server.address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${address.port}` })}\n`);
});
process.once("SIGTERM", () => process.exit(0));
