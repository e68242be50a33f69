import type { TtaError } from "@tta-dev/core";
import { expectCode } from "@tta-dev/testkit";
import { describe, expect, it } from "vitest";
import { applyPolicyOverrides } from "./apply-overrides.js";
import { DEFAULT_POLICY } from "./default-policy.js";
import { MAX_POLICY_FILE_BYTES, parsePolicyFile } from "./policy-file.js";
import { policyHash } from "./resolve-stage.js";
import { createStagePolicy } from "./stage-policy.js";

const paths = (err: TtaError) => (err.details.issues as { path: string }[]).map((i) => i.path);

const DEFAULT_HASH = policyHash(DEFAULT_POLICY);

describe("parsePolicyFile: valid overrides", () => {
  it("overrides one cell's limit from YAML and changes the hash", () => {
    const stages = createStagePolicy({
      file: {
        text: "stages:\n  plan:\n    standard:\n      deep:\n        limit: 5\n",
        name: ".tta/policy.yaml",
      },
    });
    expect(stages.resolve("plan", "standard").layers.deep).toEqual({ enabled: true, limit: 5 });
    expect(stages.resolve("validate", "standard").layers.deep).toEqual({ enabled: true, limit: 10 });
    expect(stages.policyHash).not.toBe(DEFAULT_HASH);
    expect(stages.resolve("plan").policyHash).toBe(stages.policyHash);
  });

  it("overrides a mode's budget from JSON", () => {
    const stages = createStagePolicy({
      file: { text: '{"budgets":{"standard":12000}}', name: "policy.json" },
    });
    expect(stages.resolve("implement").budget).toBe(12_000);
    expect(stages.resolve("implement", "rapid").budget).toBe(2_000);
  });

  it("gives the same hash for the same effective policy, whatever the key order or format", () => {
    const a = createStagePolicy({
      file: { text: "budgets: { standard: 9000, rapid: 3000 }\n", name: "a.yml" },
    }).policyHash;
    const b = createStagePolicy({
      file: { text: '{"budgets":{"rapid":3000,"standard":9000}}', name: "b.json" },
    }).policyHash;
    expect(a).toBe(b);
    expect(
      createStagePolicy({ file: { text: "budgets: { standard: 8000 }\n", name: "p.yaml" } }).policyHash,
    ).toBe(DEFAULT_HASH);
  });

  it("turns a layer on when a limit is named, and off with enabled: false", () => {
    const stages = createStagePolicy({
      file: {
        text: [
          "stages:",
          "  understand:",
          "    rapid:",
          "      deep: { limit: 3 }",
          "      session: { enabled: false }",
          "      groups: { enabled: true, messages: 2 }",
          "      pafs: { enabled: false, limit: 4 }",
        ].join("\n"),
        name: "policy.yaml",
      },
    });
    const plan = stages.resolve("understand", "rapid");
    expect(plan.layers.deep).toEqual({ enabled: true, limit: 3 });
    expect(plan.layers.session).toEqual({ enabled: false, limit: 10 });
    expect(plan.layers.groups).toEqual({ enabled: true, limit: 10, messages: 2 });
    expect(plan.layers.pafs).toEqual({ enabled: false, limit: 4 });
  });

  it("accepts null as no item limit, a per-cell budget and give-way order, and a per-mode order", () => {
    const stages = createStagePolicy({
      file: {
        text: [
          "version: 1",
          "priority:",
          "  rapid: [session, pafs, cache, deep, groups]",
          "stages:",
          "  reflect:",
          "    standard:",
          "      session: { limit: null }",
          "      budget: 20000",
          "      priority: [session, deep, pafs, cache, groups]",
        ].join("\n"),
        name: "policy.yaml",
      },
    });
    const reflect = stages.resolve("reflect", "standard");
    expect(reflect.layers.session.limit).toBeNull();
    expect(reflect.budget).toBe(20_000);
    expect(reflect.priority).toEqual(["session", "deep", "pafs", "cache", "groups"]);
    expect(stages.resolve("plan", "rapid").priority).toEqual(["session", "pafs", "cache", "deep", "groups"]);
    expect(stages.resolve("plan", "standard").priority).toEqual([
      "pafs",
      "session",
      "deep",
      "cache",
      "groups",
    ]);
  });

  it("treats an empty YAML file as no overrides", () => {
    expect(parsePolicyFile("", "policy.yaml")).toEqual({});
    expect(parsePolicyFile("# nothing yet\n", "policy.yaml")).toEqual({});
  });

  it("leaves the base policy untouched and returns a frozen policy", () => {
    const next = applyPolicyOverrides(DEFAULT_POLICY, { budgets: { rapid: 100 } });
    expect(DEFAULT_POLICY.budgets.rapid).toBe(2_000);
    expect(Object.isFrozen(next.budgets)).toBe(true);
    expect(policyHash(DEFAULT_POLICY)).toBe(DEFAULT_HASH);
  });
});

describe("parsePolicyFile: invalid files name the key", () => {
  const cases: [string, string, string][] = [
    [
      "negative limit",
      "stages:\n  plan:\n    standard:\n      deep:\n        limit: -1\n",
      "stages.plan.standard.deep.limit",
    ],
    [
      "fractional limit",
      "stages:\n  plan:\n    standard:\n      deep:\n        limit: 2.5\n",
      "stages.plan.standard.deep.limit",
    ],
    [
      "huge limit",
      "stages:\n  plan:\n    rapid:\n      session:\n        limit: 1e300\n",
      "stages.plan.rapid.session.limit",
    ],
    ["infinite budget", "budgets:\n  standard: .inf\n", "budgets.standard"],
    ["NaN budget", "budgets:\n  standard: .nan\n", "budgets.standard"],
    ["huge budget", '{"budgets":{"rapid":99999999999999999999}}', "budgets.rapid"],
    ["zero budget", "budgets:\n  rapid: 0\n", "budgets.rapid"],
    [
      "string limit",
      'stages:\n  plan:\n    standard:\n      deep:\n        limit: "5"\n',
      "stages.plan.standard.deep.limit",
    ],
    ["layer as a number", "stages:\n  plan:\n    standard:\n      deep: 5\n", "stages.plan.standard.deep"],
    [
      "enabled as a string",
      "stages:\n  plan:\n    standard:\n      deep:\n        enabled: yes\n",
      "stages.plan.standard.deep.enabled",
    ],
    ["budgets as a list", "budgets: [1, 2]\n", "budgets"],
    ["top level as a list", "- a\n- b\n", "(root)"],
    ["top level as a string", '"hello"', "(root)"],
    ["unknown stage", "stages:\n  deploy:\n    standard: {}\n", "stages.deploy"],
    ["stage in upper case", "stages:\n  Plan:\n    standard: {}\n", "stages.Plan"],
    ["unknown mode", "budgets:\n  turbo: 10\n", "budgets.turbo"],
    [
      "unknown layer",
      "stages:\n  plan:\n    standard:\n      vectors: { limit: 1 }\n",
      "stages.plan.standard.vectors",
    ],
    [
      "messages outside groups",
      "stages:\n  plan:\n    standard:\n      deep: { messages: 1 }\n",
      "stages.plan.standard.deep.messages",
    ],
    ["unknown top-level key", "budget: 10\n", "budget"],
    ["wrong version", "version: 2\n", "version"],
    [
      "repeated layer in priority",
      "priority:\n  rapid: [pafs, pafs, session, cache, deep]\n",
      "priority.rapid",
    ],
    ["short priority", "priority:\n  rapid: [pafs]\n", "priority.rapid"],
    [
      "unknown layer in priority",
      "priority:\n  rapid: [pafs, session, cache, deep, web]\n",
      "priority.rapid.4",
    ],
  ];

  it.each(cases)("%s fails VALIDATION_FAILED at the key", (_name, text, path) => {
    const name = text.startsWith("{") || text.startsWith('"') ? "policy.json" : "policy.yaml";
    const err = expectCode(() => parsePolicyFile(text, name), "VALIDATION_FAILED");
    expect(err.code).toBe("VALIDATION_FAILED");
    expect(paths(err)).toContain(path);
    expect(err.message).toContain(`${path}: `);
  });

  it("lists every bad key, not only the first", () => {
    const err = expectCode(
      () => parsePolicyFile("budgets:\n  rapid: -1\n  standard: x\nextra: 1\n", "p.yaml"),
      "VALIDATION_FAILED",
    );
    expect(paths(err).sort()).toEqual(["budgets.rapid", "budgets.standard", "extra"]);
  });

  it("names the allowed keys when a key is unknown", () => {
    const err = expectCode(
      () => parsePolicyFile("stages:\n  plan:\n    fast: {}\n", "p.yaml"),
      "VALIDATION_FAILED",
    );
    expect(err.message).toContain(
      "stages.plan.fast: unknown key; allowed: rapid, standard, augster-rigorous",
    );
  });
});

describe("parsePolicyFile: hostile input", () => {
  it.each([
    ['{"__proto__": {"budgets": {"standard": 1}}}', "p.json", "__proto__"],
    ['{"budgets": {"__proto__": {"standard": 1}}}', "p.json", "budgets.__proto__"],
    ["__proto__:\n  budgets: { standard: 1 }\n", "p.yaml", "__proto__"],
    ["constructor: { prototype: { polluted: true } }\n", "p.yaml", "constructor"],
    ["stages:\n  plan:\n    prototype: {}\n", "p.yaml", "stages.plan.prototype"],
  ])("refuses a prototype-reaching key (case %#)", (text, name, path) => {
    const err = expectCode(() => parsePolicyFile(text, name), "VALIDATION_FAILED");
    expect(err.code).toBe("VALIDATION_FAILED");
    expect(paths(err)).toContain(path);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).budgets).toBeUndefined();
  });

  it("refuses a 1 MB file with LIMIT_EXCEEDED before parsing it", () => {
    const text = `# ${"x".repeat(1024 * 1024)}\n`;
    const err = expectCode(() => parsePolicyFile(text, "policy.yaml"), "LIMIT_EXCEEDED");
    expect(err.code).toBe("LIMIT_EXCEEDED");
    expect(err.details).toMatchObject({ limit: MAX_POLICY_FILE_BYTES });
  });

  it("refuses a YAML alias bomb", () => {
    const lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"];
    for (let i = 1; i < 10; i++)
      lines.push(
        `a${i}: &a${i} [${Array(10)
          .fill(`*a${i - 1}`)
          .join(", ")}]`,
      );
    const err = expectCode(() => parsePolicyFile(lines.join("\n"), "policy.yaml"), "VALIDATION_FAILED");
    expect(err.code).toBe("VALIDATION_FAILED");
  });

  it("refuses deep nesting without crashing", () => {
    const depth = 20_000;
    const json = `${"[".repeat(depth)}${"]".repeat(depth)}`;
    expect(expectCode(() => parsePolicyFile(json, "p.json"), "VALIDATION_FAILED").code).toBe(
      "VALIDATION_FAILED",
    );
    expect(expectCode(() => parsePolicyFile(json, "p.yaml"), "VALIDATION_FAILED").code).toBe(
      "VALIDATION_FAILED",
    );
  });

  it("refuses syntax errors, duplicate keys and unknown extensions", () => {
    expect(expectCode(() => parsePolicyFile("{", "p.json"), "VALIDATION_FAILED").message).toContain(
      "not valid JSON",
    );
    expect(
      expectCode(() => parsePolicyFile("a: 1\na: 2\n", "p.yaml"), "VALIDATION_FAILED").message,
    ).toContain("not valid YAML");
    expect(
      expectCode(() => parsePolicyFile("budgets: {}", "policy.toml"), "VALIDATION_FAILED").message,
    ).toContain(".yaml, .yml or .json");
  });
});
