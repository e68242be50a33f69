import { constants } from "node:fs";
import { type FileHandle, open, realpath } from "node:fs/promises";
import { ValidationError } from "@tta-dev/core";

/** An open transcript: its handle, its size when opened (what is imported) and its real path. */
export interface OpenTranscript {
  handle: FileHandle;
  size: number;
  real: string;
}

function refused(path: string, message: string, reason: string): ValidationError {
  return new ValidationError(`${JSON.stringify(path.slice(0, 300))}: ${message}`, {
    issues: [{ path: "file", message: reason }],
    reason,
  });
}

const OPEN_ERRORS: Record<string, [string, string]> = {
  ENOENT: ["no such file; give the path of a .jsonl transcript", "no such file"],
  ENOTDIR: ["a folder on the path is a file; check the path", "not a folder"],
  EACCES: ["permission denied; make the file readable (chmod u+r) or run as its owner", "unreadable"],
  EPERM: ["permission denied; make the file readable (chmod u+r) or run as its owner", "unreadable"],
  ELOOP: ["too many symbolic links; point at the file itself", "symbolic link loop"],
  ENAMETOOLONG: ["the path is too long", "path too long"],
  EISDIR: ["is a folder; give the path of a .jsonl file in it", "a folder"],
};

/**
 * Open a transcript for reading. Only a regular file is read: a folder, a FIFO, a socket or a device
 * fails `VALIDATION_FAILED` saying what to give instead (it is opened without blocking, so a FIFO
 * with no writer does not hang the command), and so does a missing or unreadable file.
 */
export async function openTranscript(path: string): Promise<OpenTranscript> {
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "";
    const [message, reason] = OPEN_ERRORS[code] ?? [`cannot be opened (${code || "error"})`, "cannot open"];
    throw refused(path, message, reason);
  }
  try {
    const stat = await handle.stat();
    if (stat.isDirectory()) throw refused(path, ...OPEN_ERRORS.EISDIR!);
    if (!stat.isFile()) {
      throw refused(
        path,
        "not a regular file (a FIFO, socket or device); save the transcript to a file and import that",
        "not a regular file",
      );
    }
    return { handle, size: stat.size, real: await realpath(path) };
  } catch (error) {
    await handle.close();
    throw error;
  }
}
