#!/bin/sh
# Build probecost.ko against one kernel's build tree.
#
#   scripts/kmod-build.sh [--fresh] [KDIR]
#
# --fresh removes the previous build first, so every file is compiled
# (and every warning shows) again.
# KDIR defaults to /lib/modules/$(uname -r)/build. The sources (kmod/ and
# mechanisms/*/kmod_*.[ch]) are symlinked into build/kmod/<release>/,
# which kbuild builds as an external module (M=). Prints, on the last
# line, KO=<path to probecost.ko>. The compiler's output goes to
# build/kmod/<release>/build.log as well, so a caller can check it for
# warnings. Exit 1 with the reason when there is nothing to build against.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
fresh=0
[ "${1:-}" = "--fresh" ] && { fresh=1; shift; }
kdir=${1:-/lib/modules/$(uname -r)/build}

if [ ! -f "$kdir/Makefile" ]; then
	msg="no kernel build tree at $kdir"
	if [ $# -eq 0 ]; then
		msg="$msg (linux-headers-$(uname -r) not installed?)"
		cfg=/boot/config-$(uname -r)
		if [ -r /proc/config.gz ] && zcat /proc/config.gz | grep -q '^# CONFIG_MODULES is not set'; then
			msg="$msg; CONFIG_MODULES is off in this kernel anyway: the module runs in the QEMU guest (probecost run --vm)"
		elif [ -r "$cfg" ] && grep -q '^# CONFIG_MODULES is not set' "$cfg"; then
			msg="$msg; CONFIG_MODULES is off in this kernel anyway: the module runs in the QEMU guest (probecost run --vm)"
		fi
	fi
	echo "kmod-build: $msg; set KDIR= to a kernel build tree" >&2
	exit 1
fi
# Debian's header trees are named after the ABI release (uname -r in the
# guest); their kernel.release file holds the upstream version instead
rel=$(basename "$(cd "$kdir" && pwd -P)")
case "$rel" in
linux-headers-*) rel=${rel#linux-headers-} ;;
*) rel=$(cat "$kdir/include/config/kernel.release" 2>/dev/null || echo "$rel") ;;
esac
out="$top/build/kmod/$rel"
[ $fresh -eq 0 ] || rm -rf "$out"
mkdir -p "$out"
ln -sf "$top/kmod/Kbuild" "$out/Kbuild"
for f in "$top"/kmod/*.c "$top"/kmod/*.h "$top"/mechanisms/*/kmod_*.c "$top"/mechanisms/*/kmod_*.h; do
	[ -e "$f" ] || continue
	ln -sf "$f" "$out/$(basename "$f")"
done

# Up to date: kbuild's own "nothing to do" walk takes ~2.5 s, once per
# guest boot; a module newer than every source and the tree's Makefile
# and .config is what that walk would find. Flags from the environment
# (KCFLAGS ...) are kbuild's to compare with the last build: then it
# walks.
ko="$out/probecost.ko"
flags="${KCFLAGS:-}${KCPPFLAGS:-}${KAFLAGS:-}${EXTRA_CFLAGS:-}${LLVM:-}${CC:-}"
if [ $fresh -eq 0 ] && [ -z "$flags" ] && [ -f "$ko" ] && [ -f "$out/build.log" ] &&
	[ -z "$(find -L "$out" "$kdir/Makefile" "$kdir/.config" -maxdepth 1 \( -name '*.[ch]' -o -name Kbuild -o -name Makefile -o -name .config \) -newer "$ko" 2>/dev/null)" ]; then
	echo "KO=$ko"
	exit 0
fi

# the log keeps the full compiler output for the no-warnings test
if ! make -C "$kdir" M="$out" modules >"$out/build.log" 2>&1; then
	cat "$out/build.log" >&2
	echo "kmod-build: building against $kdir failed (log: $out/build.log)" >&2
	exit 1
fi
grep -i 'warning' "$out/build.log" >&2 || true
echo "KO=$out/probecost.ko"
