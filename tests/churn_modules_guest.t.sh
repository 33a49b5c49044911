#!/bin/sh
# The module facts churn reads statically from .ko files, against what
# the live kernel says once the modules are loaded: six modules of each
# Debian image, 6.1 (.ko) and 6.12 (.ko.xz, decompressed here for
# busybox's insmod) -- ext4 with jbd2, mbcache and crc16; kvm with
# irqbypass -- are insmod'ed in the QEMU guest, and their
# available_filter_functions, kallsyms text symbols, kprobe blacklist and
# tracefs events are compared with the dump's module files. One guest
# boot per kernel (about 30 s under TCG); a kernel whose guest or dump
# cannot be had is skipped.
. tests/ktap.sh

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

ktap_plan 12
names="ftrace text blacklist events formats"
# skip_kernel SERIES WHY: the five checks of one kernel, skipped
skip_kernel() {
	skip "$1: modules load in the guest" "$2"
	for n in $names; do skip "$1: static $n = live $n" "$2"; done
}

cat >"$TMP/in-guest.sh" <<'EOF'
for m in irqbypass kvm crc16 mbcache jbd2 ext4; do
	if err=$(insmod /lib/$m.ko 2>&1); then echo "$m ok"; else echo "$m: $err"; fi
done >/out/insmod.txt
mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null
mount -t debugfs nodev /sys/kernel/debug 2>/dev/null
grep '\[' /sys/kernel/tracing/available_filter_functions >/out/ftrace.txt
grep '\[' /proc/kallsyms >/out/kallsyms.txt
grep '\[' /sys/kernel/debug/kprobes/blacklist >/out/blacklist.txt
for s in ext4 jbd2 kvm kvmmmu; do ls /sys/kernel/tracing/events/$s 2>/dev/null | sed "s/^/$s:/"; done >/out/events.txt
for s in ext4 jbd2 kvm kvmmmu; do
	for f in /sys/kernel/tracing/events/$s/*/format; do
		[ -f "$f" ] || continue
		e=${f%/format}
		sed -n "s/^[[:space:]]*field:/$s:${e##*/} /p" "$f"
	done
done >/out/formats.txt
EOF

# compare DUMP GUEST-OUT: the static sets and the live ones, for these modules
compare() {
	python3 - "$1" "$2" <<'PY'
import collections, csv, sys
dump, g = sys.argv[1], sys.argv[2]
mods = {'irqbypass', 'kvm', 'crc16', 'mbcache', 'jbd2', 'ext4'}
st = {'ftrace': set(), 'text': set(), 'blacklist': set(), 'events': set()}
for r in csv.DictReader(open(dump + '/module-functions.csv')):
    if r['module'] in mods:
        k = r['module'] + ':' + r['function']
        st['text'].add(k)
        if r['ftrace'] == '1':
            st['ftrace'].add(k)
        if r['blacklisted'] == '1':
            st['blacklist'].add(k)
for r in csv.DictReader(open(dump + '/module-events.csv')):
    if r['module'] in mods:
        st['events'].add(r['system'] + ':' + r['event'])
live = {k: set() for k in st}
for l in open(g + '/ftrace.txt'):
    p = l.split()
    # placeholders of discarded functions, as the vmlinux dump drops them
    if len(p) == 2 and not p[0].startswith('__ftrace_invalid_address__'):
        live['ftrace'].add(p[1].strip('[]') + ':' + p[0])
for l in open(g + '/kallsyms.txt'):
    p = l.split()
    if len(p) == 4 and p[1] in 'tTwW' and not p[2].startswith(('__pfx_', '__cfi_')):
        live['text'].add(p[3].strip('[]') + ':' + p[2])
for l in open(g + '/blacklist.txt'):
    p = l.split()
    # 6.12 blacklists a function's __pfx_ padding too: no function, as in the vmlinux rules
    if len(p) == 3 and not p[1].startswith(('__pfx_', '__cfi_')):
        live['blacklist'].add(p[2].strip('[]') + ':' + p[1])
# "sys:ev char comm[16]; offset:8; size:16; signed:0;" -> (field, type, offset, size, signed),
# the type written as churn_load.c's split_decl() writes it (char[16])
def field(decl, rest):
    decl = decl.strip()
    dim = ''
    if decl.endswith(']'):
        decl, dim = decl[:decl.rindex('[')], decl[decl.rindex('['):]
    i = len(decl)
    while i and (decl[i - 1].isalnum() or decl[i - 1] == '_'):
        i -= 1
    v = dict(x.strip().split(':') for x in rest.split(';') if ':' in x)
    typ = decl[:i].strip() + dim
    signed = v['signed'] if '[' not in typ else 'x'   # an array's sign is not compared
    return (decl[i:], typ, v['offset'], v['size'], signed)
st['formats'] = set()
for r in csv.DictReader(open(dump + '/module-events.csv')):
    if r['module'] in mods and r.get('format') == '1' and r['field']:
        signed = r['signed'] if '[' not in r['type'] else 'x'
        st['formats'].add((r['system'] + ':' + r['event'], r['field'], r['type'], r['offset'], r['size'], signed))
live['formats'] = set()
for l in open(g + '/formats.txt'):
    ev, rest = l.split(' ', 1)
    decl, more = rest.split(';', 1)
    f = field(decl, more)
    if not f[0].startswith('common_'):
        live['formats'].add((ev,) + f)
for l in open(g + '/events.txt'):
    e = l.strip()
    if not e.endswith((':enable', ':filter')):
        live['events'].add(e)
for k in st:
    only_s, only_l = st[k] - live[k], live[k] - st[k]
    # kallsyms also lists assembly labels (kvm's em_* fastops): not
    # functions in the symbol table, and without an fentry site
    labels = {x for x in only_l if x not in live['ftrace']} if k == 'text' else set()
    only_l -= labels
    print('%s %d %d %s %s%s' % (k, len(st[k]), len(live[k]), sorted(only_s)[:5], sorted(only_l)[:5],
                                ' (and %d labels without an fentry site only live)' % len(labels) if labels else ''))
PY
}

# dependencies first, as modprobe would load them (.modinfo depends=)
order="virt/lib/irqbypass arch/x86/kvm/kvm lib/crc16 fs/mbcache fs/jbd2/jbd2 fs/ext4/ext4"
for s in 6.1 6.12; do
	rc=0
	scripts/churn-kernel.sh $s >"$TMP/k" 2>"$TMP/k.err" || rc=$?
	if [ $rc -ne 0 ]; then
		skip_kernel $s "the $s dump cannot be made here: $(tail -n1 "$TMP/k.err")"
		continue
	fi
	dump=$(sed -n 's/^DUMP=//p' "$TMP/k")
	kver=$(sed -n 's/^KVER=//p' "$TMP/k")
	if [ ! -s "$dump/modules.csv" ]; then
		skip_kernel $s "the $s dump has no module files (no module tree in the image cache)"
		continue
	fi
	mods="$(scripts/kernel-fetch.sh $s | sed -n 's/^KROOT=//p')/lib/modules/$kver/kernel"
	files=""
	mkdir -p "$TMP/ko$s"
	for m in $order; do
		b=$(basename "$m")
		if [ -f "$mods/$m.ko" ]; then
			cp "$mods/$m.ko" "$TMP/ko$s/$b.ko"
		elif [ -f "$mods/$m.ko.xz" ]; then
			xz -dc "$mods/$m.ko.xz" >"$TMP/ko$s/$b.ko" || break
		else
			break
		fi
		files="$files --file $TMP/ko$s/$b.ko:/lib/$b.ko"
	done
	if [ ! -s "$TMP/ko$s/ext4.ko" ]; then
		skip_kernel $s "the six modules are not all in the $s image (or xz is missing)"
		continue
	fi
	rc=0
	# shellcheck disable=SC2086 # $files is a list of options
	sh scripts/guest.sh --kernel $s --no-module --timeout 400 --mem 1024 \
		--script "$TMP/in-guest.sh" $files --out "$TMP/g$s" >"$TMP/g.log" 2>&1 || rc=$?
	if [ $rc -eq 4 ]; then
		skip_kernel $s "the guest cannot run here: $(tail -n1 "$TMP/g.log")"
		continue
	fi
	check "$s: modules load in the guest (insmod of all six)" \
		[ "$(grep -c ' ok$' "$TMP/g$s/insmod.txt" 2>/dev/null)" = 6 ]
	[ -s "$TMP/g$s/insmod.txt" ] && diag "$(tr '\n' ' ' <"$TMP/g$s/insmod.txt")"
	compare "$dump" "$TMP/g$s" >"$TMP/cmp" 2>&1
	for n in $names; do
		line=$(grep "^$n " "$TMP/cmp")
		check "$s: static $n = live $n (six modules)" sh -c "echo '$line' | grep -q '\[\] \[\]'"
		diag "$n: static, live, only static, only live: ${line#* }"
	done
	grep -v '^[a-z]* [0-9]' "$TMP/cmp" | while IFS= read -r l; do diag "$l"; done
done
ktap_finish
