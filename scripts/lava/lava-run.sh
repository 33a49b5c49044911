#!/bin/sh
# Inside a LAVA test shell (scripts/lava/probecost.yaml): run probecost,
# turn its results into LAVA test cases, keep the run as an artifact.
#
#   RUN_OPTS=... BASELINE_URL=... ARTIFACT_URL=... scripts/lava/lava-run.sh
#
# Test cases: one per measured row of the run (pass, with the median as
# the LAVA measurement in its unit; skip for unsupported; fail for a
# failed mechanism), named mechanism.state.metric; and, when
# BASELINE_URL names a run directory tarball, one per KTAP result of
# `probecost compare --ktap` against it (ok pass, not ok fail, # SKIP
# skip). Outside LAVA (no lava-test-case on PATH) the calls are printed.
set -u
cd "$(dirname "$0")/../.." || exit 1
BIN=${PROBECOST:-build/probecost}
out=results/lava-$(date -u +%Y%m%dT%H%M%SZ)
# A function may not be named lava-test-case: POSIX names have no "-",
# and busybox ash refuses the whole script ("bad function name").
test_case() {
	if command -v lava-test-case >/dev/null 2>&1; then lava-test-case "$@"; else echo "lava-test-case $*"; fi
}
test_reference() {
	if command -v lava-test-reference >/dev/null 2>&1; then lava-test-reference "$@"; else echo "lava-test-reference $*"; fi
}

# shellcheck disable=SC2086
"$BIN" run ${RUN_OPTS:-} --out "$out"
st=$?
if [ ! -f "$out/results.csv" ]; then
	test_case probecost-run --result fail
	exit 0
fi
test_case probecost-run --result "$([ $st -eq 0 ] && echo pass || echo fail)"
"$BIN" report "$out" >/dev/null || true

# rows: name, result, measurement, unit
sh scripts/lava/rows2lava.sh "$out/results.csv" | while read -r name result value unit; do
	if [ "$value" = "-" ]; then
		test_case "$name" --result "$result"
	else
		test_case "$name" --result "$result" --measurement "$value" --units "$unit"
	fi
done

if [ -n "${BASELINE_URL:-}" ] && mkdir -p results/baseline &&
	curl -fsSL "$BASELINE_URL" | tar -xz -C results/baseline --strip-components=1; then
	"$BIN" compare --ktap results/baseline "$out" >"$out/compare.ktap"
	test_case probecost-compare --result "$([ $? -eq 0 ] && echo pass || echo fail)"
	scripts/lava/ktap2lava.sh <"$out/compare.ktap" | while read -r name result; do
		test_case "$name" --result "$result"
	done
fi

tar -czf "$out.tar.gz" -C results "$(basename "$out")"
if [ -n "${ARTIFACT_URL:-}" ] && curl -fsS -T "$out.tar.gz" "$ARTIFACT_URL/$(basename "$out").tar.gz"; then
	test_reference probecost-results --result pass --reference "$ARTIFACT_URL/$(basename "$out").tar.gz"
else
	echo "probecost: results kept on the device in $(pwd)/$out.tar.gz (set ARTIFACT_URL to upload)"
fi
exit 0
