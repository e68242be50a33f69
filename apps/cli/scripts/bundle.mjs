#!/usr/bin/env node
// Bundle the CLI (src/main.ts and everything it imports from the workspace, zod, commander, yaml…)
// into dist/bundle/: one entry plus lazily loaded chunks (each backend, the workflow, the markdown
// parser stay behind their dynamic imports). dist/bin.js runs it while inputs.json says that every
// source it was built from is unchanged; otherwise it runs the unbundled tsc build. Start-up is
// mostly module loading, so fewer, larger files start faster.
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const cli = fileURLToPath(new URL("..", import.meta.url));
const outdir = process.argv[2] ? resolve(process.argv[2]) : join(cli, "dist", "bundle");
const pkg = JSON.parse(readFileSync(join(cli, "package.json"), "utf8"));

/**
 * `createRequire(import.meta.url)("semver")` resolves from the file's own folder, which in a bundle is
 * dist/bundle/: turn it into a plain `require("semver")` so that the package is bundled too.
 */
const bundleCreateRequire = {
  name: "bundle-create-require",
  setup(b) {
    b.onLoad({ filter: /[\\/]packages[\\/][^\\/]+[\\/]src[\\/].*\.ts$/ }, (args) => {
      const text = readFileSync(args.path, "utf8");
      if (!text.includes("createRequire(import.meta.url)(")) return undefined;
      return {
        contents: text.replace(/createRequire\(import\.meta\.url\)\(("[^"]+")\)/g, "require($1)"),
        loader: "ts",
      };
    });
  },
};

rmSync(outdir, { recursive: true, force: true });
const result = await build({
  absWorkingDir: cli,
  entryPoints: { main: "src/main.ts" },
  outdir,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  conditions: ["source"],
  chunkNames: "chunk-[hash]",
  // The HTTP server loads only for `tta serve` (pino, hono); Keyv store adapters are optional installs.
  external: ["@tta-dev/http", "@keyv/redis", "@keyv/postgres", "@keyv/sqlite"],
  define: { TTA_CLI_VERSION: JSON.stringify(pkg.version) },
  banner: {
    js: 'import { createRequire as __ttaCreateRequire } from "node:module"; const require = __ttaCreateRequire(import.meta.url);',
  },
  plugins: [bundleCreateRequire],
  metafile: true,
  logLevel: "warning",
});

// Third-party code changes only with the lockfile: it stands for every node_modules input.
const lockfile = resolve(cli, "..", "..", "pnpm-lock.yaml");
const sources = [
  ...Object.keys(result.metafile.inputs)
    .filter((p) => !p.includes("node_modules"))
    .map((p) => resolve(cli, p)),
  ...(existsSync(lockfile) ? [lockfile] : []),
];
const inputs = sources.map((file) => {
  const s = statSync(file);
  return [relative(outdir, file), s.mtimeMs, s.size];
});
writeFileSync(
  join(outdir, "inputs.json"),
  `${JSON.stringify({ entry: "main.js", version: pkg.version, inputs })}\n`,
);
const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
const files = Object.keys(result.metafile.outputs).length;
process.stdout.write(
  `bundled ${sources.length} workspace sources into ${relative(cli, outdir) || "."}/ (${files} files, ${Math.round(bytes / 1024)} KiB)\n`,
);
