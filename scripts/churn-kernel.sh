#!/bin/sh
# Make (once) and print the churn dump of a Debian kernel.
#
#   scripts/churn-kernel.sh [--no-source] SERIES|ABI
#
# SERIES/ABI as for scripts/kernel-fetch.sh (6.1, 6.12, 6.1.0-56-amd64).
# The dump lives in $PROBECOST_CACHE/churn/<KVER>/ (default cache/, git-
# ignored) and each step runs only when its result is missing there:
#
#   1. scripts/kernel-fetch.sh resolves and fetches the kernel image;
#   2. scripts/guest.sh boots it under QEMU with build/probecost inside
#      and runs `probecost churn --dump`, the only way to read the real
#      symbol table (Debian's System.map is a stub; the real one is in
#      the ~1 GB -dbg package) and the tracefs event formats;
#   3. the linux-source package of the same Debian version is fetched
#      with apt-get download and indexed by `probecost churn
#      --index-source` into source-defs.list and source-macros.list
#      (skipped with --no-source);
#      the ~150 MB download is deleted once indexed;
#   4. the image's modules (lib/modules/<KVER>/kernel/**.ko[.xz] of the
#      unpacked package) are read statically by `probecost churn
#      --dump-modules` into modules.csv, module-functions.csv and
#      module-events.csv beside the dump: no guest, about 4 s for
#      6.1's .ko files and 16 s for 6.12's .ko.xz, once. Without the
#      module tree the dump stays vmlinux-only and churn says why.
#
# A cached dump made before a part existed is made again: one without
# a btf row in dump.csv (vmlinux.btf, the prototypes for
# signature_changed) is dumped again by step 2, one without
# source-macros.list or source-wrappers.list is indexed again by step 3.
#
# Output, for `eval` or probecost: KVER=..., DUMP=<dir>. Progress goes to
# stderr. Exit status: 0 done, 1 a step failed, 2 usage, 4 the dump
# cannot be made here (no scripts/guest.sh, no QEMU, no archive access
# for the image or the source: the reason is printed; a test skips).
set -eu

no_source=0
if [ "${1:-}" = "--no-source" ]; then
	no_source=1
	shift
fi
[ $# -eq 1 ] || { echo "usage: scripts/churn-kernel.sh [--no-source] SERIES|ABI" >&2; exit 2; }
top=$(cd "$(dirname "$0")/.." && pwd)
cache=${PROBECOST_CACHE:-$top/cache}
probecost=$top/build/probecost

die() {
	echo "churn-kernel: $*" >&2
	exit 1
}

[ -x "$probecost" ] || die "$probecost is not built; run make"
# no archive access means "cannot be had here", as for scripts/guest.sh
cannot() {
	echo "churn-kernel: $*" >&2
	exit 4
}
rc=0
fetched=$("$top/scripts/kernel-fetch.sh" "$1") || rc=$?
[ $rc -ne 2 ] || exit 2
[ $rc -eq 0 ] || cannot "scripts/kernel-fetch.sh $1 failed (exit $rc; no archive access?)"
kver=$(printf '%s\n' "$fetched" | sed -n 's/^KVER=//p')
kroot=$(printf '%s\n' "$fetched" | sed -n 's/^KROOT=//p')
[ -n "$kver" ] || die "scripts/kernel-fetch.sh $1 printed no KVER"
dump="$cache/churn/$kver"

# vmlinux.btf came later than the other parts: a dump whose manifest has
# no btf row is made again (a kernel without BTF has the row, "absent")
if [ -f "$dump/dump.csv" ] && ! grep -q '^btf,' "$dump/dump.csv"; then
	echo "churn-kernel: the cached $kver dump predates vmlinux.btf; dumping it again" >&2
	redump=1
else
	redump=0
fi

if [ ! -f "$dump/dump.csv" ] || [ $redump -eq 1 ]; then
	guest="$top/scripts/guest.sh"
	if [ ! -f "$guest" ]; then
		echo "churn-kernel: $kver has no cached dump and $guest is not in this checkout to boot it; dump it by hand: probecost churn --dump DIR inside that kernel, then copy DIR to $dump" >&2
		exit 4
	fi
	echo "churn-kernel: booting $kver in the guest to dump its symbols and events" >&2
	rm -rf "$dump.tmp"
	rc=0
	sh "$guest" --kernel "$1" --no-module --timeout 300 --out "$dump.tmp" \
		-- churn --dump /out/dump >&2 || rc=$?
	[ $rc -ne 4 ] || exit 4
	[ $rc -eq 0 ] || die "the guest run of probecost churn --dump on $kver failed, exit $rc (see above; console in $dump.tmp/guest-console.log)"
	[ -f "$dump.tmp/dump/dump.csv" ] || die "the guest wrote no dump/dump.csv into $dump.tmp"
	# a source index already made for this kernel is kept: the source is the same
	for f in source-defs.list source-macros.list source-wrappers.list; do
		[ ! -f "$dump/$f" ] || mv "$dump/$f" "$dump.tmp/dump/$f"
	done
	rm -rf "$dump"
	mv "$dump.tmp/dump" "$dump"
	rm -rf "$dump.tmp"
fi

# source-macros.list and source-wrappers.list came later than
# source-defs.list: a cache without them is indexed again (the index of
# names, macros and static inline wrappers is one pass)
if [ $no_source -eq 0 ] && { [ ! -f "$dump/source-defs.list" ] || [ ! -f "$dump/source-macros.list" ] ||
	[ ! -f "$dump/source-wrappers.list" ]; }; then
	series=$(printf '%s\n' "$kver" | sed -n 's/^\([0-9]*\.[0-9]*\).*/\1/p')
	version=$(apt-cache show "linux-image-$kver" 2>/dev/null | sed -n 's/^Version: //p' | head -n1)
	[ -n "$version" ] || version=$(apt-cache show "linux-image-$kver-unsigned" 2>/dev/null |
		sed -n 's/^Version: //p' | head -n1)
	[ -n "$version" ] || die "cannot find the Debian version of linux-image-$kver (apt-cache show)"
	src="$cache/churn/src"
	mkdir -p "$src"
	deb="$src/linux-source-${series}_${version}_all.deb"
	if [ ! -f "$deb" ]; then
		echo "churn-kernel: fetching linux-source-$series=$version (~150 MB, once) to tell inlined from removed functions" >&2
		( cd "$src" && apt-get download -q "linux-source-$series=$version" >/dev/null 2>&1 ) ||
			cannot "apt-get download linux-source-$series=$version failed: check the network and apt sources, or use --no-source"
		[ -f "$deb" ] || die "apt-get download left no $deb"
	fi
	tarball="$src/linux-source-$series.tar.xz"
	dpkg-deb --fsys-tarfile "$deb" | tar -xOf - "./usr/src/linux-source-$series.tar.xz" >"$tarball" ||
		die "$deb holds no usr/src/linux-source-$series.tar.xz"
	echo "churn-kernel: indexing the $series source (a minute, once)" >&2
	"$probecost" churn --index-source "$tarball" "$dump" >&2 ||
		die "indexing $tarball failed"
	rm -f "$tarball" "$deb"
fi

# the modules: written aside, then moved in with modules.csv (the file
# the loader looks for) last, so an interrupted run leaves none
moddir="$kroot/lib/modules/$kver/kernel"
# module files made before event formats were read lack the format column
if [ -f "$dump/modules.csv" ] && ! head -n1 "$dump/module-events.csv" 2>/dev/null | grep -q ',format,'; then
	echo "churn-kernel: the cached $kver module files predate event formats; reading the modules again" >&2
	rm -f "$dump/modules.csv"
fi
# and those made before module BTF was kept lack module-btf/
if [ -f "$dump/modules.csv" ] && [ ! -d "$dump/module-btf" ]; then
	echo "churn-kernel: the cached $kver module files predate module BTF; reading the modules again" >&2
	rm -f "$dump/modules.csv"
fi
if [ ! -f "$dump/modules.csv" ]; then
	if [ -d "$moddir" ]; then
		echo "churn-kernel: reading the $kver modules from their .ko files (once)" >&2
		rm -rf "$dump.mod"
		"$probecost" churn --dump-modules "$moddir" "$dump.mod" >&2 ||
			die "reading the modules below $moddir failed"
		rm -rf "$dump/module-btf"
		mv "$dump.mod/module-functions.csv" "$dump.mod/module-events.csv" \
			"$dump.mod/module-btf" "$dump/"
		mv "$dump.mod/modules.csv" "$dump/"
		rm -rf "$dump.mod"
	else
		echo "churn-kernel: no module tree at $moddir; the $kver dump stays vmlinux-only" >&2
	fi
fi

echo "KVER=$kver"
echo "DUMP=$dump"
