#!/usr/bin/env node
import { freshBundle } from "./bundle-freshness.js";
import { cliVersion } from "./version.js";

// `tta --version` needs nothing but this package's version.
const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-V")) {
  process.stdout.write(`${cliVersion()}\n`);
} else {
  // The same sources bundled into a few files start faster; used only while they match the sources.
  const bundle = freshBundle(new URL("./bundle/", import.meta.url), cliVersion());
  await import(bundle ? bundle.href : "./main.js");
}
