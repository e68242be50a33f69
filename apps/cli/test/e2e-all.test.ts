import { JSON_OPERATION_NAMES, type OperationName, operations } from "@tta-dev/contract";
import { describe, expect, it } from "vitest";
import { runCli, tempWorkspace } from "./harness.js";

/*
 * Every operation once, through the CLI, on the real handlers and the file backend: each answer
 * must parse with the operation's output schema (the contract is what the CLI and HTTP promise).
 */

const S = "auth-design-2025-10-01";
const T = "auth-review-2025-10-02";

describe("every operation end to end", () => {
  it("answers with its contract output", async () => {
    const cwd = tempWorkspace();
    const seen = new Set<OperationName>();
    let memoryId = "";
    const step = async (name: OperationName, argv: string[]) => {
      const r = await runCli([...argv, "--json"], { cwd });
      expect(r.stderr, argv.join(" ")).toBe("");
      expect([0, 1], argv.join(" ")).toContain(r.code);
      const out = operations[name].output.safeParse(JSON.parse(r.stdout));
      expect(out.error?.issues, argv.join(" ")).toBeUndefined();
      seen.add(name);
      return JSON.parse(r.stdout) as Record<string, unknown>;
    };
    await runCli(["init"], { cwd });
    await step("system.doctor", ["doctor"]);
    await step("system.repair", ["repair", "--dry-run"]);
    await step("session.create", ["session", "create", S, "--title", "Auth", "--tag", "auth"]);
    await step("session.create", ["session", "create", T]);
    await step("session.get", ["session", "show", S]);
    await step("session.list", ["session", "list", "--status", "active", "--limit", "1"]);
    await step("message.append", ["message", "add", S, "hello", "--idempotency-key", "k1"]);
    await step("message.list", ["message", "list", S, "--after", "0"]);
    await step("cache.set", ["cache", "set", S, "k", "[1,2]", "--ttl", "30s"]);
    await step("cache.get", ["cache", "get", S, "k"]);
    await step("cache.list", ["cache", "list", S]);
    await step("cache.delete", ["cache", "delete", S, "k"]);
    memoryId = String(
      (await step("memory.create", ["memory", "add", "PKCE for mobile", "--session", S, "--pin"])).id,
    );
    await step("memory.get", ["memory", "show", memoryId]);
    await step("memory.update", ["memory", "update", memoryId, "--importance", "0.9", "--if-version", "1"]);
    await step("memory.search", ["memory", "search", "pkce", "--kind", "observation"]);
    await step("group.create", ["group", "create", "feature-auth", "--tag", "feature"]);
    await step("group.get", ["group", "show", "feature-auth"]);
    await step("group.list", ["group", "list", "--tag", "feature"]);
    await step("group.addSession", ["group", "add", "feature-auth", S]);
    await step("group.addSession", ["group", "add", "feature-auth", T]);
    await step("group.removeSession", ["group", "remove", "feature-auth", T]);
    await step("group.sessions", ["group", "sessions", "feature-auth"]);
    await step("group.updateMetadata", ["group", "meta", "feature-auth", "sprint=42"]);
    await step("session.setStage", ["stage", "set", S, "implement"]);
    await step("context.load", ["context", S]);
    await step("context.load", [
      "context",
      S,
      "--stage",
      "reflect",
      "--mode",
      "augster-rigorous",
      "--format",
      "markdown",
    ]);
    await step("group.setStatus", ["group", "close", "feature-auth", "--summary", "done"]);
    await step("group.summary", ["group", "summary"]);
    await step("group.delete", ["group", "delete", "feature-auth"]);
    await step("paf.list", ["paf", "list", "--all"]);
    await step("paf.validate", ["paf", "validate"]);
    await step("paf.diff", ["paf", "diff", "--record"]);
    await step("policy.show", ["policy", "show", "--stage", "plan"]);
    await step("session.complete", ["session", "complete", S, "--lesson", "Rotate tokens"]);
    await step("session.archive", ["session", "archive", T]);
    await step("memory.delete", ["memory", "delete", memoryId]);
    await step("forget", ["forget", "--layer", "memories", "--kind", "lesson", "--dry-run"]);
    await step("session.delete", ["session", "delete", S, "--cascade", "--forget-memories"]);
    // The streamed operations (tta export, tta import bundle): export-import.test.ts.
    expect([...seen].sort()).toEqual([...JSON_OPERATION_NAMES].sort());
  });
});
