#!/bin/sh
# probecost churn on the real Debian 6.1 and 6.12 kernels: both dumped in
# the QEMU guest once (scripts/churn-kernel.sh, cached under
# $PROBECOST_CACHE/churn/), then compared. Every category that real
# kernels must show is non-zero, every point of A lands in exactly one
# category, and the run time is reported (a figure, not an assertion).
. tests/ktap.sh

TMP=$(mktemp -d)
BIN=$(pwd)/$PROBECOST
FIX=$(pwd)/tests/fixtures/churn
trap 'rm -rf "$TMP"' EXIT

ktap_plan 12

# making the dumps (fetch, boot, index) is set-up, not the timed run
for s in 6.1 6.12; do
	rc=0
	scripts/churn-kernel.sh "$s" >"$TMP/k$s" 2>"$TMP/k$s.err" || rc=$?
	if [ $rc -eq 4 ]; then
		for i in 1 2 3 4 5 6 7 8 9 10 11; do
			skip "real 6.1 -> 6.12 churn $i" "the $s dump cannot be made here: $(tail -n1 "$TMP/k$s.err")"
		done
		ktap_finish
	fi
	if [ $rc -ne 0 ]; then
		diag "scripts/churn-kernel.sh $s failed, exit $rc:"
		diag "$(cat "$TMP/k$s.err")"
	fi
done

start=$(date +%s.%N)
"$BIN" churn 6.1 6.12 --out "$TMP/real" --probes "$FIX/common.list" >"$TMP/out" 2>&1
rc=$?
secs=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
ok $rc "churn 6.1 6.12 exits 0"
[ $rc -eq 0 ] || diag "$(cat "$TMP/out")"
diag "probecost churn 6.1 6.12 with cached dumps took ${secs} s (budget 30 s)"
sed -n '1,5p' "$TMP/out" | while IFS= read -r l; do diag "$l"; done

# the rules apply in full only when each dump has all its lists
missing=""
for s in 6.1 6.12; do
	d=$(sed -n 's/^DUMP=//p' "$TMP/k$s")
	for p in ftrace blacklist; do
		awk -F, -v p=$p '$1 == p && $3 == "ok" { f = 1 } END { exit !f }' "$d/dump.csv" 2>/dev/null ||
			missing="$missing $s:$p"
	done
	[ -s "$d/source-defs.list" ] || missing="$missing $s:source"
	[ -s "$d/source-macros.list" ] || missing="$missing $s:macros"
done
check "both dumps have ftrace list, kprobe blacklist and source index" [ -z "$missing" ]
[ -z "$missing" ] || diag "missing:$missing"

nonzero() {
	awk -F, -v s="$1" -v list="$2" 'BEGIN { n = split(list, c, " ") }
		$3 == s { v[$4] = $5 }
		END { for (i = 1; i <= n; i++) if (!(v[c[i]] > 0)) { print s " " c[i] " = " v[c[i]]; bad = 1 }
		      exit bad }' "$TMP/real/churn.csv"
}
out=$(nonzero static "in_a in_b kept format_changed removed added field_removed field_renamed field_retyped field_added")
ok $? "static: every category non-zero"
[ -z "$out" ] || diag "$out"
out=$(nonzero dynamic "in_a in_b kept renamed unprobeable inlined removed added renamed_isra renamed_constprop renamed_part")
ok $? "dynamic: every category non-zero"
[ -z "$out" ] || diag "$out"

check "every point of A is in exactly one category (kept + lost = in A)" \
	awk -F, '$3 != "side" { v[$3 "." $4] = $5 }
		END {
			s = v["static.kept"] + v["static.format_changed"] + v["static.removed"]
			d = v["dynamic.kept"] + v["dynamic.broken"]
			r = v["dynamic.renamed_isra"] + v["dynamic.renamed_constprop"] + v["dynamic.renamed_part"]
			r += v["dynamic.renamed_cold"] + v["dynamic.renamed_other"]
			exit !(s == v["static.in_a"] && d == v["dynamic.in_a"] && r == v["dynamic.renamed"])
		}' "$TMP/real/churn.csv"
check "the sample probe list is judged, one row per probe" \
	[ "$(($(wc -l <"$TMP/real/probes.csv") - 1))" -eq 22 ]
# 6.10's allocation profiling made kmem_cache_alloc a macro around
# kmem_cache_alloc_noprof: the replacement is named, from B's source
printf 'kprobe:kmem_cache_alloc\n' >"$TMP/noprof.list"
"$BIN" churn 6.1 6.12 --out "$TMP/noprof" --plot none --probes "$TMP/noprof.list" >/dev/null 2>&1
check "a *_noprof macro rename: kmem_cache_alloc -> use kmem_cache_alloc_noprof" \
	python3 -c 'import csv, sys; sys.exit(not any(r["probe"] == "kprobe:kmem_cache_alloc" and r["status"] == "breaks" and r["use_instead"] == "kmem_cache_alloc_noprof" for r in csv.DictReader(open(sys.argv[1]))))' "$TMP/noprof/probes.csv"
# signatures from both dumps' BTF: a kept target whose parameters
# changed is reported with both prototypes (SIG_FN below, from the
# 6.1.0-57 -> 6.12.117 run in docs/churn.md)
nobtf=""
for s in 6.1 6.12; do
	d=$(sed -n 's/^DUMP=//p' "$TMP/k$s")
	awk -F, '$1 == "btf" && $3 == "ok" { f = 1 } END { exit !f }' "$d/dump.csv" 2>/dev/null ||
		nobtf="$nobtf $s"
done
if [ -n "$nobtf" ]; then
	skip "signature_changed: a known change reported with both prototypes" \
		"no vmlinux.btf in the dump of$nobtf (made before BTF was dumped: scripts/churn-kernel.sh makes it again)"
elif grep -q 'built without libbpf' "$TMP/out"; then
	skip "signature_changed: a known change reported with both prototypes" \
		"probecost was built without libbpf"
else
	SIG_FN=do_mmap	# 6.1 -> 6.12: vm_flags inserted before pgoff, which moved from arg6 to arg7
	python3 - "$TMP/real" "$SIG_FN" >"$TMP/py" 2>&1 <<'PY'
import csv, sys
d, fn = sys.argv[1], sys.argv[2]
n = {r['category']: r['count'] for r in csv.DictReader(open(d + '/churn.csv')) if r['side'] == 'dynamic'}
it = [r for r in csv.DictReader(open(d + '/items.csv')) if r['category'] == 'signature_changed']
hit = [r for r in it if r['name'] == fn and ' -> ' in r['detail'] and r['detail'].count(fn + '(') == 2]
bad = not hit or not int(n['signature_changed']) == len(it) or not 0 < len(it) < int(n['signature_compared'])
print('signature_changed', n['signature_changed'], 'of', n['signature_compared'], 'compared;', hit[0]['detail'] if hit else fn + ' not reported')
sys.exit(bad)
PY
	ok $? "signature_changed: $SIG_FN reported with both prototypes, counts agree with items.csv"
	diag "$(cat "$TMP/py")"
fi
sed -n '/^Probe list/,/^Files/p' "$TMP/out" | while IFS= read -r l; do diag "$l"; done

# modules: read from the image's .ko files by scripts/churn-kernel.sh
nomod=""
for s in 6.1 6.12; do
	d=$(sed -n 's/^DUMP=//p' "$TMP/k$s")
	[ -s "$d/modules.csv" ] || nomod="$nomod $s"
done
if [ -n "$nomod" ]; then
	for t in "modules: counted apart" "modules: ext4 function and event ok" "modules: fuse built in" \
		"modules: signatures from their BTF"; do
		skip "$t" "no modules.csv in the dump of$nomod (no module tree in the image cache)"
	done
	ktap_finish
fi
check "modules: churn.csv gives vmlinux and modules apart, adding up to the totals" \
	awk -F, '$3 != "side" { v[$3 "." $4] = $5 }
		END {
			for (i = 1; i <= 2; i++) {
				s = i == 1 ? "static" : "dynamic"
				if (v[s ".in_a"] != v[s "_vmlinux.in_a"] + v[s "_modules.in_a"] ||
				    v[s ".broken"] != v[s "_vmlinux.broken"] + v[s "_modules.broken"] ||
				    !(v[s "_modules.in_a"] > 0))
					bad = 1
			}
			exit bad
		}' "$TMP/real/churn.csv"
# ext4 is a module in both Debian configs (CONFIG_EXT4_FS=m); fuse is a
# module in 6.1 and built in in 6.12 (CONFIG_FUSE_FS=y): a probe on
# fuse:FN no longer attaches, one on the bare name still does
printf '%s\n' kprobe:ext4:ext4_file_read_iter tracepoint:ext4:ext4_sync_file_enter \
	kprobe:fuse:fuse_file_read_iter kprobe:fuse_file_read_iter >"$TMP/mod.list"
"$BIN" churn 6.1 6.12 --out "$TMP/mod" --plot none --probes "$TMP/mod.list" >"$TMP/mod.out" 2>&1
# verdict PROBE STATUS CATEGORY USE_INSTEAD MODULE: that probe's row of probes.csv
verdict() {
	python3 -c '
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1])) if r["probe"] == sys.argv[2]]
got = [rows[0][k] for k in ("status", "category", "use_instead", "module")] if rows else None
if got != sys.argv[3:]:
    print(sys.argv[2], got)
sys.exit(got != sys.argv[3:])' "$TMP/mod/probes.csv" "$@"
}
ext4_ok() {
	verdict kprobe:ext4:ext4_file_read_iter ok "" "" ext4 &&
		verdict tracepoint:ext4:ext4_sync_file_enter ok "" "" ext4
}
check "modules: an ext4 function and an ext4 event are ok on both kernels, in module ext4" ext4_ok
# and stap's module("fuse") form is bound to the module as bpftrace's is
printf 'probe module("fuse").function("fuse_file_read_iter") { }\n' >"$TMP/mod.stp"
"$BIN" churn 6.1 6.12 --out "$TMP/modstp" --plot none --probes "$TMP/mod.stp" >/dev/null 2>&1
fuse_moved() {
	verdict kprobe:fuse:fuse_file_read_iter breaks moved fuse_file_read_iter fuse &&
		verdict kprobe:fuse_file_read_iter ok "" "" fuse &&
		grep -q '^[^,]*,[^,]*,"module(""fuse"").function(""fuse_file_read_iter"")",breaks,moved,' \
			"$TMP/modstp/probes.csv"
}
check "modules: kprobe:fuse:fuse_file_read_iter and stap's module(\"fuse\") form break (moved: fuse built in in 6.12), the bare name is ok" fuse_moved
# each module's own BTF (split on vmlinux's): 8021q's
# vlan_ethtool_get_ts_info takes a struct kernel_ethtool_ts_info in 6.12
mod_sig() {
	python3 - "$TMP/real" <<'PY'
import csv, sys
d = sys.argv[1]
n = {r['side'] + '.' + r['category']: r['count'] for r in csv.DictReader(open(d + '/churn.csv'))}
it = [r for r in csv.DictReader(open(d + '/items.csv'))
      if r['category'] == 'signature_changed' and r['name'] == '8021q:vlan_ethtool_get_ts_info']
ok = (it and 'struct ethtool_ts_info *info) -> ' in it[0]['detail'] and
      'struct kernel_ethtool_ts_info *info)' in it[0]['detail'] and it[0]['module'] == '8021q' and
      int(n['dynamic_modules.signature_compared'] or 0) > 0 and
      int(n['dynamic.signature_changed']) == int(n['dynamic_vmlinux.signature_changed']) +
      int(n['dynamic_modules.signature_changed']))
if not ok:
    print(it[:1], {k: v for k, v in n.items() if 'signature' in k})
sys.exit(0 if ok else 1)
PY
}
check "modules: signatures from each module's BTF (8021q:vlan_ethtool_get_ts_info's changed), vmlinux + modules = total" mod_sig
ktap_finish
