import { connect, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ServerProcess, startServerProcess } from "./process.js";
import { rawRequest, workspaceWith } from "./raw.js";

/*
 * Clients that never finish: a body trickled a byte at a time, headers that never end, an idle
 * keep-alive connection, more connections than the cap. Each is cut by the server within its
 * configured time plus slack (generous: the machine is shared), and the server keeps serving.
 */

const HEADERS_MS = 1000;
const REQUEST_MS = 2000;
const IDLE_MS = 1000;
/** Node checks timeouts on an interval (here a quarter of the shorter one), and the machine is busy. */
const SLACK_MS = 3000;

/** A raw connection: what it received, and when it was closed (ms after it opened). */
interface Probe {
  socket: Socket;
  received: () => string;
  closed: Promise<number>;
}

function open(url: string): Promise<Probe> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const started = Date.now();
    let data = "";
    const socket = connect({ host: hostname, port: Number(port) }, () =>
      resolve({
        socket,
        received: () => data,
        closed: new Promise((done) => socket.once("close", () => done(Date.now() - started))),
      }),
    );
    socket.setEncoding("utf8");
    socket.on("data", (d: string) => {
      data += d;
    });
    // A reset is how a cut connection may end; the close event is what counts.
    socket.on("error", () => {});
    socket.once("error", reject);
  });
}

/** Write `text` one byte every `everyMs` until the socket closes. */
function trickle(socket: Socket, text: string, everyMs: number): void {
  let i = 0;
  const timer = setInterval(() => {
    if (socket.destroyed || i >= text.length) return clearInterval(timer);
    socket.write(text[i++]!);
  }, everyMs);
  socket.once("close", () => clearInterval(timer));
}

async function stop(server: ServerProcess | undefined) {
  if (!server) return;
  server.child.kill("SIGTERM");
  await server.exited;
}

describe("timeouts of slow clients (real process)", () => {
  let server: ServerProcess;

  beforeAll(async () => {
    const cwd = await workspaceWith(
      `http:\n  headersTimeoutMs: ${HEADERS_MS}\n  requestTimeoutMs: ${REQUEST_MS}\n  idleTimeoutMs: ${IDLE_MS}\n`,
    );
    server = await startServerProcess(["--port", "0"], { cwd });
  }, 60_000);
  afterAll(() => stop(server));

  it("cuts a body trickled one byte per 200 ms after requestTimeoutMs, writing nothing", async () => {
    const probe = await open(server.url);
    const body = JSON.stringify({ id: "trickled-2026-11-25", title: "x".repeat(200) });
    probe.socket.write(
      `POST /v1/sessions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
    );
    trickle(probe.socket, body, 200);
    const ms = await probe.closed;
    // Sent in full, the body would take over 40 s.
    expect(ms).toBeLessThan(REQUEST_MS + SLACK_MS);
    expect(ms).toBeGreaterThanOrEqual(REQUEST_MS - 200);
    const answer = probe.received();
    if (answer) expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect((await rawRequest(server.url, "GET", "/v1/sessions")).json.items).toEqual([]);
  }, 20_000);

  it("cuts headers that never finish after headersTimeoutMs", async () => {
    const probe = await open(server.url);
    probe.socket.write("GET /v1/sessions HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    trickle(probe.socket, `X-Slow: ${"a".repeat(500)}`, 200);
    const ms = await probe.closed;
    expect(ms).toBeLessThan(HEADERS_MS + SLACK_MS);
    const answer = probe.received();
    if (answer) expect(answer).toMatch(/^HTTP\/1\.1 408/);
  }, 20_000);

  it("closes an idle keep-alive connection after idleTimeoutMs", async () => {
    const probe = await open(server.url);
    probe.socket.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n");
    const ms = await probe.closed;
    expect(probe.received()).toMatch(/^HTTP\/1\.1 200/);
    expect(ms).toBeLessThan(IDLE_MS + SLACK_MS);
  }, 20_000);

  it("keeps serving", async () => {
    expect((await rawRequest(server.url, "GET", "/healthz")).status).toBe(200);
    const created = await rawRequest(server.url, "POST", "/v1/sessions", {
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ id: "after-slow-2026-11-25" }),
    });
    expect(created.status).toBe(201);
  });
});

describe("connection cap (real process)", () => {
  const MAX = 3;
  let server: ServerProcess;

  beforeAll(async () => {
    // Default timeouts (10 s for headers): the held connections outlive the test.
    const cwd = await workspaceWith(`http:\n  maxConnections: ${MAX}\n`);
    server = await startServerProcess(["--port", "0"], { cwd });
  }, 60_000);
  afterAll(() => stop(server));

  it("closes connections beyond maxConnections on arrival, and serves once they are gone", async () => {
    const held: Probe[] = [];
    for (let i = 0; i < MAX; i++) {
      const probe = await open(server.url);
      probe.socket.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n");
      held.push(probe);
    }
    // Let the server accept the held ones before the next arrives.
    await new Promise((r) => setTimeout(r, 300));
    const extra = await open(server.url);
    extra.socket.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    const ms = await extra.closed;
    expect(extra.received()).toBe("");
    expect(ms).toBeLessThan(SLACK_MS);
    for (const probe of held) expect(probe.socket.destroyed).toBe(false);
    for (const probe of held) probe.socket.destroy();
    await Promise.all(held.map((p) => p.closed));
    await new Promise((r) => setTimeout(r, 200));
    expect((await rawRequest(server.url, "GET", "/healthz")).status).toBe(200);
    expect(server.output()).toContain("connections refused: http.maxConnections are open");
  }, 30_000);
});
