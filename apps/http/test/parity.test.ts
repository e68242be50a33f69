import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exitCodeFor, JSON_OPERATION_NAMES, type OperationName } from "@tta-dev/contract";
import {
  fillMemoryId as fill,
  parityNormaliser as normaliser,
  PARITY_PAFCORE as PAFCORE,
  PARITY_SCENARIO,
} from "@tta-dev/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTtaClient, HTTP_STATUS, TtaHttpError } from "../src/index.js";
import { runCliProcess } from "./cli-process.js";
import { type ServerProcess, startServerProcess } from "./process.js";

/*
 * The CLI and the HTTP server are two faces of one contract: the same scenario, run through `tta …
 * --json` child processes on one workspace and through the typed client against a `tta-http` process
 * on another, must give the same JSON (ids of deep memories and timestamps aside) and the same codes.
 */

/** A workspace of its own: `.git` stops the workspace search here; the same PAF file on both sides. */
function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), "tta-parity-"));
  mkdirSync(join(dir, ".git"));
  writeFileSync(join(dir, "PAFCORE.md"), PAFCORE);
  return dir;
}

type Outcome =
  | { ok: true; output: unknown }
  | { ok: false; code: string; message: string; details: unknown; status: number };

describe("CLI and HTTP parity", () => {
  let server: ServerProcess;
  let cliDir: string;

  beforeAll(async () => {
    cliDir = workspace();
    server = await startServerProcess(["--port", "0"], { cwd: workspace() });
  });

  afterAll(async () => {
    server?.child.kill("SIGTERM");
    await server?.exited;
  });

  it("gives the same output and the same error codes for every operation", async () => {
    const client = createTtaClient({ baseUrl: server.url });
    const normCli = normaliser();
    const normHttp = normaliser();
    let cliMem = "";
    let httpMem = "";
    const seen = new Set<OperationName>();
    const codes = new Set<string>();

    for (const [i, step] of PARITY_SCENARIO.entries()) {
      const label = `#${i} ${step.op}: tta ${step.cli.join(" ").slice(0, 80)}`;
      const r = await runCliProcess([...fill(step.cli, cliMem), "--json"], cliDir);
      let cli: Outcome;
      if (r.stdout.trim() !== "") cli = { ok: true, output: JSON.parse(r.stdout) };
      else {
        const e = JSON.parse(r.stderr.trim().split("\n").pop() ?? "{}").error;
        cli = { ok: false, code: e?.code, message: e?.message, details: e?.details, status: r.code ?? -1 };
      }
      let http: Outcome;
      try {
        http = { ok: true, output: await client.call(step.op, fill(step.http, httpMem) as never) };
      } catch (err) {
        if (!(err instanceof TtaHttpError)) throw err;
        http = { ok: false, code: err.code, message: err.message, details: err.details, status: err.status };
      }
      if (step.op === "memory.create" && cli.ok && http.ok) {
        cliMem = (cli.output as { id: string }).id;
        httpMem = (http.output as { id: string }).id;
      }
      if (step.error) {
        expect(cli.ok ? "success" : cli.code, label).toBe(step.error);
        expect(http.ok ? "success" : http.code, label).toBe(step.error);
        expect(http.ok ? 0 : http.status, label).toBe(HTTP_STATUS[step.error]);
        expect(cli.ok ? 0 : cli.status, label).toBe(exitCodeFor(step.error));
        expect(normHttp(http.ok ? {} : http.details), label).toEqual(normCli(cli.ok ? {} : cli.details));
        // The CLI names its flags in a validation message (`--importance`); the details are the same.
        if (step.error !== "VALIDATION_FAILED") {
          expect(normHttp(http.ok ? "" : http.message), label).toEqual(normCli(cli.ok ? "" : cli.message));
        }
        codes.add(step.error);
      } else {
        expect(cli.ok ? "success" : `${cli.code} ${r.stderr}`, label).toBe("success");
        expect(http.ok ? "success" : http.code, label).toBe("success");
        // `tta paf validate` alone exits 1 on warnings (docs/domain.md#paf-checks); every other success exits 0.
        expect(step.op === "paf.validate" ? [0, 1] : [0], label).toContain(r.code);
        expect(normHttp(http.ok ? http.output : null), label).toEqual(normCli(cli.ok ? cli.output : null));
      }
      seen.add(step.op);
    }
    // The streamed operations (system.export, system.import) have their own test: bundle.test.ts.
    expect([...seen].sort()).toEqual([...JSON_OPERATION_NAMES].sort());
    expect(codes.size).toBeGreaterThanOrEqual(10);
  }, 240_000);
});
