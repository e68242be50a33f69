/** A readable stream the CLI may read a value from. */
export interface CliInput extends AsyncIterable<Uint8Array | string> {
  /** True when it is a terminal: then nothing is read from it. */
  isTTY?: boolean;
  /** Stop reading early (a value over its limit). */
  destroy?(): void;
}

/** A stream the CLI writes to. */
export interface CliOutput {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

/** Everything the CLI touches outside itself, so that it runs the same in-process and as a child. */
export interface CliIo {
  stdin: CliInput;
  stdout: CliOutput;
  stderr: CliOutput;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
}

/** The real process streams, environment and working directory. */
export function processIo(): CliIo {
  return {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
  };
}
