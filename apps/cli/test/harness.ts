import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CliInput, CliIo, CliOutput } from "../src/io.js";
import { type RunOptions, run } from "../src/run.js";

/** A stream that collects what is written. */
export class Sink implements CliOutput {
  text = "";
  constructor(readonly isTTY = false) {}
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

/** Stdin from chunks; counts how many were consumed so a test can see reading stop early. */
export class Source implements CliInput {
  consumed = 0;
  destroyed = false;
  constructor(
    private readonly chunks: (string | Uint8Array)[],
    readonly isTTY = false,
  ) {}
  async *[Symbol.asyncIterator](): AsyncIterator<string | Uint8Array> {
    for (const chunk of this.chunks) {
      if (this.destroyed) return;
      this.consumed++;
      yield chunk;
    }
  }
  destroy(): void {
    this.destroyed = true;
  }
}

/** A terminal stdin: never read. */
export const ttyStdin = (): Source => new Source([], true);

/**
 * A fresh workspace folder. It holds `.git` so that the workspace search of `tta` stops here and
 * never picks up a `.tta/` of a folder above the temporary directory.
 */
export function tempWorkspace(): string {
  const dir = mkdtempSync(join(tmpdir(), "tta-cli-"));
  mkdirSync(join(dir, ".git"));
  return dir;
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run `tta` in-process. */
export async function runCli(
  argv: string[],
  options: RunOptions & {
    cwd?: string;
    env?: Record<string, string>;
    stdin?: CliInput;
    stderrTty?: boolean;
  } = {},
): Promise<CliResult> {
  const stdout = new Sink();
  const stderr = new Sink(options.stderrTty ?? false);
  const io: CliIo = {
    stdin: options.stdin ?? ttyStdin(),
    stdout,
    stderr,
    env: options.env ?? {},
    cwd: options.cwd ?? tempWorkspace(),
  };
  const code = await run(argv, io, options);
  return { code, stdout: stdout.text, stderr: stderr.text };
}

/** Run options that record whether a backend was opened or handlers were built, and refuse both. */
export function refusingFactories(): RunOptions & { opened: string[] } {
  const opened: string[] = [];
  return {
    opened,
    backendFactory: async (resolved) => {
      opened.push(`backend:${resolved.backend}`);
      throw new Error("this test must not reach the backend");
    },
    handlersFactory: () => {
      opened.push("handlers");
      throw new Error("this test must not reach the handlers");
    },
  };
}
