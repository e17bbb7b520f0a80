#!/usr/bin/env bash
# Runs every test of the platform on real RabbitMQ and PostgreSQL (private nodes the tests start themselves),
# installing what is missing first. Ends with one line: "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."

bash scripts/prerequisites.sh || exit 1

results="$(pwd)/.test-results"
rm -rf "$results"
mkdir -p "$results"

echo "Building..."
if ! dotnet build PublicInnovation.sln -nologo -v:q -clp:ErrorsOnly; then
  echo "0 passed, 1 failed, 0 skipped"
  exit 1
fi

# Test projects run as parallel processes (2 on 2 cores); they share one RabbitMQ node and one PostgreSQL
# cluster through tests/Testing. The hang timeout turns a stuck test into a failure with a dump, not a stalled CI.
dotnet test PublicInnovation.sln --no-build -nologo -v:q \
  --logger "trx" --results-directory "$results" \
  --blame-hang-timeout 10m -- RunConfiguration.TestSessionTimeout=3000000
status=$?

passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  p=$(echo "$counters" | sed -n 's/.* passed="\([0-9]*\)".*/\1/p')
  f=$(echo "$counters" | sed -n 's/.* failed="\([0-9]*\)".*/\1/p')
  t=$(echo "$counters" | sed -n 's/.* total="\([0-9]*\)".*/\1/p')
  x=$(echo "$counters" | sed -n 's/.* executed="\([0-9]*\)".*/\1/p')
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0})); skipped=$((skipped + ${t:-0} - ${x:-0}))
done
# A crashed test host leaves no counters: never report green when dotnet test did not succeed.
if [ $status -ne 0 ] && [ $failed -eq 0 ]; then failed=1; fi
echo "$passed passed, $failed failed, $skipped skipped"
exit $status
