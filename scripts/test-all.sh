#!/usr/bin/env bash
# The one test command (`npm test`): installs what the suites need, then runs every suite in stages.
# Prints a closing line "N passed, N failed[, N skipped]" over all stages.
set -uo pipefail
cd "$(dirname "$0")/.."
export MERIDIAN_CACHE_DIR="${MERIDIAN_CACHE_DIR:-$HOME/.cache/meridian}"
results="$(mktemp -d)"
status=0

stage() { printf '\n==> %s\n' "$*"; }

need_pkgs=()
command -v chromium >/dev/null 2>&1 || need_pkgs+=(chromium)
[ -x /usr/lib/postgresql/15/bin/initdb ] || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need_pkgs+=(postgresql)
if [ ${#need_pkgs[@]} -gt 0 ]; then
  stage "installing Debian packages: ${need_pkgs[*]}"
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_pkgs[@]}" >/dev/null || status=1
  else
    echo "warning: not root; cannot install ${need_pkgs[*]} (the suites that need them will fail)"
  fi
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  stage "npm ci"
  npm ci --no-audit --no-fund || exit 1
fi

stage "typecheck"
npm run typecheck || status=1

stage "build web UI"
npm run build -w @meridian/web >/dev/null || { echo "web build failed"; status=1; }

run_project() {
  local name="$1"
  stage "tests: $name"
  npx vitest run --project "$name" --reporter=default --reporter=json --outputFile="$results/$name.json" || status=1
}

run_project unit
run_project cost
testbed=0
if [ "${MERIDIAN_SKIP_TESTBED:-}" != "1" ] && [ -d testbed/test ]; then
  # First run on a machine builds the pinned Kubernetes binaries from the Go module proxy (~9 min);
  # later runs reuse ~/.cache/meridian/testbed and start in seconds. The cluster suites (drivers, API,
  # CLI, browser) run against these testbeds.
  testbed=1
  stage "testbed: kubernetes and swarm up"
  npm run -s testbed -- k8s up || status=1
  npm run -s testbed -- swarm up --workers 2 || status=1
fi
run_project drivers
run_project api
run_project cli
run_project e2e
if [ "$testbed" = 1 ]; then
  run_project testbed
  stage "testbed: down"
  npm run -s testbed -- k8s down || true
  npm run -s testbed -- swarm down || true
fi
node -e '
  const fs = require("fs"); const dir = process.argv[1];
  let p = 0, f = 0, s = 0;
  for (const file of fs.readdirSync(dir)) {
    try { const r = JSON.parse(fs.readFileSync(dir + "/" + file, "utf8"));
      p += r.numPassedTests; s += r.numPendingTests + r.numTodoTests;
      // a suite that failed before its tests ran (a beforeAll error) counts as one failure
      f += r.numFailedTests || r.numFailedTestSuites;
    } catch (e) { f += 1; console.error("no results in " + file); }
  }
  console.log(`\n${p} passed, ${f} failed, ${s} skipped`);
' "$results"
rm -rf "$results"
exit $status
