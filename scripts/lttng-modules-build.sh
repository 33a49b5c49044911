#!/bin/sh
# Build LTTng's kernel tracer (lttng-modules) for one guest kernel.
#
#   scripts/lttng-modules-build.sh [--fresh] KDIR [SYSTEM_MAP]
#
# The source is Debian's: lttng-modules-dkms, fetched with
# `apt-get download` into cache/lttng-modules/ (git-ignored, reused) and
# unpacked there once. Per kernel release (KDIR is a linux-headers tree,
# as for scripts/kmod-build.sh) it is copied to
# cache/lttng-modules/<version>/<release>/tree and built with kbuild,
# first as shipped; only when that fails are the patches in
# scripts/lttng-modules/*.patch applied to that copy (never to the
# unpacked source) and the build resumed. The result:
#
#   .../<release>/root/lib/modules/<release>/extra/...  the modules,
#       debug info stripped, and probecost's own LTTng probe (kmod/lttng/,
#       extra/probecost/lttng-probe-probecost.ko), with modules.dep from
#       `depmod -b` (SYSTEM_MAP, the kernel's, lets depmod check the
#       kernel symbols they use)
#   .../<release>/status   one line, the tool-breakage record for meta.csv:
#       lttng_modules=2.13.9-1+deb12u1;kernel=6.1.0-57-amd64;as_shipped=failed:FILES;result=patched:PATCH(FILE +A -D)
#       result is ok (built as shipped), patched, or unsupported:REASON
#
# Prints LTTNG_ROOT=<dir holding lib/modules> and LTTNG_STATUS=<status
# line> on the last two lines; exit 0 when modules were built, 3 when
# this lttng-modules cannot be built for the kernel (the status says
# why), 1 on other errors (no headers, no archive). A build newer than
# the package, the patches and the kernel tree's Makefile and .config is
# reused as is (a from-scratch build took 4.5 min on 2 PUs); --fresh
# rebuilds. JOBS (default 2) is make's -j.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
cache=${PROBECOST_CACHE:-$top/cache}/lttng-modules
patches=$top/scripts/lttng-modules
fresh=0
[ "${1:-}" = "--fresh" ] && { fresh=1; shift; }
kdir=${1:-}
sysmap=${2:-}
jobs=${JOBS:-2}

die() {
	echo "lttng-modules-build: $*" >&2
	exit 1
}
[ -n "$kdir" ] || { sed -n '2,/^set -eu/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }
[ -f "$kdir/Makefile" ] || die "no kernel build tree at $kdir (scripts/kernel-fetch.sh SERIES --headers installs it)"
command -v depmod >/dev/null 2>&1 || die "depmod not found: apt-get install kmod"
command -v patch >/dev/null 2>&1 || die "patch not found: apt-get install patch"

# the release name, as scripts/kmod-build.sh finds it
rel=$(basename "$(cd "$kdir" && pwd -P)")
case "$rel" in
linux-headers-*) rel=${rel#linux-headers-} ;;
*) rel=$(cat "$kdir/include/config/kernel.release" 2>/dev/null || echo "$rel") ;;
esac

# ---- the package: fetched once, unpacked once ----
mkdir -p "$cache/debs"
deb=$(ls "$cache"/debs/lttng-modules-dkms_*.deb 2>/dev/null | tail -n1 || true)
if [ -z "$deb" ]; then
	# apt's sandbox user cannot write into root's cache: download in a tmp dir
	dl=$(mktemp -d "${TMPDIR:-/tmp}/lttng-modules-dl.XXXXXX")
	chmod 0777 "$dl"
	( cd "$dl" && apt-get download -q lttng-modules-dkms >/dev/null 2>&1 ) ||
		{ rm -rf "$dl"; die "apt-get download lttng-modules-dkms failed: check the network and the apt sources (Debian bookworm)"; }
	mv "$dl"/lttng-modules-dkms_*.deb "$cache/debs/"
	rm -rf "$dl"
	deb=$(ls "$cache"/debs/lttng-modules-dkms_*.deb | tail -n1)
fi
ver=$(dpkg-deb -f "$deb" Version) || die "cannot read $deb"
src=$cache/$ver/src
if [ ! -f "$src/Makefile" ]; then
	rm -rf "$src.tmp"
	mkdir -p "$src.tmp"
	dpkg-deb -x "$deb" "$src.tmp/x" || die "cannot unpack $deb"
	set -- "$src.tmp"/x/usr/src/lttng-modules-*
	[ -f "$1/Makefile" ] || die "$deb holds no usr/src/lttng-modules-*"
	rm -rf "$src"
	mv "$1" "$src"
	rm -rf "$src.tmp"
fi

out=$cache/$ver/$rel
root=$out/root
moddir=$root/lib/modules/$rel
status=$out/status

emit() {
	echo "LTTNG_ROOT=$root"
	echo "LTTNG_STATUS=$(cat "$status")"
}

# probecost's own LTTng probe (kmod/lttng/: for probecost.ko's trace
# event), built against the tree and staged with the modules; rebuilt
# alone (about 25 s) when its sources change
probe_src=$top/kmod/lttng
probe_ko=$moddir/extra/probecost/lttng-probe-probecost.ko
probe() {
	pb=$out/probe
	rm -rf "$pb"
	mkdir -p "$pb"
	for f in "$probe_src"/*; do ln -sf "$f" "$pb/$(basename "$f")"; done
	make -C "$kdir" M="$pb" LTTNG_TREE="$out/tree" \
		KBUILD_EXTRA_SYMBOLS="$out/tree/Module.symvers" modules >"$out/probe.log" 2>&1 ||
		{ cat "$out/probe.log" >&2; die "building kmod/lttng against $out/tree failed (log: $out/probe.log)"; }
	mkdir -p "$(dirname "$probe_ko")"
	strip --strip-debug -o "$probe_ko" "$pb/lttng-probe-probecost.ko"
}
depmod_root() {
	if [ -n "$sysmap" ] && [ -r "$sysmap" ]; then
		depmod -b "$root" -F "$sysmap" "$rel" 2>"$out/depmod.log"
	else
		depmod -b "$root" "$rel" 2>"$out/depmod.log"
	fi || die "depmod -b $root failed (log: $out/depmod.log)"
}

# ---- up to date? ----
if [ $fresh -eq 0 ] && [ -f "$status" ] &&
	[ -z "$(find "$deb" "$patches" "$kdir/Makefile" "$kdir/.config" -newer "$status" 2>/dev/null)" ]; then
	case "$(cat "$status")" in *";result=unsupported"*) emit; exit 3 ;; esac
	if [ ! -f "$probe_ko" ] || [ -n "$(find "$probe_src" -newer "$probe_ko" 2>/dev/null)" ]; then
		probe
		depmod_root
	fi
	emit
	exit 0
fi

rm -rf "$out"
mkdir -p "$out"
cp -a "$src" "$out/tree"
tree=$out/tree
line="lttng_modules=$ver;kernel=$rel"

# the .c files kbuild failed on, from a log, relative to the tree: all
# of them in FAILED.files beside the log, up to 3 named on the status line
failed_files() {
	sed -n 's|^make\[[0-9]*\]: \*\*\* \[[^]]*:[0-9]*: \([^]]*\)\.o\] Error [0-9]*$|\1.c|p' "$1" |
		sed "s|^$tree/||" | sort -u >"${1%.log}.failed"
	k=$(grep -c . "${1%.log}.failed" || true)
	if [ "$k" -le 3 ]; then
		tr '\n' ' ' <"${1%.log}.failed" | sed 's/ $//; s/ /,/g'
	else
		echo "$k files ($(head -n1 "${1%.log}.failed") ...)"
	fi
}
build() {
	# -k: every file that fails shows in the log, not only the first
	make -C "$kdir" M="$tree" modules CONFIG_LTTNG=m -k -j"$jobs" >"$1" 2>&1
}

if build "$out/shipped.log"; then
	line="$line;as_shipped=ok;result=ok"
else
	bad=$(failed_files "$out/shipped.log")
	line="$line;as_shipped=failed:${bad:-?}"
	applied=""
	for p in "$patches"/*.patch; do
		[ -f "$p" ] || continue
		# what the patch changes, counted from its hunks: FILE +ADDED -REMOVED
		what=$(awk '/^\+\+\+ /{f=$2; sub(/^b\//, "", f)} /^\+[^+]/||/^\+$/{a++} /^-[^-]/||/^-$/{d++}
			END{printf "%s +%d -%d", f, a, d}' "$p")
		patch -d "$tree" -p1 --forward --quiet <"$p" >>"$out/patch.log" 2>&1 ||
			{ echo "$line;result=unsupported:$(basename "$p") does not apply" >"$status"; emit; exit 3; }
		applied="${applied:+$applied,}$(basename "$p")($what)"
	done
	# kbuild resumes: only what the patches touched compiles again
	if [ -n "$applied" ] && build "$out/patched.log"; then
		line="$line;result=patched:$applied"
	else
		log=$out/patched.log
		[ -f "$log" ] || log=$out/shipped.log
		# the first error (gcc's quotes in ASCII: the kernel's Makefile
		# unexports LC_ALL), and how many kinds there are
		errs=$(grep 'error:' "$log" | sed 's/^[^ ]*: error: //' | sort -u | grep -c . || true)
		err=$(grep -m1 'error:' "$log" | sed "s|$tree/||; s/[;,]/ /g" |
			LC_ALL=C sed "s/\xe2\x80[\x98\x99]/'/g" | cut -c1-120)
		echo "$line;result=unsupported:${applied:+patched with $applied and still }$(failed_files "$log") fail with $errs distinct errors; first: $err" >"$status"
		emit
		exit 3
	fi
fi

# ---- the modules, where modprobe and lttng-sessiond look ----
mkdir -p "$moddir/extra"
(cd "$tree" && find . -name '*.ko') | while read -r ko; do
	mkdir -p "$moddir/extra/$(dirname "$ko")"
	# debug info is most of each module's size; the guest packs them all
	strip --strip-debug -o "$moddir/extra/$ko" "$tree/$ko"
done
# the kernel's list of built-in modules, beside System.map's package
# (depmod warns without it; libkmod reads it)
kmods=${sysmap%/boot/*}/lib/modules/$rel
for f in modules.builtin modules.builtin.modinfo; do
	[ -z "$sysmap" ] || [ ! -f "$kmods/$f" ] || cp "$kmods/$f" "$moddir/"
done
probe
depmod_root
echo "$line" >"$status"
emit
