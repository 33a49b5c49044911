#!/bin/sh
# probecost churn --probes on tool files: a bpftrace script, a SystemTap
# script and a BCC tool written for the test (tests/fixtures/churn/tools,
# its README says what each covers) judged against the fixture dumps,
# verdicts compared with tests/fixtures/churn/tools-golden; the format
# found by content when the extension is missing; a directory of tools
# with its summary; and bad files refused with file:line, exit 2 and
# nothing written.
. tests/ktap.sh

TMP=$(mktemp -d)
FIX=$(pwd)/tests/fixtures/churn
TOOLS=$FIX/tools
GOLD=$FIX/tools-golden
BIN=$(pwd)/$PROBECOST
trap 'rm -rf "$TMP"' EXIT

ktap_plan 40

# verdicts DIR GOLDEN: probes.csv of DIR without its file column
verdicts() {
	cut -d, -f2- "$1/probes.csv" >"$1/verdicts.csv"
	cmp -s "$1/verdicts.csv" "$2" && return 0
	diag "$(diff "$2" "$1/verdicts.csv")"
	return 1
}

for t in bt stp py; do
	"$BIN" churn "$FIX/a" "$FIX/b" --out "$TMP/$t" --plot none \
		--probes "$TOOLS/trace.$t" >"$TMP/$t.out" 2>&1
	rc=$?
	ok $rc "trace.$t: churn exits 0"
	[ $rc -eq 0 ] || diag "$(cat "$TMP/$t.out")"
	check "trace.$t: every verdict as in tools-golden/trace.$t.csv" \
		verdicts "$TMP/$t" "$GOLD/trace.$t.csv"
done

check "bpftrace: an unresolved name is listed with its line, not guessed" \
	grep -q '^35,kprobe:\$1,unresolved,' "$TMP/bt/verdicts.csv"
check "BCC: a name built by concatenation over two lines is unresolved at its call's line" \
	grep -q '^25,"attach_kprobe(event=""tcp_"" + sys.argv\[2\])",unresolved,' "$TMP/py/verdicts.csv"
check "BCC: the commented-out attach_kprobe is not read" \
	test "$(grep -c commented_out "$TMP/py/verdicts.csv")" -eq 0
check "the report sums up a tool file" \
	grep -q '^  16 probes (16 entries): 7 break, 2 format changed, 1 not in A, 1$' "$TMP/bt.out"
wide=$(awk 'length > 72' "$TMP/bt/report.txt" "$TMP/stp/report.txt" "$TMP/py/report.txt")
check "reports with tool tables stay within 72 columns" [ -z "$wide" ]
[ -z "$wide" ] || diag "$wide"

# no extension: the format comes from the content
for t in bt stp py; do
	cp "$TOOLS/trace.$t" "$TMP/tool-$t"
	"$BIN" churn "$FIX/a" "$FIX/b" --out "$TMP/c$t" --plot none \
		--probes "$TMP/tool-$t" >/dev/null 2>&1
	check "no extension: $t found by content, same verdicts" \
		verdicts "$TMP/c$t" "$GOLD/trace.$t.csv"
done
sed 1d "$TOOLS/trace.bt" >"$TMP/noshebang"
"$BIN" churn "$FIX/a" "$FIX/b" --out "$TMP/cns" --plot none --probes "$TMP/noshebang" >/dev/null 2>&1
check "no extension, no #! line: a bpftrace script by its { action }" \
	[ "$(awk -F, 'NR == 2 { print $2 }' "$TMP/cns/tools.csv")" = bpftrace ]

# a directory: one table per file, tools.csv, the summary
"$BIN" churn "$FIX/a" "$FIX/b" --out "$TMP/dir" --plot none --probes "$TOOLS" >"$TMP/dir.out" 2>&1
rc=$?
ok $rc "directory: churn exits 0"
[ $rc -eq 0 ] || diag "$(cat "$TMP/dir.out")"
sed "s|^$TOOLS/||" "$TMP/dir/tools.csv" >"$TMP/tools.csv"
check "directory: tools.csv as in tools-golden/tools.csv (README.md left out)" \
	cmp -s "$TMP/tools.csv" "$GOLD/tools.csv"
cmp -s "$TMP/tools.csv" "$GOLD/tools.csv" || diag "$(diff "$GOLD/tools.csv" "$TMP/tools.csv")"
check "directory: one verdict table per file in the report" \
	[ "$(grep -c "^\(Probe list\|bpftrace script\|SystemTap script\|BCC tool\) $TOOLS/" "$TMP/dir.out")" -eq 6 ]
check "directory: the summary counts tools by verdict" \
	grep -q '^  6 tool files: 4 break, 0 only format changes, 1 undecided (a name$' "$TMP/dir.out"
check "directory: probes.csv holds every file's rows, each named by its file" \
	[ "$(grep -c "^$TOOLS/trace.stp," "$TMP/dir/probes.csv")" -eq 14 -a \
	  "$(($(wc -l <"$TMP/dir/probes.csv") - 1))" -eq 60 ]

check "--help names the tool file formats" \
	sh -c "'$BIN' churn --help | grep -q 'bpftrace .bt, SystemTap .stp'"

# ---- bad files: exit 2, file:line, nothing written ----
printf 'kprobe:vfs_read {\n\tprintf("x");\n' >"$TMP/open.bt"
printf 'BEGIN { }\nfoo:bar { }\n' >"$TMP/type.bt"
printf 'kprobe:vfs_read\n' >"$TMP/noaction.bt"
printf 'probe kernel.function("vfs_read" { }\n' >"$TMP/paren.stp"
printf 'probe begin { }\nprobe kernel.function() { }\n' >"$TMP/empty.stp"
printf 'from bcc import BPF\nb.attach_kprobe(event="vfs_read",\n' >"$TMP/call.py"
printf 'prog = """\nTRACEPOINT_PROBE(sched) { return 0; }\n"""\n' >"$TMP/tp.py"
printf 'from bcc import BPF\nb.attach_tracepoint(tp="sched_switch", fn_name="f")\n' >"$TMP/tpname.py"
printf 'from bcc import BPF\nprint("no probes")\n' >"$TMP/none.py"
printf 'kprobe:vfs_read\n\0\n' >"$TMP/nul.list"
printf 'kprobe:vfs_read /arg0 == 1 {\n\tprintf("x");\n}\n' >"$TMP/pred.bt"
printf 'from bcc import BPF\nprog = """\nint kprobe__vfs_read(void *ctx) { return 0; }\n' >"$TMP/triple.py"
printf 'kprobe:vfs_\001\377read { }\n' >"$TMP/binary.bt"
mkdir "$TMP/notools" && printf 'x\n' >"$TMP/notools/notes.md"
mkdir "$TMP/onebad" && cp "$TOOLS/ok.bt" "$TMP/onebad/" && cp "$TMP/type.bt" "$TMP/onebad/"
# names of tool files that cannot be read as files are refused, not skipped
mkdir "$TMP/dangle" && cp "$TOOLS/ok.bt" "$TMP/dangle/" && ln -s /nonexistent "$TMP/dangle/gone.bt"
mkdir "$TMP/subdir" && cp "$TOOLS/ok.bt" "$TMP/subdir/" && mkdir "$TMP/subdir/sub.stp"

n=0
while IFS='|' read -r frag file; do
	n=$((n + 1))
	out=$("$BIN" churn "$FIX/a" "$FIX/b" --out "$TMP/bad$n" --probes "$file" 2>&1 </dev/null)
	got=$?
	if [ $got -eq 2 ] && printf '%s' "$out" | grep -qF -- "$frag" && [ ! -e "$TMP/bad$n" ]; then
		ok 0 "bad file refused, exit 2: $frag"
	else
		ok 1 "bad file refused, exit 2: $frag"
		diag "--probes $file -> exit $got: $out"
	fi
done <<EOF2
$TMP/open.bt:1: a block { that never closes|$TMP/open.bt
$TMP/type.bt:2: probe type 'foo' is not one churn knows|$TMP/type.bt
$TMP/noaction.bt:2: after 'kprobe:vfs_read': expected ','|$TMP/noaction.bt
$TMP/paren.stp:1: a probe point's ( without its )|$TMP/paren.stp
$TMP/empty.stp:2: 'kernel.function()': expected function("NAME")|$TMP/empty.stp
$TMP/call.py:2: a call's ( without its closing )|$TMP/call.py
$TMP/tp.py:2: TRACEPOINT_PROBE(...): expected TRACEPOINT_PROBE(SYSTEM, EVENT)|$TMP/tp.py
$TMP/tpname.py:2: 'sched_switch': expected "SYSTEM:EVENT"|$TMP/tpname.py
$TMP/none.py:1: no kernel probe found in this bcc file|$TMP/none.py
$TMP/nul.list:2: a NUL byte; expected a text file|$TMP/nul.list
$TMP/pred.bt:1: a /predicate that never closes; expected '/' before the { action }|$TMP/pred.bt
$TMP/triple.py:2: a """ string that never ends; expected its closing """|$TMP/triple.py
$TMP/binary.bt:1: 'kprobe:vfs_\x01\xffread': expected a function name|$TMP/binary.bt
$TMP/notools: no .bt, .stp, .py or .list file|$TMP/notools
$TMP/onebad/type.bt:2: probe type 'foo'|$TMP/onebad
$TMP/dangle/gone.bt: named like a tool file but a dangling link|$TMP/dangle
$TMP/subdir/sub.stp: named like a tool file but not a regular file|$TMP/subdir
EOF2
# binary garbage is quoted escaped, never raw
"$BIN" churn "$FIX/a" "$FIX/b" --out "$TMP/binout" --probes "$TMP/binary.bt" >"$TMP/binary.out" 2>&1
check "binary bytes in a bad file: the message is printable ASCII" \
	sh -c "! LC_ALL=C grep -q '[^ -~]' '$TMP/binary.out'"
# a predicate that divides is closed by its last '/'
printf 'kprobe:vfs_read /arg0 / 2 == 1/ { }\n' >"$TMP/div.bt"
"$BIN" churn "$FIX/a" "$FIX/b" --out "$TMP/divout" --plot none --probes "$TMP/div.bt" >"$TMP/div.out" 2>&1
rc=$?
ok $rc "a predicate with a division (/arg0 / 2 == 1/) is read (exit $rc)"
[ $rc -eq 0 ] || diag "$(cat "$TMP/div.out")"
ktap_finish
