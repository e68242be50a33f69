import { readFileSync } from "node:fs";

/**
 * The start time of a process (Linux: field 22 of `/proc/<pid>/stat`, in clock ticks since boot), or
 * `null` where it cannot be read. With the pid it tells a live lock holder from a new process that
 * reused a dead holder's pid.
 */
export function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "latin1");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return fields[19] ?? null;
  } catch {
    return null;
  }
}

/**
 * True when process `pid` runs (and, when `startTime` is known, is the same process that recorded
 * it). `EPERM` means it runs under another user: alive.
 */
export function isProcessAlive(pid: number, startTime: string | null): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  if (startTime === null) return true;
  const now = processStartTime(pid);
  return now === null || now === startTime;
}
