import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { JSON_OPERATION_NAMES, type OperationName } from "@tta-dev/contract";
import { toolNameOf } from "@tta-dev/mcp";
import { fillMemoryId, PARITY_SCENARIO, parityNormaliser } from "@tta-dev/testkit";
import { expect } from "vitest";
import { cli, toolError } from "./helpers.js";

type Outcome = { ok: true; output: unknown } | { ok: false; code: string };

async function viaTool(client: Client, op: OperationName, args: Record<string, unknown>): Promise<Outcome> {
  const result = await client.callTool({ name: toolNameOf(op), arguments: args });
  if (result.isError) return { ok: false, code: toolError(result).code };
  // cache.get may answer null: it has no output schema and answers in text only.
  const output = result.structuredContent ?? JSON.parse((result.content as { text: string }[])[0]!.text);
  return { ok: true, output };
}

function viaCli(args: string[], cwd: string): Outcome {
  const r = cli([...args, "--json"], cwd);
  if (r.stdout.trim() !== "") return { ok: true, output: JSON.parse(r.stdout) };
  const e = JSON.parse(r.stderr.trim().split("\n").pop() ?? "{}").error as { code: string };
  return { ok: false, code: e.code };
}

/**
 * Run the contract's parity scenario (every operation, with valid and refused inputs) through the MCP
 * tools of `client` and through `tta … --json` in `cliDir`: the tool's structured content must equal
 * the CLI's output (memory ids and times normalised), and refusals must carry the same code.
 */
export async function expectParityWithCli(client: Client, cliDir: string): Promise<void> {
  const normTool = parityNormaliser();
  const normCli = parityNormaliser();
  let toolMem = "";
  let cliMem = "";
  const seen = new Set<OperationName>();
  for (const [i, step] of PARITY_SCENARIO.entries()) {
    const label = `#${i} ${step.op}`;
    const args = fillMemoryId(step.http, toolMem);
    // The tool asks for markdown when no format is given (what an agent reads); compare like for like.
    if (step.op === "context.load" && args.format === undefined) args.format = "json";
    const tool = await viaTool(client, step.op, args);
    const fromCli = viaCli(fillMemoryId(step.cli, cliMem), cliDir);
    if (step.op === "memory.create" && tool.ok && fromCli.ok) {
      toolMem = (tool.output as { id: string }).id;
      cliMem = (fromCli.output as { id: string }).id;
    }
    if (step.error) {
      expect(tool.ok ? "success" : tool.code, label).toBe(step.error);
      expect(fromCli.ok ? "success" : fromCli.code, label).toBe(step.error);
    } else {
      expect(tool.ok ? "success" : tool.code, label).toBe("success");
      expect(fromCli.ok ? "success" : fromCli.code, label).toBe("success");
      expect(normTool(tool.ok ? tool.output : null), label).toEqual(
        normCli(fromCli.ok ? fromCli.output : null),
      );
    }
    seen.add(step.op);
  }
  // The streamed operations are not tools (see TOOL_CATALOG).
  expect([...seen].sort()).toEqual([...JSON_OPERATION_NAMES].sort());
}

const deep = (n: number) => JSON.parse(`${'{"a":'.repeat(n)}1${"}".repeat(n)}`) as unknown;

/**
 * Hostile arguments for one tool, each with the code it must be refused with: an unknown field (every
 * input is strict), a prototype-reaching key, metadata nested 3 000 levels, a wrong type and a
 * path-like id where the tool takes one.
 */
export function hostileArguments(tool: {
  name: string;
  inputSchema: { properties?: Record<string, unknown> };
}): [string, Record<string, unknown>, string[]][] {
  const props = Object.keys(tool.inputSchema.properties ?? {});
  const cases: [string, Record<string, unknown>, string[]][] = [
    ["unknown field", { bogusField: 1 }, ["VALIDATION_FAILED"]],
    // A top-level `__proto__` is dropped by the SDK's JSON-RPC layer on both sides; a nested one arrives.
    [
      "nested __proto__ key",
      JSON.parse('{"metadata":{"__proto__":{"polluted":true}}}'),
      ["VALIDATION_FAILED"],
    ],
    ["3 000-level nesting", { metadata: deep(3000) }, ["VALIDATION_FAILED"]],
  ];
  const idField = ["id", "sessionId", "groupId", "name"].find((f) => props.includes(f));
  if (idField) {
    cases.push(["path-like id", { [idField]: "../../etc/passwd" }, ["NAME_INVALID"]]);
    cases.push(["wrong type", { [idField]: 42 }, ["VALIDATION_FAILED"]]);
  }
  return cases;
}

/** Every tool of `client`, refused with isError and the contract's code for every hostile argument. */
export async function expectHostileArgumentsRefused(client: Client): Promise<number> {
  const { tools } = await client.listTools();
  let refused = 0;
  for (const tool of tools) {
    for (const [what, args, codes] of hostileArguments(tool as never)) {
      const result = await client.callTool({ name: tool.name, arguments: args });
      expect(result.isError, `${tool.name}: ${what}`).toBe(true);
      expect(codes, `${tool.name}: ${what}`).toContain(toolError(result).code);
      refused++;
    }
  }
  return refused;
}
