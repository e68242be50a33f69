import { describe, expect, it } from "vitest";
import { populateMemories, type SampleMemory, sampleMemory } from "./populate.js";

describe("populateMemories", () => {
  it("writes each generated memory once, from `from`, never more than `concurrency` at a time", async () => {
    const seen: SampleMemory[] = [];
    let inFlight = 0;
    let most = 0;
    await populateMemories(
      async (input) => {
        inFlight++;
        most = Math.max(most, inFlight);
        await new Promise((r) => setImmediate(r));
        seen.push(input);
        inFlight--;
      },
      23,
      { concurrency: 5, from: 100 },
    );
    expect(seen).toHaveLength(23);
    expect(most).toBe(5);
    const contents = seen.map((m) => m.content).sort();
    expect(contents).toEqual(Array.from({ length: 23 }, (_, i) => sampleMemory(100 + i).content).sort());
    expect(new Set(contents).size).toBe(23);
  });

  it("gives the same memory for the same number in every run", () => {
    expect(sampleMemory(7)).toEqual(sampleMemory(7));
    expect(sampleMemory(7).content).toMatch(/ note 7$/);
    expect(sampleMemory(7).content.split(" ")).toHaveLength(32);
    expect(sampleMemory(27).tags).toEqual(["t7"]);
  });
});
