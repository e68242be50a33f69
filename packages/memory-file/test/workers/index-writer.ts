/**
 * Child process for the index crash test: reads the journal at argv[2] whole, prints `ready`, then
 * rewrites its index over and over (each time a new temp file and a rename) until it is killed.
 */
import { closeSync, openSync, statSync } from "node:fs";
import { writeJournalIndex } from "../../src/journal/journal-index.js";
import { emptyJournalState, readJournalLines } from "../../src/journal/journal-lines.js";

const path = process.argv[2]!;
const fd = openSync(path, "r");
const j = emptyJournalState();
readJournalLines(fd, j, statSync(path).size);
process.stdout.write("ready\n");
for (;;) if (writeJournalIndex(path, fd, j) === -1) break;
closeSync(fd);
