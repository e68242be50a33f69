import { describe, expect, it } from "vitest";
import { Sink } from "../../../test/harness.js";
import { createProgress } from "./progress.js";

describe("createProgress", () => {
  it("rewrites one line at most every 100 ms, restarts the rate for each phase and ends with a newline", () => {
    let t = 0;
    const out = new Sink(true);
    const p = createProgress(out, "t.jsonl", 10 << 20, { now: () => t });
    p.update("checking", 1 << 20, 5);
    t = 50;
    p.update("checking", 2 << 20, 9); // within 100 ms: not shown
    t = 1000;
    p.update("checking", 10 << 20, 20);
    t = 2000;
    p.update("importing", 5 << 20, 10);
    t = 3000;
    p.done();
    expect(out.text.split("\r\x1b[K").slice(1)).toEqual([
      "checking t.jsonl: 1.0 of 10.0 MiB (10%), 5 messages, 1000.0 MiB/s",
      "checking t.jsonl: 10.0 of 10.0 MiB (100%), 20 messages, 10.0 MiB/s",
      "importing t.jsonl: 5.0 of 10.0 MiB (50%), 10 messages, 5000.0 MiB/s",
      "importing t.jsonl: 5.0 of 10.0 MiB (50%), 10 messages, 5.0 MiB/s\n",
    ]);
  });

  it("writes nothing, not even the newline, when nothing was reported", () => {
    const out = new Sink(true);
    createProgress(out, "t.jsonl", 0).done();
    expect(out.text).toBe("");
  });
});
