#!/bin/sh
# Modules in `probecost churn`: --dump-modules reads a module's facts from
# its ELF file (a tiny module-shaped object built here with gcc's fentry
# and __mcount_loc), and a dump with module files counts and judges
# module functions and events (fixture dumps with module files written
# below, not taken from any kernel).
. tests/ktap.sh

TMP=$(mktemp -d)
BIN=$(pwd)/$PROBECOST
FIX=$(pwd)/tests/fixtures/churn
trap 'rm -rf "$TMP"' EXIT

ktap_plan 20

# ---- the ELF reader, on a module built here ----
# What each definition stands for in a kernel module: .modinfo's name=,
# a traced function (fentry call, __mcount_loc entry), a notrace one, an
# __init one (freed after loading), a __kprobes one (.kprobes.text), a
# NOKPROBE_SYMBOL one (_kprobe_blacklist), and two TRACE_EVENTs of two
# systems: event_NAME.class->system, as trace_events.h lays them out.
cat >"$TMP/tiny.c" <<'EOF'
struct trace_event_class { const char *system; void *probe; };
struct trace_event_call { void *next, *prev; struct trace_event_class *class; const char *name; };
#ifndef NO_MODINFO
static const char mod_name[] __attribute__((section(".modinfo"), used, aligned(1))) = "name=tiny_mod";
#endif
void tiny_traced(void) { __asm__ volatile(""); }
__attribute__((no_instrument_function)) void tiny_notrace(void) { __asm__ volatile(""); }
__attribute__((section(".init.text"))) int tiny_init(void) { return 0; }
__attribute__((section(".kprobes.text"))) void tiny_kprobes_text(void) { __asm__ volatile(""); }
void tiny_nokprobe(void) { __asm__ volatile(""); }
static void *const tiny_bl[] __attribute__((section("_kprobe_blacklist"), used)) = { (void *)tiny_nokprobe };
static const char str__tiny__trace_system_name[] = "tiny";
static const char str__tiny_two__trace_system_name[] = "tiny-two";
static struct trace_event_class trace_event_class_one = { .system = str__tiny__trace_system_name };
static struct trace_event_class trace_event_class_two = { .system = str__tiny_two__trace_system_name };
static struct trace_event_call event_tiny_start = { .class = &trace_event_class_one };
static struct trace_event_call event_tiny_stop = { .class = &trace_event_class_two };
static struct trace_event_call *p_start __attribute__((section("_ftrace_events"), used)) = &event_tiny_start;
static struct trace_event_call *p_stop __attribute__((section("_ftrace_events"), used)) = &event_tiny_stop;
EOF
mkdir -p "$TMP/mods/kernel/fs" "$TMP/mods/kernel/drivers"
if ! gcc -c -O2 -pg -mfentry -mrecord-mcount -o "$TMP/mods/kernel/fs/tiny-mod.ko" "$TMP/tiny.c" 2>"$TMP/cc.err"; then
	for i in 1 2 3 4 5 6 7 8; do
		skip "module reader $i" "gcc cannot build an fentry object here: $(head -n1 "$TMP/cc.err")"
	done
	have_ko=0
else
	have_ko=1
fi
if [ $have_ko -eq 1 ]; then
	gcc -c -O2 -pg -mfentry -mrecord-mcount -DNO_MODINFO -o "$TMP/mods/kernel/drivers/other-mod.ko" "$TMP/tiny.c"
	printf 'not an ELF file\n' >"$TMP/mods/kernel/drivers/broken.ko"
	"$BIN" churn --dump-modules "$TMP/mods/kernel" "$TMP/md" >"$TMP/md.out" 2>&1
	ok $? "--dump-modules exits 0 with one unreadable module among them"
	fn() { grep -qx "$1" "$TMP/md/module-functions.csv"; }
	check "module name from .modinfo (tiny_mod, file tiny-mod.ko), else the file name (other_mod)" \
		sh -c "grep -q '^tiny_mod,fs/tiny-mod.ko,ok,' '$TMP/md/modules.csv' && grep -q '^other_mod,drivers/other-mod.ko,ok,' '$TMP/md/modules.csv'"
	check "a traced function has its fentry site (__mcount_loc), a notrace one none" \
		sh -c "grep -qx 'tiny_mod,tiny_traced,1,0' '$TMP/md/module-functions.csv' && grep -qx 'tiny_mod,tiny_notrace,0,0' '$TMP/md/module-functions.csv'"
	check "_kprobe_blacklist and .kprobes.text functions are blacklisted" \
		sh -c "grep -qx 'tiny_mod,tiny_nokprobe,1,1' '$TMP/md/module-functions.csv' && grep -qx 'tiny_mod,tiny_kprobes_text,1,1' '$TMP/md/module-functions.csv'"
	check "an __init function is left out (freed after loading) and counted" \
		sh -c "! grep -q tiny_init '$TMP/md/module-functions.csv' && grep -q '^tiny_mod,.*,1 .init functions left out' '$TMP/md/modules.csv'"
	check "events with the system each event's class names (two systems in one module)" \
		sh -c "grep -q '^tiny_mod,tiny,tiny_start,' '$TMP/md/module-events.csv' && grep -q '^tiny_mod,tiny-two,tiny_stop,' '$TMP/md/module-events.csv'"
	check "an unreadable module is a row saying why, not a failed dump" \
		grep -q '^,drivers/broken.ko,unreadable,0,0,0,0,.*not an ELF' "$TMP/md/modules.csv"
	if command -v xz >/dev/null; then
		mkdir -p "$TMP/xz/kernel"
		xz -c "$TMP/mods/kernel/fs/tiny-mod.ko" >"$TMP/xz/kernel/tiny-mod.ko.xz"
		"$BIN" churn --dump-modules "$TMP/xz/kernel" "$TMP/mdxz" >/dev/null 2>&1
		for f in module-functions module-events; do
			grep '^tiny_mod,' "$TMP/md/$f.csv" >"$TMP/ko-$f"
			grep '^tiny_mod,' "$TMP/mdxz/$f.csv" >"$TMP/xz-$f" 2>/dev/null
		done
		check "a .ko.xz (liblzma) gives what the .ko gives" \
			sh -c "cmp -s '$TMP/ko-module-functions' '$TMP/xz-module-functions' &&
			       cmp -s '$TMP/ko-module-events' '$TMP/xz-module-events'"
	else
		skip "a .ko.xz (liblzma) gives what the .ko gives" "no xz to compress the fixture"
	fi
fi

rc=0
mkdir -p "$TMP/empty"
"$BIN" churn --dump-modules "$TMP/empty" "$TMP/md2" >"$TMP/e.out" 2>&1 || rc=$?
check "--dump-modules on a folder without modules: exit 2 saying so" \
	sh -c "[ $rc -eq 2 ] && grep -q 'no .ko or .ko.xz files' '$TMP/e.out'"

# modules that are all unreadable are not a dump: exit 2, nothing kept
rc=0
mkdir -p "$TMP/junk/kernel"
echo garbage >"$TMP/junk/kernel/a.ko"
echo junk >"$TMP/junk/kernel/b.ko"
"$BIN" churn --dump-modules "$TMP/junk" "$TMP/md3" >"$TMP/j.out" 2>&1 || rc=$?
check "--dump-modules where no module reads: exit 2 naming the first cause, no file left" \
	sh -c "[ $rc -eq 2 ] && grep -q 'none of its 2 modules could be read (the first: .*a.ko: not an ELF file)' '$TMP/j.out' &&
	       [ -z \"\$(ls -A '$TMP/md3')\" ]"

# ---- counting and judging, on the fixture dumps with module files ----
cp -R "$FIX/a" "$TMP/a"
cp -R "$FIX/b" "$TMP/b"
# A: mymod has mod_func (kept), mod_gone (removed), mod_moved (in
# othermod in B), mod_quiet (no fentry site: not a target); three
# events: one kept, one whose pid became a long in B, one removed.
cat >"$TMP/a/modules.csv" <<'EOF'
module,file,status,functions,ftrace,blacklisted,events,detail
mymod,fs/mymod.ko,ok,4,3,0,2,
EOF
cat >"$TMP/a/module-functions.csv" <<'EOF'
module,function,ftrace,blacklisted
mymod,mod_func,1,0
mymod,mod_gone,1,0
mymod,mod_moved,1,0
mymod,mod_quiet,0,0
EOF
cat >"$TMP/a/module-events.csv" <<'EOF'
module,system,event,format,field,type,offset,size,signed
mymod,mymod,mod_event,1,pid,int,8,4,1
mymod,mymod,mod_event_fmt,1,pid,int,8,4,1
mymod,mymod,mod_event_gone,1,,,,,
EOF
cat >"$TMP/b/modules.csv" <<'EOF'
module,file,status,functions,ftrace,blacklisted,events,detail
mymod,fs/mymod.ko,ok,2,2,0,1,
othermod,fs/othermod.ko,ok,1,1,0,0,
EOF
cat >"$TMP/b/module-functions.csv" <<'EOF'
module,function,ftrace,blacklisted
mymod,mod_func,1,0
mymod,mod_new,1,0
othermod,mod_moved,1,0
EOF
cat >"$TMP/b/module-events.csv" <<'EOF'
module,system,event,format,field,type,offset,size,signed
mymod,mymod,mod_event,1,pid,int,8,4,1
mymod,mymod,mod_event_fmt,1,pid,long,8,8,1
EOF
cat >"$TMP/mods.list" <<'EOF'
kprobe:mymod:mod_func
kprobe:mod_func
kprobe:mymod:mod_moved
kprobe:mod_moved
kprobe:mymod:mod_*
tracepoint:mymod:mod_event
tracepoint:mymod:mod_event_gone
tracepoint:mymod:mod_event_fmt
kprobe:mymod:nosuch
EOF
"$BIN" churn "$TMP/a" "$TMP/b" --out "$TMP/o" --plot none --probes "$TMP/mods.list" >"$TMP/o.out" 2>&1
rc=$?
ok $rc "churn with module files on both sides exits 0"
[ $rc -eq 0 ] || diag "$(cat "$TMP/o.out")"
python3 - "$TMP/o" >"$TMP/py" 2>&1 <<'PY'
import csv, sys
d = sys.argv[1]
n = {}
for r in csv.DictReader(open(d + '/churn.csv')):
    n[(r['side'], r['category'])] = r['count']
def v(s, c): return int(n[(s, c)])
bad = []
for side in ('static', 'dynamic'):
    for c in ('in_a', 'in_b', 'kept', 'broken', 'added'):
        if v(side, c) != v(side + '_vmlinux', c) + v(side + '_modules', c):
            bad.append('%s %s: total is not vmlinux + modules' % (side, c))
    for s in (side, side + '_vmlinux', side + '_modules'):
        if v(s, 'kept') + v(s, 'broken') != v(s, 'in_a'):
            bad.append(s + ': kept + broken != in_a')
want = {('dynamic_modules', 'in_a'): 3, ('dynamic_modules', 'kept'): 1,
        ('dynamic_modules', 'moved'): 1, ('dynamic_modules', 'broken'): 2,
        ('dynamic_modules', 'added'): 2, ('static_modules', 'in_a'): 3,
        ('static_modules', 'kept'): 1, ('static_modules', 'removed'): 1,
        ('static_modules', 'format_changed'): 1, ('static_modules', 'field_retyped'): 1}
for k, w in want.items():
    if v(*k) != w:
        bad.append('%s %s = %s, want %s' % (k[0], k[1], n[k], w))
if n[('dynamic_modules', 'signature_changed')] != '':
    bad.append('a module signature counted without module BTF')
if bad:
    print('\n'.join(bad))
sys.exit(1 if bad else 0)
PY
ok $? "churn.csv: vmlinux and modules apart and together, each adding up"
[ -s "$TMP/py" ] && diag "$(cat "$TMP/py")"
# module files without module-btf/ (an older dump): the empty signature
# counts above are said, not silent
if grep -q 'built without libbpf' "$TMP/o/report.txt"; then
	skip "module files without module BTF: the report says module signatures were not compared" \
		"probecost was built without libbpf: no BTF is read at all, and the report says that instead"
else
	check "module files without module BTF: the report says module signatures were not compared" \
		sh -c "tr '\n' ' ' <'$TMP/o/report.txt' | tr -s ' ' | grep -q 'no module BTF (module files made before module-btf/ was kept): module signatures not compared'"
fi
verdict() {
	python3 -c '
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1])) if r["probe"] == sys.argv[2]]
want = sys.argv[3:]
got = [rows[0][k] for k in ("status", "category", "use_instead", "module")] if rows else None
sys.exit(got != want)' "$TMP/o/probes.csv" "$@"
}
check "kprobe:mymod:mod_func: ok, in module mymod" verdict kprobe:mymod:mod_func ok "" "" mymod
check "kprobe:mod_func (bare name of a module function): ok, in module mymod" \
	verdict kprobe:mod_func ok "" "" mymod
check "kprobe:mymod:mod_moved: breaks (moved), use othermod:mod_moved" \
	verdict kprobe:mymod:mod_moved breaks moved othermod:mod_moved mymod
events_ok() {
	verdict tracepoint:mymod:mod_event ok "" "" mymod &&
		verdict tracepoint:mymod:mod_event_gone breaks removed "none found" mymod &&
		verdict tracepoint:mymod:mod_event_fmt format_changed format_changed "" mymod
}
check "module events: mod_event ok, mod_event_fmt format_changed (pid retyped), mod_event_gone breaks, in module mymod" events_ok
check "kprobe:mymod:mod_* expands to mymod's targets of A (3), mod_quiet not among them" \
	[ "$(awk -F, '$2 == 5' "$TMP/o/probes.csv" | grep -c ',kprobe:mymod:mod_[a-z]*,')" -eq 3 ]
printf 'probe module("mymod").function("mod_func").return { }\n' >"$TMP/m.stp"
"$BIN" churn "$TMP/a" "$TMP/b" --out "$TMP/ostp" --plot none --probes "$TMP/m.stp" >/dev/null 2>&1
check "stap module(\"mymod\").function(\"mod_func\").return: judged ok, in module mymod" \
	grep -q '"module(""mymod"").function(""mod_func"").return",ok,.*,mymod$' "$TMP/ostp/probes.csv"

# module files written before formats were read: events by name only
cp -R "$TMP/a" "$TMP/a3"
printf 'module,system,event\nmymod,mymod,mod_event\nmymod,mymod,mod_event_fmt\n' >"$TMP/a3/module-events.csv"
printf 'tracepoint:mymod:mod_event_fmt\n' >"$TMP/fmt.list"
"$BIN" churn "$TMP/a3" "$TMP/b" --out "$TMP/o3" --plot none --probes "$TMP/fmt.list" >/dev/null 2>&1
check "module-events.csv without formats (an older cache): compared by name, and said so" \
	grep -q 'tracepoint:mymod:mod_event_fmt,ok,,.*compared by name' "$TMP/o3/probes.csv"
ktap_finish
