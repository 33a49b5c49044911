#!/bin/sh
# Build probecost.ko for the running kernel, for `make run`, when the
# running kernel can load modules: installs linux-headers-$(uname -r)
# when missing (root), then scripts/kmod-build.sh. Never fails the caller:
# when the module cannot be had, it says why in one line, and
# `probecost run` measures the module mechanisms in the QEMU guest.
set -u
cd "$(dirname "$0")/.." || exit 0
rel=$(uname -r)

modules_off() {
	if [ -r /proc/config.gz ]; then
		zcat /proc/config.gz | grep -q '^# CONFIG_MODULES is not set'
	elif [ -r "/boot/config-$rel" ]; then
		grep -q '^# CONFIG_MODULES is not set' "/boot/config-$rel"
	else
		[ ! -e /proc/modules ]
	fi
}

# no CONFIG_MODULES: probecost run says so itself and uses the guest
modules_off && exit 0

if [ ! -f "/lib/modules/$rel/build/Makefile" ] && [ "$(id -u)" -eq 0 ]; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
		"linux-headers-$rel" >/dev/null 2>&1
fi
if [ ! -f "/lib/modules/$rel/build/Makefile" ]; then
	echo "probecost: no linux-headers-$rel to build probecost.ko against; the module mechanisms run in the QEMU guest" >&2
	exit 0
fi
if ! scripts/kmod-build.sh >/dev/null 2>build/kmod-native.err; then
	echo "probecost: building probecost.ko for $rel failed ($(tail -n1 build/kmod-native.err)); the module mechanisms run in the QEMU guest" >&2
fi
exit 0
