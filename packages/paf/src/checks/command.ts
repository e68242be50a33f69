import { spawn } from "node:child_process";
import type { Checker, CheckOutcome } from "./types.js";

const TAIL = 2_000;

/** `command SHELL-COMMAND`: exits 0. Runs only with `allowCommands`, within `commandTimeoutMs`. */
export const commandChecker: Checker = {
  name: "command",
  usage: "command SHELL-COMMAND",
  validateArgs(args) {
    return args[0]?.trim() ? undefined : "command needs a shell command";
  },
  async run(args, ctx) {
    const cmd = args[0]!;
    const expected = `\`${cmd}\` exits 0`;
    if (!ctx.allowCommands) {
      return {
        ok: true,
        skipped: true,
        actual: null,
        expected,
        message: `Not run: commands are off (pass --allow-commands / allowCommands: true to run \`${cmd}\`).`,
      };
    }
    return runShell(cmd, ctx.root, ctx.commandTimeoutMs, expected);
  },
  compare(_args, actual) {
    const expected = "exit code 0";
    if (typeof actual !== "number") return { ok: false, actual, expected, message: "Expected an exit code." };
    return { ok: actual === 0, actual, expected, message: actual === 0 ? "Exited 0." : `Exited ${actual}.` };
  },
};

function runShell(cmd: string, cwd: string, timeoutMs: number, expected: string): Promise<CheckOutcome> {
  return new Promise((resolve) => {
    // A process group of its own, so a timeout kills the command's children too.
    const child = spawn(cmd, {
      cwd,
      shell: true,
      detached: process.platform !== "win32",
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    const keep = (chunk: Buffer) => {
      out = (out + chunk.toString("utf8")).slice(-TAIL);
    };
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    let timedOut = false;
    let settled = false;
    const killGroup = () => {
      try {
        if (child.pid !== undefined && process.platform !== "win32") process.kill(-child.pid, "SIGKILL");
        else child.kill("SIGKILL");
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, timeoutMs);
    const tail = () => (out.trim() ? `\n${out.trim()}` : "");
    child.on("error", (err) => {
      clearTimeout(timer);
      settled = true;
      resolve({ ok: false, actual: null, expected, message: `\`${cmd}\` could not start: ${err.message}.` });
    });
    // Decide on "exit", not only "close": a command that leaves a background child holding its
    // output open must not wait for that child. "close" usually follows at once with the last output.
    const finish = (code: number | null, signal: NodeJS.Signals | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      killGroup(); // nothing the check started outlives it
      child.stdout?.destroy();
      child.stderr?.destroy();
      if (timedOut) {
        resolve({
          ok: false,
          actual: "timeout",
          expected,
          message: `\`${cmd}\` timed out after ${timeoutMs} ms.${tail()}`,
        });
      } else if (code === 0) {
        resolve({ ok: true, actual: 0, expected, message: `\`${cmd}\` exited 0.` });
      } else {
        const how = code === null ? `was killed by ${signal}` : `exited ${code}`;
        resolve({ ok: false, actual: code ?? signal, expected, message: `\`${cmd}\` ${how}.${tail()}` });
      }
    };
    child.on("close", finish);
    child.on("exit", (code, signal) => {
      setTimeout(() => finish(code, signal), 200);
    });
  });
}
