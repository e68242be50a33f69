#!/usr/bin/env bash
# Usage: scripts/new-package.sh <dir> <name> "<description>" [dep-dirs...]
set -euo pipefail
dir=$1; name=$2; desc=$3; shift 3
mkdir -p "$dir/src"
refs=""
for d in "$@"; do refs="$refs{ \"path\": \"../../$d\" },"; done
refs="[${refs%,}]"
cat > "$dir/package.json" <<JSON
{
  "name": "$name",
  "version": "0.1.0",
  "description": "$desc",
  "type": "module",
  "license": "MIT",
  "engines": { "node": ">=20.19" },
  "exports": {
    ".": {
      "source": "./src/index.ts",
      "types": "./dist/index.d.ts",
      "import": "./dist/index.js"
    }
  },
  "files": ["dist"],
  "scripts": {
    "typecheck": "tsc -p tsconfig.test.json",
    "test": "vitest run"
  }
}
JSON
cat > "$dir/tsconfig.json" <<JSON
{
  "extends": "../../tsconfig.base.json",
  "compilerOptions": { "rootDir": "src", "outDir": "dist", "tsBuildInfoFile": "dist/.tsbuildinfo" },
  "include": ["src"],
  "exclude": ["src/**/*.test.ts"],
  "references": $refs
}
JSON
cat > "$dir/tsconfig.test.json" <<JSON
{
  "extends": "../../tsconfig.base.json",
  "compilerOptions": { "noEmit": true, "composite": false, "incremental": false, "declaration": false, "declarationMap": false, "rootDir": "." },
  "include": ["src", "test", "bench"]
}
JSON
cat > "$dir/vitest.config.ts" <<TS
import { sharedConfig } from "../../vitest.shared.ts";

export default sharedConfig();
TS
[ -f "$dir/src/index.ts" ] || echo "export {};" > "$dir/src/index.ts"
