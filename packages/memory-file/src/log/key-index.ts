import {
  closeSync,
  constants,
  fstatSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { checksumHolds, digitsAt, matches, stringAt } from "../byte-scan.js";
import { isMissing, readAt } from "../fs-utils.js";
import { CRC_WIDTH, decodeLine, frameLine, NEWLINE } from "../line-codec.js";

/**
 * The idempotency keys of one log, kept beside it in `<log>.keys` so that a new process finds them
 * without reading the whole log. It is derived data: every line is checksummed, the first names the
 * log file it belongs to (`{"log":"<identity>"}`), each key line says up to which byte of the log
 * it covers (`{"k","s","e"}`). Anything doubtful (another log's file, a bad or torn line, a cover
 * beyond the log's end) makes the caller rebuild it from the log. Only used under the log's lock.
 */
export interface KeyIndex {
  /**
   * Fill `into` (an empty map) from the file; returns the log offset it covers: 0 when there is no file, -1 when
   * it cannot be trusted (then nothing is added and it should be rewritten).
   */
  load(logId: string, validEnd: number, into: Map<string, number>): number;
  /** Record keys up to log offset `end`; false when there is no file to add to (rewrite instead). */
  add(logId: string, added: readonly { key: string; seq: number }[], end: number): boolean;
  /** Replace the file with every key of a log read up to `end`. */
  rewrite(logId: string, keys: ReadonlyMap<string, number>, end: number): void;
  /** Delete the file (before its log). */
  remove(): void;
  close(): void;
}

const K = Buffer.from('{"k":');
const S = Buffer.from(',"s":');
const E = Buffer.from(',"e":');

/** A key line `{"k":"…","s":N,"e":N}` read from its bytes (checksum verified), or `null`. */
function quickKeyLine(buf: Buffer, start: number, end: number): Record<string, unknown> | null {
  const h = start + CRC_WIDTH;
  if (!matches(buf, h, K)) return null;
  const key = stringAt(buf, h + K.length, end);
  if (!key || !matches(buf, key[1], S)) return null;
  const seq = digitsAt(buf, key[1] + S.length, end);
  if (!seq || !matches(buf, seq[1], E)) return null;
  const covers = digitsAt(buf, seq[1] + E.length, end);
  if (!covers || covers[1] !== end - 1 || buf[covers[1]] !== 0x7d) return null;
  return checksumHolds(buf, start, end) ? { k: key[0], s: seq[0], e: covers[0] } : null;
}

const header = (logId: string) => frameLine(JSON.stringify({ log: logId }));
const keyLine = (key: string, seq: number, end: number) =>
  frameLine(`{"k":${JSON.stringify(key)},"s":${seq},"e":${end}}`);

/**
 * Open the key index of the log at `logPath`.
 *
 * @example
 * const index = openKeyIndex(".tta/ns/default/log/messages/s1.jsonl");
 * const covered = index.load(logId, validEnd, keys);
 */
export function openKeyIndex(logPath: string): KeyIndex {
  const path = `${logPath}.keys`;
  let fd = -1;
  let ino = -1;

  function close(): void {
    if (fd !== -1) closeSync(fd);
    fd = -1;
    ino = -1;
  }

  /** An fd on the current file (reopened when another process replaced it), or -1 when absent. */
  function current(): number {
    let st: ReturnType<typeof statSync>;
    try {
      st = statSync(path);
    } catch (e) {
      if (!isMissing(e)) throw e;
      close();
      return -1;
    }
    if (st.ino !== ino) {
      close();
      fd = openSync(path, constants.O_RDWR | constants.O_APPEND);
      ino = fstatSync(fd).ino;
    }
    return fd;
  }

  return {
    load(logId, validEnd, into) {
      let buf: Buffer;
      try {
        buf = readFileSync(path);
      } catch (e) {
        if (isMissing(e)) return -1;
        throw e;
      }
      // `into` is the caller's fresh map: filled directly, emptied again if the file is not usable.
      const untrusted = () => {
        into.clear();
        return -1;
      };
      let covered = 0;
      let start = 0;
      let first = true;
      for (let nl = buf.indexOf(NEWLINE); nl !== -1; nl = buf.indexOf(NEWLINE, start)) {
        const quick = first ? null : quickKeyLine(buf, start, nl);
        const h = quick ?? decodeLine(buf, start, nl)?.header;
        start = nl + 1;
        if (first) {
          if (h?.log !== logId) return untrusted();
          first = false;
          continue;
        }
        if (!h || typeof h.e !== "number" || typeof h.k !== "string" || typeof h.s !== "number")
          return untrusted();
        into.set(h.k, h.s);
        covered = Math.max(covered, h.e);
      }
      if (start !== buf.length || first || covered > validEnd) return untrusted();
      return covered;
    },

    add(_logId, added, end) {
      const f = current();
      if (f === -1) return false;
      if (added.length === 0) return true;
      let text = added.map((a) => keyLine(a.key, a.seq, end)).join("");
      // A line torn by a killed writer stays a line of its own (and makes the next load rebuild).
      const size = fstatSync(f).size;
      if (size > 0 && readAt(f, size - 1, 1)[0] !== NEWLINE) text = `\n${text}`;
      writeSync(f, text);
      return true;
    },

    rewrite(logId, keys, end) {
      const parts = [header(logId)];
      for (const [k, s] of keys) parts.push(keyLine(k, s, end));
      const tmp = `${path}.tmp-${process.pid}`;
      const f = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC, 0o644);
      try {
        writeSync(f, parts.join(""));
      } finally {
        closeSync(f);
      }
      renameSync(tmp, path);
      close();
    },

    remove() {
      close();
      try {
        unlinkSync(path);
      } catch (e) {
        if (!isMissing(e)) throw e;
      }
    },

    close,
  };
}
