#!/usr/bin/env bash
# The main job on the embedded file backend: a short real scenario in a fresh folder, ending with the
# context an agent would receive at the plan stage. Run through `pnpm demo` (which builds first).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=${TTA_DEMO_DIR:-$(mktemp -d)}
cd "$work"
tta() { node "$repo/apps/cli/dist/bin.js" "$@"; }
say() { printf '\n\033[1m$ tta %s\033[0m\n' "$*"; }
run() { say "$@"; tta "$@"; }

echo "Working in $work (file backend under .tta/)"
run init
cat > PAFCORE.md <<'MD'
# Permanent Architectural Facts

## Quality
- **QUAL-001**: Minimum 70% test coverage for production code
- **QUAL-004**: Maximum file size 800 lines (production maturity)

## Stack
- **LANG-001**: Primary runtime is Node 20+
  - Check: runtime-version node >=20
- **ARCH-001**: Preferences are cached in Redis with a TTL, never in process memory
MD
run session create user-prefs-feature-2025-10-28 --title "User preferences with Redis caching" --tag preferences --tag redis
run session create redis-integration-2025-10-15 --title "Redis integration" --tag redis
run group create user-preferences-system --description "All work on the user preferences feature" --tag preferences --tag redis
run group add user-preferences-system user-prefs-feature-2025-10-28
run group add user-preferences-system redis-integration-2025-10-15
run message add redis-integration-2025-10-15 "Connection pool of 10 per process; timeouts at 2 s"
run session complete redis-integration-2025-10-15 --lesson "Redis connection pooling is critical for performance"
run message add user-prefs-feature-2025-10-28 "Build a user preferences system with Redis caching"
run message add user-prefs-feature-2025-10-28 --role assistant "Plan: a PreferencesStore over Redis hashes, cached reads, write-through updates"
run cache set user-prefs-feature-2025-10-28 current-file '"src/preferences/store.ts"' --ttl 1h
run memory add "Decision: preferences live in one Redis hash per user" --kind decision --tag redis --tag preferences --importance 0.9
run paf validate || true
run context user-prefs-feature-2025-10-28 --stage plan
