#!/bin/sh
# Cross-build probecost's SystemTap modules on the host for a guest kernel.
#
#   scripts/stap-build.sh SERIES|ABI PROBECOST_KO [PROBECOST_BIN]
#
# Builds every mechanisms/tracers/stap/*.stp with `stap -p4 -b -r` (and
# -I on its tapset/, what the scripts share) against
# the series' linux-headers (as scripts/kmod-build.sh does for
# probecost.ko), for the probecost.ko given: the scripts' DWARF probes
# carry offsets into that very file, so a module is built per probecost.ko.
# A script on the harness's own USDT site (one naming @2) is built only
# with PROBECOST_BIN, the harness the guest runs as /bin/probecost: stap
# reads the probe's note from a copy of it under --sysroot, so that
# module is built per harness binary too.
# What the stock tools lack, and why (docs/churn.md, "tool breakage"):
#
#   - a symbol table: stap reads <build dir>/System.map, and Debian's is
#     a stub; scripts/churn-kernel.sh's dump of the guest's kallsyms
#     serves (made once, by booting the guest). The build directory is a
#     symlink farm of the headers plus that System.map, in cache/.
#   - SystemTap 4.8's runtime does not compile where the kernel has
#     task_work_cancel_func() (Debian's 6.1 has it since a stable
#     update): scripts/stap-patches/task_work_cancel_func.patch is applied
#     to a copy of the runtime in cache/, used with `stap -R`. Kernels
#     without the function get the runtime as shipped.
#
# Modules are cached in cache/stap/<KVER>/ under a hash of the script, the
# tapset, the probecost.ko, the stap version and the patch, and so is a failed build's
# log (KEY.failed: it fails again at once; remove it to retry); stap's own cache
# (tracepoint queries and the like) lives there too (SYSTEMTAP_DIR).
#
#   - kernel.trace() probes need the tracepoint headers under the build
#     directory's source/, which Debian's split headers lack: a farm of
#     the common tree, plus probecost.ko's trace header (below).
#
# Output, one line per module, for the caller: STAP_KO=<path>; then
# STAP_RUNTIME=shipped|patched:<patch>; then STAP_STATUS=<the
# tool-breakage record meta.csv carries: systemtap=VER;kernel=KVER;
# symbols=guest-kallsyms;headers=split:source-farm;runtime=...>. Progress and stap's errors go to
# stderr. Exit status: 0 built; 1 a build failed (stap's output says why);
# 2 usage; 4 systemtap or the kernel's parts cannot be had here (the
# reason is printed; a test skips).
set -eu

[ $# -eq 2 ] || [ $# -eq 3 ] ||
	{ echo "usage: scripts/stap-build.sh SERIES|ABI PROBECOST_KO [PROBECOST_BIN]" >&2; exit 2; }
series=$1
pcko=$2
pcbin=${3:-}
top=$(cd "$(dirname "$0")/.." && pwd)
cache=${PROBECOST_CACHE:-$top/cache}
patchf="$top/scripts/stap-patches/task_work_cancel_func.patch"

die() {
	echo "stap-build: $*" >&2
	exit 1
}
cannot() {
	echo "stap-build: $*" >&2
	exit 4
}

usage() {
	echo "stap-build: $*" >&2
	exit 2
}
[ -f "$pcko" ] || usage "$pcko: no such probecost.ko (scripts/kmod-build.sh builds it)"
case $pcko in
*.ko) ;;
*) usage "$pcko: not a kernel module (.ko): give the probecost.ko scripts/kmod-build.sh built" ;;
esac
[ -z "$pcbin" ] || [ -f "$pcbin" ] || usage "$pcbin: no such probecost binary (make builds it)"
# stap runs in the module's own directory: the path must not be relative
pcko=$(cd "$(dirname "$pcko")" && pwd)/$(basename "$pcko")
if ! command -v stap >/dev/null 2>&1; then
	"$top/scripts/deps.sh" guest >&2 ||
		cannot "systemtap is not installed (as root: apt-get install -y --no-install-recommends systemtap)"
fi
command -v stap >/dev/null 2>&1 || cannot "stap not found after scripts/deps.sh guest"
rt_shipped=/usr/share/systemtap/runtime
[ -d "$rt_shipped" ] || cannot "$rt_shipped missing: reinstall systemtap-common"

rc=0
kf=$("$top/scripts/kernel-fetch.sh" "$series" --headers) || rc=$?
[ $rc -ne 2 ] || usage "'$series': not a kernel series this project fetches (6.1, or an ABI name such as 6.1.0-57-amd64; the stap tracer builds for 6.1 only)"
[ $rc -eq 0 ] || cannot "scripts/kernel-fetch.sh $series --headers failed (exit $rc)"
eval "$kf"
c="$cache/stap/$KVER"
mkdir -p "$c"
kb="$c/kbuild"
sysmap="$kb/System.map"
# the dump once per kernel (booting it when not cached: ~20 s)
if [ ! -s "$sysmap" ]; then
	rc=0
	ck=$("$top/scripts/churn-kernel.sh" --no-source "$series") || rc=$?
	[ $rc -ne 4 ] || cannot "no symbol table for $KVER: scripts/churn-kernel.sh cannot dump it here"
	[ $rc -eq 0 ] || die "scripts/churn-kernel.sh --no-source $series failed (exit $rc)"
	dump=$(printf '%s\n' "$ck" | sed -n 's/^DUMP=//p')
	[ -s "$dump/System.map" ] || die "$dump/System.map missing or empty in the churn dump"
	mkdir -p "$kb"
	cp "$dump/System.map" "$sysmap.tmp"
	mv "$sysmap.tmp" "$sysmap"
fi

# A link or file made only when it differs: stap keys its cache of
# tracepoint queries (about 2 min to redo) on the build tree's timestamp,
# which any rewrite here would move.
link() {
	[ "$(readlink "$2" 2>/dev/null)" = "$1" ] || ln -sfn "$1" "$2"
}
copy() {
	cmp -s "$1" "$2" || cp "$1" "$2"
}

# the build directory: the headers, and the real symbol table beside them
for f in "$KDIR"/* "$KDIR"/.config "$KDIR"/.kernelvariables; do
	[ -e "$f" ] || continue
	[ "$(basename "$f")" != source ] || continue
	link "$f" "$kb/$(basename "$f")"
done

# kernel.trace() finds a tracepoint by globbing its header under the
# build directory and its source/ (include/trace/events/*.h, fs/*/*trace*.h
# ...): Debian splits the headers, the per-flavour tree keeping only the
# generated ones, so source/ is a farm of the common tree (its Makefile
# names it), plus probecost.ko's own trace header where stap's glob
# fs/*/*trace*.h finds it (the files it includes beside it).
if [ -e "$KDIR/source" ]; then
	common=$(cd "$KDIR/source" && pwd -P)
else
	common=$(sed -n 's|^include \(/.*\)/Makefile$|\1|p' "$KDIR/Makefile" | head -n 1)
fi
[ -n "$common" ] && [ -d "$common/include/trace/events" ] ||
	cannot "no kernel source headers for $KVER beside $KDIR (include/trace/events): kernel.trace() probes need them"
mkdir -p "$kb/source/fs/probecost"
for f in "$common"/*; do
	[ "$(basename "$f")" != fs ] || continue
	link "$f" "$kb/source/$(basename "$f")"
done
for f in "$common"/fs/*; do
	[ -e "$f" ] || continue
	link "$f" "$kb/source/fs/$(basename "$f")"
done
copy "$top/kmod/kmod_events.h" "$kb/source/fs/probecost/probecost_trace.h"
copy "$top/kmod/kmod_core.h" "$kb/source/fs/probecost/kmod_core.h"
copy "$top/kmod/probecost_abi.h" "$kb/source/fs/probecost/probecost_abi.h"

# the runtime: as shipped, or a patched copy when the kernel needs it
ver=$(stap -V 2>&1 | sed -n '1s/.*version \([^ )]*\).*/\1/p')
if grep -q ' task_work_cancel_func$' "$sysmap"; then
	rt="$c/runtime-$ver"
	if [ ! -f "$rt/.probecost-patched" ] || [ "$patchf" -nt "$rt/.probecost-patched" ]; then
		rm -rf "$rt.tmp"
		cp -a "$rt_shipped" "$rt.tmp"
		patch -s -p1 -d "$rt.tmp" <"$patchf" ||
			die "$(basename "$patchf") does not apply to SystemTap $ver's runtime"
		touch "$rt.tmp/.probecost-patched"
		rm -rf "$rt"
		mv "$rt.tmp" "$rt"
	fi
	how="patched:$(basename "$patchf")"
	sum_patch=$(sha256sum "$patchf" | cut -c1-16)
else
	rt=$rt_shipped
	how=shipped
	sum_patch=none
fi

sum_ko=$(sha256sum "$pcko" | cut -c1-16)
tapset="$top/mechanisms/tracers/stap/tapset"
# the harness as the guest runs it, for process(@2) probes
sysroot="$c/sysroot"
sum_bin=none
if [ -n "$pcbin" ]; then
	mkdir -p "$sysroot/bin"
	cmp -s "$pcbin" "$sysroot/bin/probecost" || cp "$pcbin" "$sysroot/bin/probecost"
	sum_bin=$(sha256sum "$pcbin" | cut -c1-16)
fi
sum_tapset=$(cat "$tapset"/*.stp "$tapset"/*.stpm | sha256sum | cut -c1-16)
export SYSTEMTAP_DIR="$c/home"
mkdir -p "$SYSTEMTAP_DIR"
for stp in "$top"/mechanisms/tracers/stap/*.stp; do
	[ -f "$stp" ] || continue
	name=pcstap_$(basename "$stp" .stp)
	# probecost.ko is @1 to the scripts that probe it by DWARF, the
	# harness's guest path @2 to those on its USDT site
	# (and only what a script reads is in its key: a module is rebuilt
	# per probecost.ko only when it probes the module or its trace
	# header, per harness binary only for @2)
	set --
	root=""
	sb=none
	sk=none
	per="once"
	if grep -q '@2' "$stp"; then
		[ -n "$pcbin" ] || continue
		set -- "$pcko" /bin/probecost
		root="--sysroot=$sysroot"
		sb=$sum_bin
		per="once per probecost binary"
	elif grep -q '@1' "$stp"; then
		set -- "$pcko"
	fi
	if grep -q '@1\|probecost:' "$stp"; then
		sk=$sum_ko
		per="once per probecost.ko"
	fi
	key=$(printf '%s %s %s %s %s %s %s\n' "$(sha256sum "$stp" | cut -c1-16)" "$sk" \
		"$sum_tapset" "$sb" "$ver" "$sum_patch" "$KVER" | sha256sum | cut -c1-16)
	ko="$c/mods/$key/$name.ko"
	# a build that failed fails again without another minute of kbuild
	# (the key changes with the script, probecost.ko, stap or the patch)
	if [ -f "$c/mods/$key.failed" ]; then
		tail -n 5 "$c/mods/$key.failed" >&2
		die "stap -p4 of $(basename "$stp") against $KVER failed before (runtime $how; log: $c/mods/$key.failed)"
	fi
	if [ ! -f "$ko" ]; then
		echo "stap-build: building $name.ko for $KVER (up to a minute, $per)" >&2
		rm -rf "$c/mods/$key.tmp"
		mkdir -p "$c/mods/$key.tmp"
		# -b: bulk mode, per-CPU relay files (the recording state's
		# records); STP_NO_OVERLOAD: fire() hammers the probe by design,
		# which stap's overload guard would otherwise stop
		( cd "$c/mods/$key.tmp" &&
		  stap -p4 -b -DSTP_NO_OVERLOAD -r "$kb" -R "$rt" -I "$tapset" ${root:+"$root"} \
			-m "$name" "$stp" "$@" >stap.log 2>&1 ) || {
			cat "$c/mods/$key.tmp/stap.log" >&2
			mv "$c/mods/$key.tmp/stap.log" "$c/mods/$key.failed"
			rm -rf "$c/mods/$key.tmp"
			die "stap -p4 of $(basename "$stp") against $KVER failed (runtime $how)"
		}
		rm -rf "$c/mods/$key"
		mv "$c/mods/$key.tmp" "$c/mods/$key"
	fi
	echo "STAP_KO=$ko"
done
echo "STAP_RUNTIME=$how"
# the tool-breakage record for meta.csv (as lttng-modules-build.sh's)
echo "STAP_STATUS=systemtap=$ver;kernel=$KVER;symbols=guest-kallsyms;headers=split:source-farm;runtime=$how"
