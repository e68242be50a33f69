import { spawn } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { freePort } from "@tta-dev/testkit/node";
import { type RedisServerHandle, startRedisServer } from "@tta-dev/testkit/redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compile, createProject, packAll, type Tarballs, writeTsconfig } from "../src/project.js";
import { installLines, quickStart } from "../src/readme.js";
import { describeRun, outsideEnv, run } from "../src/run.js";
import { type PublicPackage, publicPackages, ROOT } from "../src/workspace.js";

/*
 * What a new user does with a release, done with the real tarballs: `pnpm pack` every package (its
 * prepack builds it), then, per package, a fresh npm project outside the monorepo that installs
 * exactly the README's Install line (tta packages from the tarballs, everything else from the
 * registry), typechecks the README's quick start (strict, nodenext) and runs it as written.
 */

const packages = publicPackages();
const work = mkdtempSync(join(tmpdir(), "tta-packaging-"));
let tarballs: Tarballs;
let redis: RedisServerHandle;

beforeAll(async () => {
  expect(relative(ROOT, work).startsWith("..")).toBe(true); // outside the monorepo
  tarballs = await packAll(packages, join(work, "tarballs"));
  redis = await startRedisServer();
}, 600_000);

afterAll(async () => {
  await redis?.stop();
  rmSync(work, { recursive: true, force: true });
});

/** Services the quick starts talk to, through the variables they read. */
function serviceEnv(home: string): Record<string, string> {
  return {
    HOME: home,
    REDIS_URL: redis.url,
    PG_URL: process.env.PG_URL ?? "postgres://postgres@127.0.0.1:5432/test",
  };
}

/** What a quick start prints when it did its job (beyond exiting 0). */
const PRINTS: Record<string, RegExp> = {
  "@tta-dev/cli": /auth-design-2025-10-01/,
  "@tta-dev/client": /404 SESSION_NOT_FOUND/,
  "@tta-dev/contract": /NAME_INVALID/,
  "@tta-dev/groups": /totalGroups: 1/,
  "@tta-dev/http": /"id":"auth-design-2025-10-01"/,
  "@tta-dev/memory-redis": /^1$/m,
  "@tta-dev/paf": /QUAL-004: 1 files checked/,
  "@tta-dev/runtime": /true memory/,
  "@tta-dev/testkit": /passed/,
};

/** Quick starts that talk to a running tta HTTP server (started from this repository's build). */
const NEEDS_SERVER = new Set(["@tta-dev/client"]);

async function startServer(folder: string): Promise<{ url: string; stop: () => void }> {
  const port = await freePort();
  mkdirSync(folder, { recursive: true });
  const child = spawn(process.execPath, [join(ROOT, "apps/http/dist/bin.js"), "--port", String(port)], {
    cwd: folder,
    env: outsideEnv(),
    stdio: "ignore",
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    const up = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return { url, stop: () => child.kill("SIGTERM") };
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill("SIGKILL");
  throw new Error(`the HTTP server did not answer on ${url} within 10 s`);
}

async function runQuickStart(p: PublicPackage): Promise<void> {
  const name = p.manifest.name;
  const server = NEEDS_SERVER.has(name) ? await startServer(join(work, "servers", p.short)) : undefined;
  try {
    await runQuickStartWith(p, server ? { TTA_URL: server.url } : {});
  } finally {
    server?.stop();
  }
}

async function runQuickStartWith(p: PublicPackage, extraEnv: Record<string, string>): Promise<void> {
  const name = p.manifest.name;
  const block = quickStart(p.readme);
  const lines = installLines(p.readme);
  const ts = block.lang === "ts";
  const dir = join(work, "projects", p.short);
  const home = join(work, "home", p.short);
  mkdirSync(home, { recursive: true });
  const project = await createProject(
    dir,
    {
      dependencies: lines.filter((l) => !l.dev).flatMap((l) => l.packages),
      devDependencies: [
        ...lines.filter((l) => l.dev).flatMap((l) => l.packages),
        ...(ts ? ["typescript", "@types/node"] : []),
      ],
    },
    tarballs,
  );
  expect(project.install.code, describeRun(`npm install for ${name}`, project.install)).toBe(0);

  const env = outsideEnv({
    ...serviceEnv(home),
    ...extraEnv,
    PATH: `${join(dir, "node_modules/.bin")}:${process.env.PATH ?? ""}`,
  });
  let result: Awaited<ReturnType<typeof run>>;
  if (ts) {
    // testkit's quick start is a test file of the user's own package; the others are programs.
    const file = name === "@tta-dev/testkit" ? "test/conformance.test.ts" : "quickstart.ts";
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), block.code);
    writeTsconfig(dir, [file]);
    const tsc = await compile(dir);
    expect(tsc.code, describeRun(`tsc on the quick start of ${name}`, tsc)).toBe(0);
    result =
      name === "@tta-dev/testkit"
        ? await run(process.execPath, [join(dir, "node_modules/vitest/vitest.mjs"), "run", "test"], {
            cwd: dir,
            env,
          })
        : await run(process.execPath, [join(dir, "out", file.replace(/\.ts$/, ".js"))], { cwd: dir, env });
  } else {
    expect(block.lang).toBe("sh");
    // "Run in any folder": a fresh one, with the installed binaries on PATH.
    const folder = join(work, "folders", p.short);
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, "quickstart.sh"), block.code);
    result = await run("bash", ["-e", "quickstart.sh"], { cwd: folder, env });
  }
  expect(result.code, describeRun(`the quick start of ${name}`, result)).toBe(0);
  const prints = PRINTS[name];
  if (prints) expect(result.stdout, describeRun(`the quick start of ${name}`, result)).toMatch(prints);
}

describe("every package README, from its tarball in a fresh npm project", () => {
  it("covers every public package", () => {
    expect(packages.map((p) => p.manifest.name)).toContain("@tta-dev/core");
    for (const p of packages) expect(() => quickStart(p.readme), p.manifest.name).not.toThrow();
  });

  for (const p of packages) {
    it(`${p.manifest.name}: the Install line installs what the quick start needs, and it runs as written`, async () => {
      await runQuickStart(p);
    });
  }
});

describe("the tarballs", () => {
  let dir: string;
  beforeAll(async () => {
    dir = join(work, "projects", "(every package)");
    const project = await createProject(
      dir,
      { dependencies: [...tarballs.keys()], devDependencies: ["typescript", "@types/node"] },
      tarballs,
    );
    expect(project.install.code, describeRun("npm install of every tarball", project.install)).toBe(0);
  }, 600_000);

  /** Every export subpath of every package, as a specifier. */
  function entryPoints(): string[] {
    return packages.flatMap((p) =>
      Object.keys(p.manifest.exports ?? {}).map((k) =>
        k === "." ? p.manifest.name : `${p.manifest.name}${k.slice(1)}`,
      ),
    );
  }

  it("every entry point typechecks against its declarations (skipLibCheck off), imports and requires", async () => {
    const specs = entryPoints();
    const program = specs
      .map((s, i) => `import * as m${i} from "${s}";\nconsole.log("${s}", Object.keys(m${i}).length);`)
      .join("\n");
    writeFileSync(join(dir, "entries.ts"), `${program}\n`);
    // The MCP SDK's declarations name the DOM's `HeadersInit`.
    writeFileSync(
      join(dir, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          module: "nodenext",
          moduleResolution: "nodenext",
          target: "es2022",
          lib: ["es2023", "dom"],
          types: ["node"],
          outDir: "out",
          skipLibCheck: false,
          noEmitOnError: true,
        },
        include: ["entries.ts"],
      }),
    );
    const tsc = await compile(dir);
    expect(tsc.code, describeRun("tsc on every entry point", tsc)).toBe(0);
    const env = outsideEnv();
    const imported = await run(process.execPath, [join(dir, "out/entries.js")], { cwd: dir, env });
    expect(imported.code, describeRun("import of every entry point", imported)).toBe(0);
    for (const s of specs) {
      const line = imported.stdout.split("\n").find((l) => l.startsWith(`${s} `));
      expect(Number(line?.split(" ")[1]), `${s} exports something`).toBeGreaterThan(0);
    }
    // require() of an ES module (Node ≥ 20.19) goes through the `default` condition.
    const required = await run(
      process.execPath,
      [
        "-e",
        `for (const s of ${JSON.stringify(specs)}) if (!Object.keys(require(s)).length) throw new Error(s)`,
      ],
      { cwd: dir, env },
    );
    expect(required.code, describeRun("require() of every entry point", required)).toBe(0);
  });

  it("ship dist and src without build info or tests, and their source maps point at shipped files", () => {
    for (const name of tarballs.keys()) {
      const pkg = join(dir, "node_modules", name);
      const files = walk(pkg).map((f) => relative(pkg, f));
      expect(files, name).toContain("LICENSE");
      expect(files, name).toContain("README.md");
      expect(
        files.filter((f) => /tsbuildinfo|\.test\.|(^|\/)test\//.test(f)),
        name,
      ).toEqual([]);
      const maps = files.filter((f) => f.endsWith(".map"));
      expect(maps.length, `${name} ships source maps`).toBeGreaterThan(0);
      for (const map of maps) {
        const { sources } = JSON.parse(readFileSync(join(pkg, map), "utf8")) as { sources: string[] };
        for (const s of sources) {
          expect(existsSync(resolve(pkg, dirname(map), s)), `${name}/${map} → ${s}`).toBe(true);
        }
      }
    }
  });

  it("@tta-dev/groups and @tta-dev/memory-file install alone, without ioredis or keyv, and work", async () => {
    const alone = join(work, "projects", "(groups + memory-file)");
    const project = await createProject(
      alone,
      { dependencies: ["@tta-dev/groups", "@tta-dev/memory-file"] },
      tarballs,
    );
    expect(project.install.code, describeRun("npm install", project.install)).toBe(0);
    const installed = readdirSync(join(alone, "node_modules"));
    expect(installed).not.toContain("ioredis");
    expect(installed).not.toContain("keyv");
    expect(readdirSync(join(alone, "node_modules/@tta-dev")).sort()).toEqual([
      "core",
      "groups",
      "memory-file",
    ]);
    writeFileSync(
      join(alone, "main.mjs"),
      [
        'import { createGroupStore } from "@tta-dev/groups";',
        'import { createFileBackend } from "@tta-dev/memory-file";',
        'const backend = createFileBackend({ root: ".tta" });',
        "const groups = createGroupStore({ backend });",
        'await groups.createGroup({ name: "feature-auth", description: "Auth", tags: ["auth"] });',
        "console.log(JSON.stringify(await groups.summary()));",
        "await backend.close();",
      ].join("\n"),
    );
    const r = await run(process.execPath, ["main.mjs"], { cwd: alone, env: outsideEnv() });
    expect(r.code, describeRun("groups over the file backend", r)).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ totalGroups: 1, byStatus: { active: 1 } });
  });
});

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? (e.name === "node_modules" ? [] : walk(join(dir, e.name))) : [join(dir, e.name)],
  );
}
