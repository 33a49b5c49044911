#!/bin/sh
# Fetch a Debian kernel for the guest and print where its parts are.
#
#   scripts/kernel-fetch.sh SERIES [--headers]
#
# SERIES is 6.1 or 6.12 (the Debian bookworm series; the newest build of
# the series in the archive is used) or an exact ABI name such as
# 6.1.0-56-amd64. The linux-image package is fetched with
# `apt-get download` into cache/ (git-ignored, reused on the next call)
# and unpacked there. With --headers the matching linux-headers package
# is installed with apt-get (root), so the module can be built against it.
#
# Output, one shell assignment per line, for `eval`:
#   KVER=6.1.0-56-amd64
#   KROOT=cache/kernels/6.1.0-56-amd64/root    (unpacked package)
#   VMLINUZ=.../boot/vmlinuz-6.1.0-56-amd64
#   SYSTEM_MAP=.../boot/System.map-6.1.0-56-amd64
#   KCONFIG=.../boot/config-6.1.0-56-amd64
#   KDIR=/usr/src/linux-headers-6.1.0-56-amd64  (only with --headers)
set -eu

series=${1:-}
want_headers=0
[ "${2:-}" = "--headers" ] && want_headers=1
top=$(cd "$(dirname "$0")/.." && pwd)
cache=${PROBECOST_CACHE:-$top/cache}

die() {
	echo "kernel-fetch: $*" >&2
	exit 1
}

case "$series" in
6.1) meta=linux-image-amd64 ;;
6.12) meta=linux-image-6.12-amd64 ;;
[0-9]*-amd64) meta="" ;;
*) echo "usage: scripts/kernel-fetch.sh 6.1|6.12|ABI [--headers]" >&2; exit 2 ;;
esac

if [ -n "$meta" ]; then
	kver=$(apt-cache depends "$meta" 2>/dev/null |
		sed -n 's/^ *Depends: linux-image-\(.*-amd64\)$/\1/p' | head -n1)
	if [ -z "$kver" ]; then
		# package lists may be missing on a fresh machine
		[ "$(id -u)" -eq 0 ] && apt-get update -q >/dev/null 2>&1
		kver=$(apt-cache depends "$meta" 2>/dev/null |
			sed -n 's/^ *Depends: linux-image-\(.*-amd64\)$/\1/p' | head -n1)
	fi
	[ -n "$kver" ] || die "cannot resolve $meta to a kernel version: is a bookworm(-security) apt source configured? (apt-cache depends $meta)"
else
	kver=$series
fi

kdir="$cache/kernels/$kver"
root="$kdir/root"
if [ ! -f "$root/boot/vmlinuz-$kver" ]; then
	mkdir -p "$kdir/debs"
	# the signed and unsigned packages hold the same kernel; either will do
	( cd "$kdir/debs" &&
	  { apt-get download -q "linux-image-$kver" >/dev/null 2>&1 ||
	    apt-get download -q "linux-image-$kver-unsigned" >/dev/null 2>&1; } ) ||
		die "apt-get download linux-image-$kver failed: check the network and apt sources"
	rm -rf "$root.tmp"
	mkdir -p "$root.tmp"
	for deb in "$kdir"/debs/linux-image-"$kver"*.deb; do
		dpkg-deb -x "$deb" "$root.tmp" || die "cannot unpack $deb"
	done
	rm -rf "$root"
	mv "$root.tmp" "$root"
	rm -rf "$kdir/debs"
fi
[ -f "$root/boot/vmlinuz-$kver" ] || die "$root/boot/vmlinuz-$kver missing after unpacking"

echo "KVER=$kver"
echo "KROOT=$root"
echo "VMLINUZ=$root/boot/vmlinuz-$kver"
echo "SYSTEM_MAP=$root/boot/System.map-$kver"
echo "KCONFIG=$root/boot/config-$kver"

if [ $want_headers -eq 1 ]; then
	hdr=/usr/src/linux-headers-$kver
	if [ ! -f "$hdr/Makefile" ]; then
		[ "$(id -u)" -eq 0 ] ||
			die "linux-headers-$kver is not installed; run as root: apt-get install -y linux-headers-$kver"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
			"linux-headers-$kver" >/dev/null 2>&1 ||
			{ apt-get update -q >/dev/null 2>&1 &&
			  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
				"linux-headers-$kver" >/dev/null; } ||
			die "apt-get install linux-headers-$kver failed"
	fi
	echo "KDIR=$hdr"
fi
