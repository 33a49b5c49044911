#!/bin/sh
# probecost churn on the hand-made fixture dumps of tests/fixtures/churn:
# every category counted exactly (tests/fixtures/churn/README.md says
# which fixture line makes which), the probe-list verdicts, the
# MAP,EVENTS form with its fallback rule, --no-source, the source index,
# the report's width, and bad inputs refused with file:line and exit 2.
. tests/ktap.sh

TMP=$(mktemp -d)
FIX=$(pwd)/tests/fixtures/churn
BIN=$(pwd)/$PROBECOST
trap 'rm -rf "$TMP"' EXIT

# count CATEGORY SIDE in churn.csv of DIR
count() {
	awk -F, -v s="$2" -v c="$1" '$3 == s && $4 == c { print $5 }' "$3/churn.csv"
}

# expect DIR SIDE "cat=n cat=n ...": every listed count exactly
expect() {
	_dir=$1 _side=$2 _bad=""
	for kv in $3; do
		_got=$(count "${kv%%=*}" "$_side" "$_dir")
		[ "$_got" = "${kv#*=}" ] || _bad="$_bad ${kv%%=*}: got '$_got' want ${kv#*=};"
	done
	[ -z "$_bad" ] || diag "$_side:$_bad"
	[ -z "$_bad" ]
}

ktap_plan 40

"$BIN" churn "$FIX/a" "$FIX/b" --out "$TMP/ab" --plot dumb \
	--probes "$FIX/probes.list" >"$TMP/ab.out" 2>&1
rc=$?
ok $rc "churn a b exits 0"
[ $rc -eq 0 ] || diag "$(cat "$TMP/ab.out")"
# a build without libbpf reads no BTF: signatures unknown, arch_foo ok
nolibbpf=0
grep -q 'built without libbpf' "$TMP/ab.out" && nolibbpf=1

# sched_switch retyped, sched_wakeup renamed, block_rq_issue lost a
# field; irq_handler_entry only moved (offsets do not count); timer_init
# removed; net_dev_xmit and sched_waking added
check "static: every category counted exactly" expect "$TMP/ab" static \
	"in_a=7 in_b=8 kept=3 format_changed=3 removed=1 broken=4 added=2
	 field_removed=1 field_renamed=1 field_retyped=1 field_added=2"
# kept vfs_read vfs_write arch_foo(W); renamed .isra .constprop .part
# .llvm; now_bl blacklisted and now_notrace without ftrace site in B;
# cold_func (only cold_func.cold left) and inl_func in B's source, inl_func
# a macro there around inl_func_noprof (a target of B: one more added);
# gone_func a data symbol in B and not in its source; a_notrace, a_bl,
# __pfx_*, __cfi_*, data and module symbols are no targets at all
check "dynamic: every category counted exactly" expect "$TMP/ab" dynamic \
	"in_a=12 in_b=9 kept=3 renamed=4 unprobeable=2 inlined=2 removed=1
	 vanished=0 broken=9 added=6 renamed_isra=1 renamed_constprop=1
	 renamed_part=1 renamed_cold=0 renamed_other=1 inlined_macro=1"
check "headline per 1,000: static 571.428571, dynamic 750" \
	[ "$(awk -F, '$4 == "broken" { printf "%s ", $6 }' "$TMP/ab/churn.csv")" = "571.428571 750 " ]
check "the report leads with the headline" \
	grep -q '^  static  (tracepoints)       571.4   4 of 7 events$' "$TMP/ab.out"

python3 - "$TMP/ab" >"$TMP/py" 2>&1 <<'PY'
import csv, sys
d = sys.argv[1]
items = {(r['side'], r['name']): r for r in csv.DictReader(open(d + '/items.csv'))}
want = {
    ('static', 'sched:sched_switch'): ('format_changed', 'prev_state retyped long (8 bytes signed) -> unsigned int (4 bytes unsigned)'),
    ('static', 'sched:sched_wakeup'): ('format_changed', 'pid renamed tid'),
    ('static', 'block:block_rq_issue'): ('format_changed', 'sector removed'),
    ('static', 'timer:timer_init'): ('removed', None),
    ('dynamic', 'do_sys_open'): ('renamed', 'now do_sys_open.isra.0'),
    ('dynamic', 'tcp_v4_rcv.constprop.0'): ('renamed', 'now tcp_v4_rcv.constprop.1'),
    ('dynamic', 'now_bl'): ('unprobeable', "in B's kprobe blacklist"),
    ('dynamic', 'cold_func'): ('inlined', None),
    ('dynamic', 'inl_func'): ('inlined', "no symbol in B; B's source defines inl_func as a macro calling inl_func_noprof, a kprobe target of B"),
    ('dynamic', 'gone_func'): ('removed', None),
}
# use instead: the rename's target, the macro's callee, or none found
use = {
    ('dynamic', 'do_sys_open'): 'do_sys_open.isra.0',
    ('dynamic', 'inl_func'): 'inl_func_noprof',
    ('dynamic', 'cold_func'): 'none found',
    ('static', 'timer:timer_init'): 'none found',
}
bad = 0
for k, (cat, det) in want.items():
    r = items.get(k)
    if not r or r['category'] != cat or (det and r['detail'] != det):
        print('item', k, 'is', r and (r['category'], r['detail']), 'want', cat, det)
        bad = 1
for k, u in use.items():
    r = items.get(k)
    if not r or r['use_instead'] != u:
        print('item', k, 'use_instead', r and r['use_instead'], 'want', u)
        bad = 1
if ('static', 'irq:irq_handler_entry') in items:
    print('a field that only moved made irq_handler_entry an item'); bad = 1
sys.exit(bad)
PY
ok $? "items.csv names each broken point with its category, why and what to use instead"
[ -s "$TMP/py" ] && diag "$(cat "$TMP/py")"

python3 - "$TMP/ab" $nolibbpf >"$TMP/py" 2>&1 <<'PY'
import csv, sys
rows = [(r['line'], r['probe'], r['status'], r['category'], r['use_instead'])
        for r in csv.DictReader(open(sys.argv[1] + '/probes.csv'))]
want = [
    ('3', 'kprobe:vfs_read', 'ok', '', ''),
    ('4', 'kprobe:do_sys_open', 'breaks', 'renamed', 'do_sys_open.isra.0'),
    ('5', 'kretprobe:gone_func', 'breaks', 'removed', 'none found'),
    ('6', 'k:inl_func', 'breaks', 'inlined', 'inl_func_noprof'),
    ('7', 'kprobe:now_bl', 'breaks', 'unprobeable', 'none found'),
    ('7', 'kprobe:now_notrace', 'breaks', 'unprobeable', 'none found'),
    ('8', 'kprobe:a_notrace', 'not_in_a', '', ''),
    ('9', 'tracepoint:sched:sched_switch', 'format_changed', 'format_changed', ''),
    ('10', 't:timer:timer_init', 'breaks', 'removed', 'none found'),
    ('11', 'tracepoint:power:cpu_idle', 'ok', '', ''),
    ('12', 'tracepoint:nosuch:event', 'not_in_a', '', ''),
    ('13', 'kprobe:vfs_read', 'ok', '', ''),
    ('13', 'kprobe:vfs_write', 'ok', '', ''),
    ('14', 'kprobe:arch_foo', 'signature_changed', 'signature_changed', '')
    if sys.argv[2] == '0' else ('14', 'kprobe:arch_foo', 'ok', '', ''),
]
if rows != want:
    print('got ', rows); print('want', want); sys.exit(1)
PY
ok $? "probes.csv: each probe's verdict, wildcards expanded against A"
[ -s "$TMP/py" ] && diag "$(cat "$TMP/py")"
check "the report sums up the probe list" \
	grep -q "^  14 probes (13 entries): 6 break, 1 format changed, $([ $nolibbpf -eq 0 ] && echo '1 signature$' || echo '2 not in A, 5 ok.$')" "$TMP/ab.out"

# signatures from the fixtures' vmlinux.btf (tests/unit/test_churn_btf.c
# makes them): vfs_read, vfs_write and arch_foo kept and in both BTFs,
# arch_foo's parameters changed; vfs_read's only in spelling (size_t as
# long unsigned int in B): typedef_only, no change; not part of broken (still 9)
if [ $nolibbpf -eq 1 ]; then
	skip "signatures: counted from BTF" "probecost was built without libbpf"
	skip "signatures: the prototypes in items.csv" "probecost was built without libbpf"
else
	check "signatures: counted from BTF, not in broken" expect "$TMP/ab" dynamic \
		"signature_compared=3 signature_changed=1 signature_qualifiers_only=0 signature_return_only=0 signature_typedef_only=1 broken=9"
	check "signatures: A's and B's prototype in items.csv" \
		grep -qxF 'dynamic,signature_changed,arch_foo,"int arch_foo(int cpu) -> int arch_foo(unsigned int cpu, void *data)",,' "$TMP/ab/items.csv"
fi
# a dump without BTF: the comparison is unknown (empty count), not zero
cp -R "$FIX/a" "$TMP/nobtf"
rm "$TMP/nobtf/vmlinux.btf"
sed -i 's|^btf,.*|btf,,absent,0,/sys/kernel/btf/vmlinux: No such file or directory|' "$TMP/nobtf/dump.csv"
"$BIN" churn "$TMP/nobtf" "$FIX/b" --out "$TMP/nobtf-out" --plot none >"$TMP/nobtf.out" 2>&1
[ "$(awk -F, '$4 == "signature_changed" { print $5 "|" $6 }' "$TMP/nobtf-out/churn.csv")" = "|" ] &&
	grep -q 'no BTF for A: /sys/kernel/btf/vmlinux: No such file' "$TMP/nobtf.out"
ok $? "no BTF in A: signature_changed left empty, the report says why"
sed -i 's|^btf,.*|btf,vmlinux.btf,ok,1,x|' "$TMP/nobtf/dump.csv"
cp "$FIX/README.md" "$TMP/nobtf/vmlinux.btf"
if [ $nolibbpf -eq 1 ]; then
	skip "a vmlinux.btf that is not BTF: exit 2 naming it" "probecost was built without libbpf"
else
	out=$("$BIN" churn "$TMP/nobtf" "$FIX/b" --out "$TMP/badbtf" 2>&1)
	[ $? -eq 2 ] && printf '%s' "$out" | grep -q 'nobtf/vmlinux.btf: not raw BTF' &&
		[ ! -e "$TMP/badbtf" ]
	ok $? "a vmlinux.btf that is not BTF: exit 2 naming it, nothing written"
fi

wide=$(awk 'length > 72' "$TMP/ab/report.txt")
check "report.txt is the printed report, no line over 72 columns" \
	[ -z "$wide" -a -s "$TMP/ab/report.txt" ]
[ -z "$wide" ] || diag "$wide"
check "report.txt equals what was printed" cmp -s "$TMP/ab/report.txt" "$TMP/ab.out"
check "plot data, script and dumb rendering written" \
	[ -s "$TMP/ab/churn.dat" -a -s "$TMP/ab/churn.gp" -a -s "$TMP/ab/churn.txt" ]
check "churn.dat carries the two headline totals" \
	[ "$(awk '$1 == "static" || $1 == "dynamic" { printf "%s ", $NF }' "$TMP/ab/churn.dat")" = "571.429 750.000 " ]

# --no-source: inlined and removed fold into vanished
"$BIN" churn "$FIX/a" "$FIX/b" --out "$TMP/ns" --plot none --no-source >/dev/null 2>&1
check "--no-source: the three gone functions are 'vanished'" expect "$TMP/ns" dynamic \
	"inlined=0 removed=0 vanished=3 broken=9"

# MAP,EVENTS: B's events as a tracefs tree (its ftrace/ and kprobes/
# systems skipped); without ftrace list and blacklist the target rule
# falls back to text symbols, so now_bl and now_notrace are kept
"$BIN" churn "$FIX/a" "$FIX/b/System.map,$FIX/b-events" --out "$TMP/pair" \
	--plot none >"$TMP/pair.out" 2>&1
ok $? "churn a MAP,EVENTS exits 0"
check "MAP,EVENTS: the static side as from the dump" expect "$TMP/pair" static \
	"in_a=7 in_b=8 kept=3 format_changed=3 removed=1 added=2 field_removed=1
	 field_renamed=1 field_retyped=1 field_added=2"
check "MAP,EVENTS: the dynamic side under the fallback rule" expect "$TMP/pair" dynamic \
	"in_a=12 in_b=11 kept=5 renamed=4 unprobeable=0 inlined=0 removed=0
	 vanished=3 broken=7 added=6"
check "MAP,EVENTS: the report says which lists B lacks" \
	grep -q 'no ftrace: a System.map,events pair carries no ftrace.list' "$TMP/pair.out"

# the source index: file-scope names, macro-defined symbols, nothing
# indented, nothing from files that are not .c/.h/.S
mkdir -p "$TMP/si"
"$BIN" churn --index-source "$FIX/src" "$TMP/si" >/dev/null 2>&1
got=$(tr '\n' ' ' <"$TMP/si/source-defs.list")
want="COMPAT_SYSCALL_DEFINE1 EXPORT_SYMBOL SYM_FUNC_END SYM_FUNC_START SYSCALL_DEFINE3 __do_compat_sys_csample __do_sys_sample __ia32_compat_sys_csample __ia32_sys_sample __se_compat_sys_csample __se_sys_sample __x64_compat_sys_csample __x64_sys_sample compat_sys_csample entry_sample helper_calls sample_alloc sample_decl sample_init sample_inline sample_macro sample_wrap sys_sample xfs_style_def "
check "--index-source on a tree keeps exactly the file-scope names" [ "$got" = "$want" ]
[ "$got" = "$want" ] || diag "got: $got"
tar -C "$FIX" -cJf "$TMP/src.tar.xz" src
mkdir -p "$TMP/sx"
"$BIN" churn --index-source "$TMP/src.tar.xz" "$TMP/sx" >/dev/null 2>&1
check "--index-source on a .tar.xz gives the same index" \
	cmp -s "$TMP/si/source-defs.list" "$TMP/sx/source-defs.list"
check "--index-source: the macro index, callees of a body over continuation lines" \
	[ "$(grep '^sample_' "$TMP/si/source-macros.list" | tr '\n' '|')" = "sample_alloc sample_hooks sample_alloc_noprof|sample_macro|" ]
check "--index-source on a .tar.xz gives the same macro index" \
	cmp -s "$TMP/si/source-macros.list" "$TMP/sx/source-macros.list"
# static inline functions: the callees of a body over several lines, a
# signature over two, builtins left out; a declaration gives nothing
check "--index-source: the static inline index, callees of each body" \
	[ "$(tr '\n' '|' <"$TMP/si/source-wrappers.list")" = "sample_inline|sample_wrap sample_wrap_const sample_wrap_impl|" ]
check "--index-source on a .tar.xz gives the same static inline index" \
	cmp -s "$TMP/si/source-wrappers.list" "$TMP/sx/source-wrappers.list"
# a name gone from B's symbols that B's source has as a static inline
# wrapper: the first callee that is a kprobe target of B to use instead
cp -R "$FIX/b" "$TMP/bw"
printf 'cold_func cold_helper vfs_read\n' >"$TMP/bw/source-wrappers.list"
printf 'kprobe:cold_func\n' >"$TMP/wrap.list"
"$BIN" churn "$FIX/a" "$TMP/bw" --out "$TMP/wrap" --plot none --probes "$TMP/wrap.list" \
	>/dev/null 2>&1
check "a static inline wrapper's callee is what to use instead" \
	grep -q "inlined,.*as a static inline wrapper calling vfs_read, a kprobe target of B.*,vfs_read" \
	"$TMP/wrap/probes.csv"

# ---- bad inputs: exit 2 and the place named ----
cp -R "$FIX/a" "$TMP/badmap"
sed -i '3s/.*/ffffffff81000100 t/' "$TMP/badmap/System.map"
cp -R "$FIX/a" "$TMP/badev"
sed -i '3s/,16,8,1$/,sixteen,8,1/' "$TMP/badev/events.csv"
cp -R "$FIX/b-events" "$TMP/badfmt"
sed -i 's/offset:8;/offset8;/' "$TMP/badfmt/sched/sched_switch/format"
mkdir "$TMP/empty"
printf 'ffffffffffffffff B The real System.map is in the linux-image-<version>-dbg package\n' >"$TMP/stub.map"
printf '# ok\nkprobe:vfs_read\nuprobe:/bin/sh:main\n' >"$TMP/p-type"
printf 'kprobe:vfs_read+4\n' >"$TMP/p-off"
printf '\n\ntracepoint:sched\n' >"$TMP/p-tp"
printf '# nothing\n\n' >"$TMP/p-empty"
printf 'kprobe:mod:func\n' >"$TMP/p-mod"

n=0
while IFS='|' read -r frag args; do
	n=$((n + 1))
	# shellcheck disable=SC2086
	out=$("$BIN" churn $args --out "$TMP/bad$n" 2>&1 </dev/null)
	got=$?
	if [ $got -eq 2 ] && printf '%s' "$out" | grep -qF -- "$frag" && [ ! -e "$TMP/bad$n" ]; then
		ok 0 "bad input refused, exit 2: $frag"
	else
		ok 1 "bad input refused, exit 2: $frag"
		diag "churn $args -> exit $got: $out"
	fi
done <<EOF2
$TMP/badmap/System.map:3: expected 'ADDRESS TYPE NAME'|$TMP/badmap $FIX/b
$TMP/badev/events.csv:3: field 'prev_state' needs|$TMP/badev $FIX/b
sched_switch/format:9: expected 'field:TYPE NAME;|$FIX/a $FIX/b/System.map,$TMP/badfmt
$TMP/stub.map:1: this is Debian's stub System.map|$FIX/a $TMP/stub.map,$FIX/b-events
$TMP/empty: not a churn dump (no dump.csv|$TMP/empty $FIX/b
$TMP/p-type:3: probe type 'uprobe' is not covered|$FIX/a $FIX/b --probes $TMP/p-type
$TMP/p-off:1: 'kprobe:vfs_read+4': expected a function name|$FIX/a $FIX/b --probes $TMP/p-off
$TMP/p-tp:3: 'tracepoint:sched': expected tracepoint:SUBSYSTEM:EVENT|$FIX/a $FIX/b --probes $TMP/p-tp
$TMP/p-empty:2: no probes in the list|$FIX/a $FIX/b --probes $TMP/p-empty
$TMP/p-mod:1: 'kprobe:mod:func': a module's function, and A's dump has no module files|$FIX/a $FIX/b --probes $TMP/p-mod
$TMP/nosuch: cannot open the probe list|$FIX/a $FIX/b --probes $TMP/nosuch
'nosuch-kernel': not a dump directory, a MAP,EVENTS pair or a Debian kernel|nosuch-kernel $FIX/b
EOF2
ktap_finish
