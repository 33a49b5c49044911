#!/bin/sh
# Run probecost (or a script) inside a Debian kernel booted under QEMU.
#
#   scripts/guest.sh [options] [--] [PROBECOST-ARGS...]
#
# Builds probecost.ko against the series' linux-headers, packs an
# initramfs (busybox-static, build/probecost with the shared libraries ldd
# names, the module), boots qemu-system-x86_64 with TCG, loads the module,
# runs `probecost PROBECOST-ARGS...` (or --script) in /out inside the
# guest, and copies the guest's /out back to the host. docs/guest.md has
# the why and the limits.
#
# Options:
#   --kernel SERIES    6.1 (default) or 6.12, or an ABI name such as
#                      6.1.0-56-amd64 (see scripts/kernel-fetch.sh)
#   --deterministic    boot with -icount shift=0: the guest TSC counts
#                      instructions; PC_TIMER=icount is set in the guest
#   --out DIR          host directory that receives the guest's /out
#                      (created; existing files are overwritten)
#   --script FILE      run `sh FILE` in the guest instead of probecost
#   --file SRC[:DST]   add a host file to the guest (default DST /bin/NAME);
#                      repeatable
#   --no-module        do not load probecost.ko
#   --stap             also cross-build the SystemTap modules for this
#                      kernel and probecost.ko (scripts/stap-build.sh) and
#                      pack them with staprun and stapio (also when
#                      PROBECOST_GUEST_STAP=1); PC_STAP_DIR=/stap in the guest, or
#                      PC_STAP_WHY saying why not; PC_STAP_STATUS, the
#                      tool-breakage line of scripts/stap-build.sh
#   --lttng            also pack LTTng's kernel tracer: lttng-modules built
#                      for the guest kernel (scripts/lttng-modules-build.sh),
#                      lttng-sessiond, lttng-consumerd, lttng, babeltrace2
#                      and their libraries (opt-in: it makes the initramfs
#                      and the first build larger; PROBECOST_GUEST_LTTNG=1
#                      asks for it too)
#   --timeout SECS     stop QEMU after SECS (default 600)
#   --mem MB           guest memory (default 512)
#   --log FILE         write the guest console to FILE (default: kept only
#                      in DIR/guest-console.log, or shown on failure)
#
# In the guest: cwd /out; PROBECOST=/bin/probecost; PC_KMOD=/probecost.ko;
# PC_INSMOD=ok or the insmod error; PC_KVER; PC_TIMER=icount in
# deterministic mode; with --lttng, PC_LTTNG_STATUS (the tool-breakage
# line of scripts/lttng-modules-build.sh) and PC_LTTNG=ok when the
# modules are in /lib/modules/$PC_KVER, else why not. The kernel command line carries probecost.guest=1,
# so probecost itself knows it runs in the guest (rows get where=guest).
# After the command, the guest adds to /out: guest-rc (its exit status),
# guest-dmesg.txt and guest-uname.txt.
#
# Exit status: the command's own; 1 if the guest did not report back
# (crash, timeout: the console log says why); 2 usage; 4 when QEMU or the
# kernel image cannot be had here (the reason is printed): a test skips.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
series=6.1
det=0
out=""
script=""
files=""
module=1
stap=0
case "${PROBECOST_GUEST_STAP:-}" in 1|yes) stap=1 ;; esac
timeout_s=600
mem=512
log=""
lttng=0
case "${PROBECOST_GUEST_LTTNG:-}" in 1|yes) lttng=1 ;; esac

usage() {
	sed -n '2,/^set -eu/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
	exit 2
}
die() {
	echo "guest: $*" >&2
	exit 1
}
skip() {
	echo "guest: cannot run the guest here: $*" >&2
	exit 4
}

while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) [ $# -ge 2 ] || usage; series=$2; shift 2 ;;
	--deterministic) det=1; shift ;;
	--out) [ $# -ge 2 ] || usage; out=$2; shift 2 ;;
	--script) [ $# -ge 2 ] || usage; script=$2; shift 2 ;;
	--file) [ $# -ge 2 ] || usage; files="$files
$2"; shift 2 ;;
	--no-module) module=0; shift ;;
	--stap) stap=1; shift ;;
	--lttng) lttng=1; shift ;;
	--timeout) [ $# -ge 2 ] || usage; timeout_s=$2; shift 2 ;;
	--mem) [ $# -ge 2 ] || usage; mem=$2; shift 2 ;;
	--log) [ $# -ge 2 ] || usage; log=$2; shift 2 ;;
	--help|-h) usage ;;
	--) shift; break ;;
	-*) echo "guest: unknown option $1" >&2; usage ;;
	*) break ;;
	esac
done
case "$timeout_s" in ''|*[!0-9]*) echo "guest: --timeout needs seconds" >&2; exit 2 ;; esac
case "$mem" in ''|*[!0-9]*) echo "guest: --mem needs megabytes" >&2; exit 2 ;; esac
[ -z "$script" ] || [ -r "$script" ] || die "--script $script: not readable"

# ---- what the guest needs ----
if ! command -v qemu-system-x86_64 >/dev/null 2>&1 || [ ! -x /bin/busybox ] ||
   ! command -v cpio >/dev/null 2>&1; then
	"$top/scripts/deps.sh" guest >&2 || skip "qemu-system-x86, busybox-static or cpio missing and not installable"
fi
command -v qemu-system-x86_64 >/dev/null 2>&1 || skip "qemu-system-x86_64 not found"
busybox=$(command -v busybox) || skip "busybox not found"
# the initramfs has no libraries for it: it must be the static build
# (ldd is in libc-bin, always there; file(1) may not be)
ldd "$busybox" 2>&1 | grep -q 'not a dynamic executable' ||
	skip "$busybox is not the static build (install busybox-static)"

pcbin="$top/build/probecost"
[ -x "$pcbin" ] || die "$pcbin missing: run make first"

if [ $module -eq 1 ] || [ $lttng -eq 1 ]; then
	kf=$("$top/scripts/kernel-fetch.sh" "$series" --headers) ||
		skip "scripts/kernel-fetch.sh $series --headers failed (no archive access?)"
else
	kf=$("$top/scripts/kernel-fetch.sh" "$series") ||
		skip "scripts/kernel-fetch.sh $series failed (no archive access?)"
fi
eval "$kf"

work=$(mktemp -d "${TMPDIR:-/tmp}/probecost-guest.XXXXXX")
qpid=""
cleanup() {
	[ -z "$qpid" ] || kill "$qpid" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

ko=""
if [ $module -eq 1 ]; then
	kb=$("$top/scripts/kmod-build.sh" "$KDIR") || die "building probecost.ko against $KDIR failed"
	ko=$(printf '%s\n' "$kb" | sed -n 's/^KO=//p')
	[ -f "$ko" ] || die "probecost.ko not produced by scripts/kmod-build.sh"
fi

# SystemTap: only when asked, ordinary boots stay as they are. A build
# that cannot be made here is said in the guest (PC_STAP_WHY), where the
# stap entries report it as their unsupported reason.
stap_kos=""
stap_why=""
stap_status=""
if [ "$stap" = 1 ]; then
	if [ -z "$ko" ]; then
		stap_why="the stap tracer needs probecost.ko (guest.sh ran with --no-module)"
	elif ! sb=$("$top/scripts/stap-build.sh" "$series" "$ko" "$pcbin"); then
		stap_why="scripts/stap-build.sh $series could not build the stap modules for $KVER (docs/churn.md, tool breakage)"
	else
		stap_kos=$(printf '%s\n' "$sb" | sed -n 's/^STAP_KO=//p')
		stap_status=$(printf '%s\n' "$sb" | sed -n 's/^STAP_STATUS=//p')
	fi
	[ -z "$stap_why" ] || echo "guest: $stap_why" >&2
fi

# LTTng's kernel tracer: an unbuildable lttng-modules (exit 3) still boots,
# its status line says why, for the unsupported rows
lttng_status=""
lttng_ok="not asked for (scripts/guest.sh --lttng)"
lttng_root=""
if [ $lttng -eq 1 ]; then
	for b in lttng lttng-sessiond babeltrace2; do
		command -v $b >/dev/null 2>&1 ||
			die "--lttng: $b not found; run as root: apt-get install lttng-tools babeltrace2"
	done
	set +e
	lb=$("$top/scripts/lttng-modules-build.sh" "$KDIR" "$SYSTEM_MAP")
	lrc=$?
	set -e
	lttng_status=$(printf '%s\n' "$lb" | sed -n 's/^LTTNG_STATUS=//p')
	lttng_root=$(printf '%s\n' "$lb" | sed -n 's/^LTTNG_ROOT=//p')
	case $lrc in
	0) lttng_ok=ok ;;
	3)
		# the reason, short enough for a row's note: what fails, not the patch
		why=${lttng_status##*result=unsupported:}
		why=${why#patched with * and still }
		lttng_ok="lttng-modules does not build for $KVER: ${why%%;*} (docs/churn.md)"
		lttng_root="" ;;
	*) die "scripts/lttng-modules-build.sh $KDIR failed (above)" ;;
	esac
fi

# ---- the initramfs ----
root="$work/root"
mkdir -p "$root/bin" "$root/proc" "$root/sys" "$root/dev" "$root/tmp" "$root/run" "$root/out"
cp "$busybox" "$root/bin/busybox"
copy_with_libs() {
	# $1 host file, $2 path in the guest
	mkdir -p "$root$(dirname "$2")"
	cp -L "$1" "$root$2"
	ldd "$1" 2>/dev/null | sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) (0x.*/\1/p' |
	while read -r lib; do
		[ -f "$root$lib" ] && continue
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
}
copy_with_libs "$pcbin" /bin/probecost
[ -z "$ko" ] || cp "$ko" "$root/probecost.ko"
printf '%s\n' "$files" | while IFS= read -r spec; do
	[ -n "$spec" ] || continue
	src=${spec%%:*}
	dst=${spec#*:}
	[ "$dst" != "$spec" ] || dst=/bin/$(basename "$src")
	[ -r "$src" ] || { echo "guest: --file $src: not readable" >&2; exit 1; }
	copy_with_libs "$src" "$dst"
done
[ -z "$script" ] || cp "$script" "$root/guest-script"
if [ -n "$stap_kos" ]; then
	mkdir -p "$root/stap"
	for k in $stap_kos; do cp "$k" "$root/stap/"; done
	# stapio runs staprun from /usr/bin to unload: the paths are fixed
	copy_with_libs /usr/bin/staprun /usr/bin/staprun
	copy_with_libs /usr/lib/systemtap/stapio /usr/lib/systemtap/stapio
fi
if [ $lttng -eq 1 ]; then
	# where lttng-sessiond's libkmod looks: /lib/modules/$(uname -r)
	[ -z "$lttng_root" ] || cp -R "$lttng_root/lib" "$root/"
	copy_with_libs "$(command -v lttng-sessiond)" /bin/lttng-sessiond
	copy_with_libs "$(command -v lttng)" /bin/lttng
	copy_with_libs "$(command -v babeltrace2)" /bin/babeltrace2
	# the consumer and babeltrace2's plugins are found by path, not ldd
	consumerd=$(ls /usr/lib/*/lttng/libexec/lttng-consumerd 2>/dev/null | head -n1)
	[ -n "$consumerd" ] || die "--lttng: lttng-consumerd not found (lttng-tools)"
	copy_with_libs "$consumerd" "$consumerd"
	for so in /usr/lib/*/babeltrace2/plugins/*.so; do
		[ -f "$so" ] && copy_with_libs "$so" "$so"
	done
	echo "$consumerd" >"$root/lttng-consumerd-path"
	# lttng-sessiond validates session files against it at start, and
	# exits when it is missing
	mkdir -p "$root/usr/share/xml/lttng"
	cp /usr/share/xml/lttng/session.xsd "$root/usr/share/xml/lttng/" ||
		die "--lttng: /usr/share/xml/lttng/session.xsd missing (lttng-tools)"
fi

# the command, quoted for the guest's sh
{
	echo "PC_KVER='$KVER'"
	echo "PC_DETERMINISTIC=$det"
	printf "PC_LTTNG_STATUS='%s'\n" "$(printf '%s' "$lttng_status" | sed "s/'/'\\\\''/g")"
	printf "PC_LTTNG='%s'\n" "$(printf '%s' "$lttng_ok" | sed "s/'/'\\\\''/g")"
	[ $det -eq 1 ] && echo "PC_TIMER=icount" || echo "PC_TIMER="
	[ -n "$script" ] && echo "PC_SCRIPT=/guest-script" || echo "PC_SCRIPT="
	[ -n "$stap_kos" ] && echo "PC_STAP_DIR=/stap" || echo "PC_STAP_DIR="
	echo "PC_STAP_WHY='$stap_why'"
	echo "PC_STAP_STATUS='$stap_status'"
	printf 'set --'
	for a in "$@"; do
		printf " '%s'" "$(printf '%s' "$a" | sed "s/'/'\\\\''/g")"
	done
	echo
} >"$root/guest.env"

cat >"$root/init" <<'EOF'
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin:/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
. /guest.env
export PC_KVER PC_DETERMINISTIC PC_TIMER
[ -z "$PC_STAP_DIR" ] || export PC_STAP_DIR
[ -z "$PC_STAP_WHY" ] || export PC_STAP_WHY
[ -z "$PC_STAP_STATUS" ] || export PC_STAP_STATUS
export PC_KVER PC_DETERMINISTIC PC_TIMER PC_LTTNG PC_LTTNG_STATUS
if [ -f /lttng-consumerd-path ]; then
	# lttng-sessiond: its run directory, and a tmpfs for its shared memory
	mkdir -p /var/run /dev/shm
	mount -t tmpfs tmpfs /dev/shm
	PC_LTTNG_CONSUMERD=$(cat /lttng-consumerd-path)
	export PC_LTTNG_CONSUMERD
fi
export PROBECOST=/bin/probecost PC_KMOD=/probecost.ko PROBECOST_KO=/probecost.ko HOME=/out
PC_INSMOD="no module"
if [ -f /probecost.ko ]; then
	if err=$(insmod /probecost.ko 2>&1); then PC_INSMOD=ok; else PC_INSMOD="insmod: $err"; fi
fi
export PC_INSMOD
cd /out
if [ -n "$PC_SCRIPT" ]; then
	sh "$PC_SCRIPT" "$@"
else
	/bin/probecost "$@"
fi
echo $? >/out/guest-rc
cd /
dmesg >/out/guest-dmesg.txt
uname -r >/out/guest-uname.txt
stty -F /dev/ttyS1 raw -echo 2>/dev/null
{ echo PCOUT-BEGIN; tar -C /out -cf - . | gzip | base64; echo PCOUT-END; } >/dev/ttyS1
sync
poweroff -f
EOF
chmod +x "$root/init"
# uncompressed: the guest kernel inflating the ~50 MB (probecost's
# libraries) under TCG took ~6 s of every boot; QEMU loads it as is
(cd "$root" && find . | cpio -o -H newc --quiet) >"$work/initrd.cpio"

# ---- boot ----
cmdline="console=ttyS0 panic=-1 probecost.guest=1 loglevel=4"
icount=""
if [ $det -eq 1 ]; then
	# one emulated instruction per virtual ns; sleep=off lets idle virtual
	# time run ahead instead of waiting for the host clock
	icount="-icount shift=0,sleep=off"
	cmdline="$cmdline nokaslr"
fi
console="$work/console.log"
# shellcheck disable=SC2086
timeout "$timeout_s" qemu-system-x86_64 -accel tcg -cpu max -smp 1 -m "$mem" \
	-nodefaults -display none -no-reboot $icount \
	-kernel "$VMLINUZ" -initrd "$work/initrd.cpio" -append "$cmdline" \
	-serial "file:$console" -serial "file:$work/out.b64" &
qpid=$!
set +e
wait "$qpid"
qrc=$?
set -e
qpid=""
[ -z "$log" ] || cp "$console" "$log"

if ! grep -q PCOUT-END "$work/out.b64" 2>/dev/null; then
	tail -n 40 "$console" >&2
	[ $qrc -eq 124 ] && die "the guest ($KVER) did not finish within ${timeout_s}s (console above)"
	die "the guest ($KVER) did not report back, qemu exit $qrc (console above)"
fi
mkdir -p "$work/back"
tr -d '\r' <"$work/out.b64" | sed -n '/^PCOUT-BEGIN$/,/^PCOUT-END$/p' | sed '1d;$d' |
	base64 -d | gzip -dc | tar -C "$work/back" -mxf - || die "the guest's output archive is corrupt"
cp "$console" "$work/back/guest-console.log"
rc=$(cat "$work/back/guest-rc" 2>/dev/null || echo 1)
if [ -n "$out" ]; then
	mkdir -p "$out"
	cp -R "$work/back/." "$out/"
fi
exit "$rc"
