#!/usr/bin/env bash
# npm test: type-check, lint, build dist/ (the CLI the tests spawn), then every uvu file;
# ends with "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
status=0
echo "== tsc" && npx tsc --noEmit -p . || status=1
echo "== biome" && npx biome check . || status=1
# Without a build every test that starts the CLI would fail on the stale-build check: stop here.
echo "== build" && node scripts/build.js || exit 1
echo "== uvu"
node --import tsx scripts/run-tests.ts "$@" || status=1
exit $status
