import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { createWriteQueue } from "./write-queue.js";

describe("write queue", () => {
  it("runs the tasks of one lane one at a time, in arrival order", async () => {
    const queue = createWriteQueue();
    const events: string[] = [];
    const task = (name: string, ms: number) => async () => {
      events.push(`start ${name}`);
      await sleep(ms);
      events.push(`end ${name}`);
      return name;
    };
    const results = await Promise.all([
      queue.run("a", task("1", 20)),
      queue.run("a", task("2", 1)),
      queue.run("a", task("3", 5)),
    ]);
    expect(results).toEqual(["1", "2", "3"]);
    expect(events).toEqual(["start 1", "end 1", "start 2", "end 2", "start 3", "end 3"]);
  });

  it("lets different lanes run side by side", async () => {
    const queue = createWriteQueue();
    const events: string[] = [];
    await Promise.all([
      queue.run("a", async () => {
        events.push("a start");
        await sleep(20);
        events.push("a end");
      }),
      queue.run("b", async () => {
        events.push("b start");
        events.push("b end");
      }),
    ]);
    expect(events.indexOf("b end")).toBeLessThan(events.indexOf("a end"));
  });

  it("keeps a lane going after a failed task, and drain waits for everything queued", async () => {
    const queue = createWriteQueue();
    const failed = queue.run("a", async () => {
      throw new Error("boom");
    });
    let ran = false;
    const next = queue.run("a", async () => {
      await sleep(5);
      ran = true;
    });
    await expect(failed).rejects.toThrow("boom");
    await queue.drain();
    expect(ran).toBe(true);
    await next;
  });
});
