/** Run a worker's main function, then exit 0, or 1 with the error on stderr. */
export function runMain(main: () => Promise<void>): void {
  main().then(
    // Exit only once stdout has drained: a large result written to a pipe is flushed asynchronously.
    () => process.stdout.write("", () => process.exit(0)),
    (e: unknown) => {
      process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exit(1);
    },
  );
}
