#!/bin/sh
# scripts/nightly.sh twice on short runs: the first has nothing to
# compare with, the second compares with the first (KTAP), both land in
# the history, the trend is drawn, nightly-previous is a copy of the
# newest run; a baseline that is not a run is refused with exit 2.
# Then the examples of docs/nightly.md as written there -- the cron line,
# the systemd service's commands and the GitLab job's script lines, a
# reduced mechanism set appended -- from a clean state, two nights each: the first exits 0 with nothing to
# compare, the second compares with the first and passes. Between the
# CI nights only the job's cache paths survive, as in a real runner.
# Last, the confirmation: a regression injected into one night's run
# only (a host's one-run slowdown) is measured again, not confirmed and
# does not fail the job; one injected into every run from then on (a
# regression in the code) is confirmed and fails it.
. tests/ktap.sh

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export PROBECOST="$(pwd)/$PROBECOST"
root=$(pwd)
opts="--mech none,user-branch --quick --repeat 6 --analyses none --no-vm"

ktap_plan 23
# shellcheck disable=SC2086
sh scripts/nightly.sh --results "$TMP/r" -- $opts >"$TMP/1.out" 2>&1
ok $? "first night exits 0 (nothing to compare)"
sleep 1
# shellcheck disable=SC2086
sh scripts/nightly.sh --results "$TMP/r" -- $opts >"$TMP/2.out" 2>&1
rc=$?
ok $rc "second night exits 0 (no regression at the default gate)"
[ $rc -eq 0 ] || diag "$(tail -20 "$TMP/2.out")"

last=$(ls "$TMP/r" | grep '^nightly-2' | tail -1)
check "nightly-previous is a copy (a directory) of the newest run" \
	sh -c "[ -d '$TMP/r/nightly-previous' ] && [ ! -L '$TMP/r/nightly-previous' ] && cmp -s '$TMP/r/nightly-previous/meta.csv' '$TMP/r/$last/meta.csv'"
check "the second night compared, in KTAP and in text (verdict first)" \
	sh -c "head -1 '$TMP/r/$last/compare.ktap' | grep -qx 'KTAP version 1' && grep -q '^ok 1 ' '$TMP/r/$last/compare.ktap' && head -1 '$TMP/r/$last/compare.txt' | grep -q '^verdict: '"
runs=$(python3 -c 'import csv,sys; print(len({r["run_id"] for r in csv.DictReader(open(sys.argv[1]))}))' \
	"$TMP/r/history.csv" 2>&1)
ok "$([ "$runs" = 2 ] && echo 0 || echo 1)" "history.csv holds both runs ($runs)"
check "the trend is plotted" [ -s "$TMP/r/trend/plots/trend-overhead-static-ns.txt" ]

sh scripts/nightly.sh --results "$TMP/r" --baseline "$TMP/nope" >"$TMP/3.out" 2>&1
rc=$?
ok "$([ $rc -eq 2 ] && grep -q 'no results.csv there' "$TMP/3.out" && echo 0 || echo 1)" \
	"a --baseline that is not a run: exit 2 with the reason ($rc)"

# --- the documented examples, as written ---------------------------------
# make is already done (make tests built this binary); mail is recorded
mkdir -p "$TMP/bin"
printf '#!/bin/sh\nexit 0\n' >"$TMP/bin/make"
printf '#!/bin/sh\necho "mail $*" >>"%s/mail"; cat >>"%s/mail"\n' "$TMP" "$TMP" >"$TMP/bin/mail"
chmod +x "$TMP/bin/make" "$TMP/bin/mail"

# cron: the one line after the schedule, paths moved into $TMP
cron=$(sed -n 's/^    30 2 \* \* \*  //p' docs/nightly.md)
cron=$(printf '%s' "$cron" | sed "s|/srv/probecost-nightly|$TMP/cron/n|g; s|/srv/probecost|$root|g; s|--results $TMP/cron/n|& -- $opts|")
case "$cron" in *"nightly.sh --results"*) ;; *) cron="" ;; esac
if [ -z "$cron" ]; then
	for i in 1 2 3 4; do ok 1 "the cron line: one line with nightly.sh --results in docs/nightly.md"; done
else
	PATH="$TMP/bin:$PATH" sh -c "$cron"
	rc=$?
	ok "$([ $rc -eq 0 ] && [ -s "$TMP/cron/n/last.log" ] && [ ! -e "$TMP/mail" ] && echo 0 || echo 1)" \
		"cron, first night from nothing: exit 0, last.log written, no mail ($rc)"
	check "cron, first night: nothing to compare" grep -q 'no baseline yet' "$TMP/cron/n/last.log"
	sleep 1
	PATH="$TMP/bin:$PATH" sh -c "$cron"
	rc=$?
	ok "$([ $rc -eq 0 ] && [ ! -e "$TMP/mail" ] && echo 0 || echo 1)" "cron, second night: exit 0, no mail ($rc)"
	# the cron line's own status is mail's when nightly.sh failed: the log says why
	[ $rc -eq 0 ] && [ ! -e "$TMP/mail" ] || diag "$(tail -15 "$TMP/cron/n/last.log")"
	check "cron, second night compared with the first" \
		sh -c "grep -q '^# base $TMP/cron/n/nightly-previous' $TMP/cron/n/nightly-2*/compare.ktap"
fi

# systemd: the service's ExecStartPre and ExecStart, run as systemd would
# (in WorkingDirectory, Pre first), paths moved into $TMP
unit=$(sed -n '/^    # \/etc\/systemd\/system\/probecost-nightly.service/,/^$/p' docs/nightly.md)
pre=$(printf '%s\n' "$unit" | sed -n 's/^    ExecStartPre=//p')
start=$(printf '%s\n' "$unit" | sed -n "s/^    ExecStart=\/bin\/sh -c '\(.*\)'$/\1/p")
wd=$(printf '%s\n' "$unit" | sed -n 's/^    WorkingDirectory=//p')
if [ -z "$pre" ] || [ -z "$start" ] || [ "$wd" != /srv/probecost ]; then
	for i in 1 2; do ok 1 "the systemd service: WorkingDirectory, ExecStartPre, ExecStart in docs/nightly.md"; done
else
	pre=$(printf '%s' "$pre" | sed "s|/srv/probecost-nightly|$TMP/sd/n|g")
	start=$(printf '%s' "$start" | sed "s|/srv/probecost-nightly|$TMP/sd/n|g; s|--results $TMP/sd/n|& -- $opts|")
	sd_night() {
		$pre && (cd "$root" && PATH="$TMP/bin:$PATH" sh -c "$start") >>"$TMP/sd.$1.log" 2>&1
	}
	sd_night 1
	ok $? "systemd service, first night from nothing: exit 0"
	sleep 1
	sd_night 2
	rc=$?
	ok "$([ $rc -eq 0 ] && grep -q '^# base' $TMP/sd/n/nightly-2*[0-9Z]/compare.ktap && echo 0 || echo 1)" \
		"systemd service, second night: exit 0, compared with the first ($rc)"
	[ $rc -eq 0 ] || diag "$(tail -15 "$TMP/sd.2.log")"
fi

# GitLab: the script lines in a fresh work dir; between nights only the
# cache paths are kept
lines=$(sed -n '/^      script:/,/^      artifacts:/s/^        - //p' docs/nightly.md)
cache=$(sed -n '/^      cache:/,/^$/s/^          - //p' docs/nightly.md)
ci_night() { # N
	w=$TMP/ci/work$1
	mkdir -p "$w" && ln -s "$root/scripts" "$w/scripts" && ln -s "$root/build" "$w/build"
	[ "$1" -eq 1 ] || for p in $cache; do
		mkdir -p "$w/$(dirname "$p")" && cp -R "$TMP/ci/work$(($1 - 1))/$p" "$w/$p"
	done
	printf '%s\n' "$lines" | while IFS= read -r l; do
		case "$l" in scripts/nightly.sh*) l="$l $opts" ;; esac
		(cd "$w" && PATH="$TMP/bin:$PATH" sh -c "$l") >>"$TMP/ci/$1.log" 2>&1 || exit 1
	done
}
if [ -z "$lines" ] || [ -z "$cache" ]; then
	for i in 1 2 3 4; do ok 1 "the GitLab job: script and cache paths in docs/nightly.md"; done
else
	ci_night 1
	ok $? "CI, first night from a clean checkout: every script line exits 0"
	check "CI, first night: nothing to compare" grep -q 'no baseline yet' "$TMP/ci/1.log"
	sleep 1
	ci_night 2
	rc=$?
	ok $rc "CI, second night (only the cache kept): every script line exits 0"
	[ $rc -eq 0 ] || diag "$(tail -15 "$TMP/ci/2.log")"
	check "CI, second night compared with the first, from the cache" \
		sh -c "grep -q '^# base nightly/nightly-previous' $TMP/ci/work2/nightly/nightly-2*/compare.ktap"
fi
# --- confirm: a regression must show twice --------------------------------
# a probecost that makes user-branch 300% of its cost slower in the runs
# numbered by $INJECT (tests/inject.py on the run it just wrote)
cat >"$TMP/bin/pc-inject" <<EOF
#!/bin/sh
"$PROBECOST" "\$@"
rc=\$?
[ "\$1" = run ] || exit \$rc
n=\$((\$(cat "\$STATE" 2>/dev/null || echo 0) + 1))
echo \$n >"\$STATE"
out=""; prev=""
for a in "\$@"; do [ "\$prev" = --out ] && out=\$a; prev=\$a; done
case " \$INJECT " in *" \$n "*)
	python3 "$root/tests/inject.py" "\$out" "\$out.inj" user-branch 300 >/dev/null &&
		rm -rf "\$out" && mv "\$out.inj" "\$out" ;;
esac
exit \$rc
EOF
chmod +x "$TMP/bin/pc-inject"
confirm_nights() { # NAME INJECT
	for night in 1 2; do
		# shellcheck disable=SC2086
		STATE=$TMP/$1.n INJECT=$2 PROBECOST=$TMP/bin/pc-inject \
			sh scripts/nightly.sh --results "$TMP/$1" -- $opts >"$TMP/$1.$night.out" 2>&1
		rc=$?
		sleep 1
	done
	return $rc
}
confirm_nights transient 2
rc=$?
ok $rc "a regression in one run only (injected into night 2, not into its confirmation): exit 0"
[ $rc -eq 0 ] || diag "$(tail -15 "$TMP/transient.2.out")"
check "  ... said: not confirmed by a second run" grep -q 'confirm: not confirmed' "$TMP/transient.2.out"
check "  ... the slow night does not become the next night's baseline" \
	sh -c "! cmp -s '$TMP/transient/nightly-previous/meta.csv' \$(ls -d $TMP/transient/nightly-2*[0-9Z] | tail -1)/meta.csv"
check "  ... its KTAP line is a SKIP, not a not ok" \
	sh -c "grep -q '^ok .* user-branch .*overhead.*# SKIP not confirmed' $TMP/transient/nightly-2*[0-9Z]/compare.ktap && ! grep -q '^not ok' $TMP/transient/nightly-2*[0-9Z]/compare.ktap"
confirm_nights persistent "2 3"
rc=$?
ok "$([ $rc -eq 1 ] && echo 0 || echo 1)" "a regression in every run from night 2 on (the code's): exit 1 ($rc)"
check "  ... said: confirmed, naming user-branch" \
	sh -c "grep -q 'confirm: confirmed by a second run' '$TMP/persistent.2.out' && grep -q 'REGRESSION user-branch' '$TMP/persistent.2.out'"
ktap_finish
