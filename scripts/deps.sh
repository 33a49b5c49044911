#!/bin/sh
# Install the Debian/Ubuntu packages probecost needs, or say how to.
#
#   scripts/deps.sh [build] [run] [guest] [test] [lava] ...
#
# Each word names a group below. Missing packages are installed with
# apt-get when running as root; otherwise the one apt-get line to run is
# printed and the script exits 1. Installed packages are never touched.
set -eu

# clang, libbpf-dev, bpftool: the bpf tracer entries (mechanisms/tracers/)
# libelf-dev, liblzma-dev: churn reads kernel modules (.ko, .ko.xz)
# liblttng-ust-dev, liblttng-ctl-dev: the ust-tracepoint mechanism is built
# when make finds them (else a stub); lttng-tools (lttng-sessiond) and
# babeltrace2 run it. Note: on a host with systemd, installing lttng-tools
# starts a system lttng-sessiond; probecost runs its own beside it.
build="build-essential pkg-config libpfm4-dev libhwloc-dev libcsv-dev libgsl-dev zlib1g-dev libelf-dev liblzma-dev systemtap-sdt-dev clang libbpf-dev bpftool liblttng-ust-dev liblttng-ctl-dev"
run="gnuplot-nox xz-utils lttng-tools babeltrace2"
# systemtap: the stap tracer's modules, cross-built on the host for the
# guest kernel (scripts/stap-build.sh); staprun and stapio go into the
# guest only when asked (scripts/guest.sh --stap)
guest="qemu-system-x86 busybox-static cpio kmod systemtap"
# lava-common (python3-voluptuous, python3-yaml): LAVA's own job schema,
# which tests/lava.t.sh validates the job template against
test="python3 lava-common"
# lava-dispatcher: lava-run for scripts/lava/lava-local.sh and
# tests/lava-local.t.sh.
# Opt-in, not in `make test`'s list: even without recommends it is 131
# packages, 30 MB to fetch, 132 MB installed and 5 minutes here
# (libguestfs, lvm2, mdadm, grub, linux-headers-amd64 ... and an
# initramfs rebuilt for every kernel in /boot); without it those tests skip.
lava="lava-dispatcher"

pkgs=""
[ $# -gt 0 ] || set -- build
for g in "$@"; do
	case "$g" in
	build) pkgs="$pkgs $build" ;;
	run) pkgs="$pkgs $run" ;;
	guest) pkgs="$pkgs $guest" ;;
	test) pkgs="$pkgs $test" ;;
	lava) pkgs="$pkgs $lava" ;;
	*) echo "scripts/deps.sh: unknown group '$g' (build, run, guest, test, lava)" >&2; exit 2 ;;
	esac
done

if ! command -v dpkg-query >/dev/null 2>&1; then
	echo "scripts/deps.sh: not a Debian/Ubuntu system (no dpkg-query); install by hand:$pkgs" >&2
	exit 1
fi

missing=""
for p in $pkgs; do
	case " $missing " in *" $p "*) continue ;; esac
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$st" in
	*" installed") ;;
	*) missing="$missing $p" ;;
	esac
done
[ -n "$missing" ] || exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "probecost needs these packages:$missing" >&2
	echo "run as root:  apt-get install -y --no-install-recommends$missing" >&2
	exit 1
fi

echo "probecost: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y -q --no-install-recommends $missing >/dev/null 2>&1; then
	# stale or empty package lists are the usual cause: refresh once
	apt-get update -q >/dev/null
	apt-get install -y -q --no-install-recommends $missing >/dev/null
fi
