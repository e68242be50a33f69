import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

/** One request as the server received it. */
export interface SeenRequest {
  method: string;
  /** Path and query, as sent. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A canned answer: a status and a JSON body, or a raw text body. */
export interface CannedAnswer {
  status: number;
  json?: unknown;
  raw?: string;
}

/**
 * A small node:http server that records every request and answers with what `answer` returns, so the
 * client can be tested over real HTTP without the tta server.
 */
export async function startCannedServer(answer: (req: SeenRequest) => CannedAnswer) {
  const seen: SeenRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const request: SeenRequest = {
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      seen.push(request);
      const a = answer(request);
      const text = a.raw ?? (a.json === undefined ? "" : JSON.stringify(a.json));
      res.writeHead(a.status, a.raw === undefined ? { "content-type": "application/json" } : {});
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
