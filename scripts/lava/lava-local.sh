#!/bin/sh
# Run probecost's LAVA test definition with the real lava-dispatcher on
# this machine: no LAVA server, no worker daemon, no network.
#
#   scripts/lava/lava-local.sh [--kernel 6.1|6.12|ABI] [--out DIR] [--timeout SECS]
#
# lava-run (Debian package lava-dispatcher) runs the job
# scripts/lava/probecost-local-job.yaml on the device described by
# scripts/lava/qemu-tcg-device.yaml (the `qemu` device type, TCG):
#   deploy  the cached Debian kernel (scripts/kernel-fetch.sh) and a
#           busybox ramdisk built here with build/probecost and the
#           libraries ldd names, both as file:// URLs; LAVA appends its
#           test overlay to the ramdisk (overlays: lava);
#   boot    qemu-system-x86_64 with them, up to the ramdisk's shell prompt;
#   test    scripts/lava/probecost.yaml, cloned by LAVA from a git
#           snapshot of this working tree (tracked and untracked,
#           not ignored files), with PROBECOST=/bin/probecost and
#           RUN_OPTS (default: --quick --mech none,user-branch --no-vm).
#
# DIR (default results/lava-local-<time>) receives job.yaml, device.yaml,
# lava.log (the dispatcher's log, one YAML mapping a line) and results.txt: one line per
# LAVA result, "SUITE NAME RESULT [MEASUREMENT UNIT]", and a last line
# "job RESULT" (Complete, Incomplete or Canceled).
#
# Exit status: 0 when the job is Complete; 1 otherwise (lava.log says
# why); 2 usage; 4 when lava-run, QEMU, busybox-static, git or the
# kernel cannot be had here, or not root (lava-run writes below
# /var/lib/lava/dispatcher): the reason is printed, a test skips.
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
series=6.1
out=""
timeout_s=300

usage() {
	sed -n '2,/^set -eu/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
	exit 2
}
die() {
	echo "lava-local: $*" >&2
	exit 1
}
skip() {
	echo "lava-local: cannot run lava-run here: $*" >&2
	exit 4
}

while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) [ $# -ge 2 ] || usage; series=$2; shift 2 ;;
	--out) [ $# -ge 2 ] || usage; out=$2; shift 2 ;;
	--timeout) [ $# -ge 2 ] || usage; timeout_s=$2; shift 2 ;;
	--help|-h) usage ;;
	*) echo "lava-local: unknown argument $1" >&2; usage ;;
	esac
done
case "$timeout_s" in ''|*[!0-9]*) echo "lava-local: --timeout needs seconds" >&2; exit 2 ;; esac

# ---- what lava-run needs ----
[ "$(id -u)" -eq 0 ] || skip "lava-run must run as root (it writes below /var/lib/lava/dispatcher)"
command -v lava-run >/dev/null 2>&1 || skip "lava-run not found (scripts/deps.sh lava, or apt-get install --no-install-recommends lava-dispatcher)"
command -v qemu-system-x86_64 >/dev/null 2>&1 || skip "qemu-system-x86_64 not found (scripts/deps.sh guest)"
command -v cpio >/dev/null 2>&1 || skip "cpio not found (scripts/deps.sh guest)"
command -v git >/dev/null 2>&1 || skip "git not found (LAVA clones the test definition with it)"
busybox=$(command -v busybox) || skip "busybox not found (scripts/deps.sh guest)"
# the ramdisk has no libraries for it: it must be the static build
ldd "$busybox" 2>&1 | grep -q 'not a dynamic executable' ||
	skip "$busybox is not the static build (install busybox-static)"
pcbin="$top/build/probecost"
[ -x "$pcbin" ] || die "$pcbin missing: run make first"
kf=$("$top/scripts/kernel-fetch.sh" "$series") ||
	skip "scripts/kernel-fetch.sh $series failed (no archive access?)"
eval "$kf"

[ -n "$out" ] || out="$top/results/lava-local-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/probecost-lava.XXXXXX")
# the job id names lava-run's directory below /var/lib/lava/dispatcher/tmp
# and /lava-ID in the guest: unique per run on this machine
job_id=$$
lpid=""
cleanup() {
	# lava-run stops its QEMU when it ends; TERM (here, or from timeout)
	# makes it end the job and clean up the same way: wait for that
	if [ -n "$lpid" ]; then
		kill "$lpid" 2>/dev/null || true
		wait "$lpid" 2>/dev/null || true
	fi
	rm -rf "$work" "/var/lib/lava/dispatcher/tmp/$job_id"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- the ramdisk: busybox, probecost and its libraries, /init ----
root="$work/root"
mkdir -p "$root/bin" "$root/proc" "$root/sys" "$root/dev" "$root/tmp" "$root/root"
cp "$busybox" "$root/bin/busybox"
cp -L "$pcbin" "$root/bin/probecost"
ldd "$pcbin" 2>/dev/null | sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) (0x.*/\1/p' |
while read -r lib; do
	mkdir -p "$root$(dirname "$lib")"
	cp -L "$lib" "$root$lib"
done
cat >"$root/init" <<'EOF'
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin:/sbin HOME=/root
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
hostname probecost-lava
# the prompt the job's boot action waits for (probecost-local-job.yaml)
export PS1='probecost-lava# '
# a shell with the serial console as its controlling terminal, for LAVA
exec setsid cttyhack sh
EOF
chmod +x "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$work/ramdisk.cpio.gz"

# ---- the test definition's repository: this working tree, committed ----
git -C "$top" ls-files -z --cached --others --exclude-standard |
	tar -C "$top" --null -T - --ignore-failed-read -cf - 2>/dev/null | { mkdir "$work/repo" && tar -C "$work/repo" -xf -; }
git -C "$work/repo" init -q &&
	git -C "$work/repo" add -A &&
	git -C "$work/repo" -c user.name=lava-local -c user.email=lava-local@localhost \
		commit -qm "working tree of $top" || die "cannot snapshot $top into a git repository"

# ---- the job and the device ----
esc() { printf '%s' "$1" | sed 's/[\\|&]/\\&/g; s/"/\\\\"/g'; }
sed "s|@KERNEL@|$(esc "$(cd "$(dirname "$VMLINUZ")" && pwd)/$(basename "$VMLINUZ")")|;
	s|@KERNEL_NAME@|$(esc "$KVER")|; s|@RAMDISK@|$(esc "$work/ramdisk.cpio.gz")|;
	s|@REPO@|$(esc "$work/repo")|;
	s|@RUN_OPTS@|$(esc "${RUN_OPTS:---quick --mech none,user-branch --no-vm}")|" \
	"$top/scripts/lava/probecost-local-job.yaml" >"$out/job.yaml"
cp "$top/scripts/lava/qemu-tcg-device.yaml" "$out/device.yaml"

# ---- run ----
echo "lava-local: lava-run job $job_id on $KVER (log: $out/lava.log)" >&2
timeout "$timeout_s" lava-run --device "$out/device.yaml" --job-id "$job_id" \
	--output-dir "$work/lava" "$out/job.yaml" >"$out/lava.log" 2>&1 &
lpid=$!
set +e
wait "$lpid"
lrc=$?
set -e
lpid=""
[ $lrc -ne 124 ] || echo "lava-local: lava-run did not finish within ${timeout_s}s" >&2

# ---- results: the dispatcher logs them as lvl "results" ----
/usr/bin/python3 - "$out/lava.log" >"$out/results.txt" <<'EOF' || die "cannot read $out/lava.log"
import sys, yaml
# one YAML flow mapping a line: {"dt": ..., "lvl": ..., "msg": ...}; not
# JSON ("measurement": ! "8.07" carries a non-specific tag)
load = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
job = "Incomplete"
for line in open(sys.argv[1], errors="replace"):
    if not line.startswith("{"):
        continue  # a traceback or other text on lava-run's stderr
    try:
        entry = yaml.load(line, Loader=load)
    except yaml.YAMLError:
        continue
    msg = entry.get("msg") if isinstance(entry, dict) else None
    if entry.get("lvl") != "results" or not isinstance(msg, dict):
        continue
    row = [msg.get("definition", "-"), msg.get("case", "-"), msg.get("result", "-")]
    if "measurement" in msg:
        row += [str(msg["measurement"]), str(msg.get("units", "-"))]
    print(" ".join(map(str, row)))
    if msg.get("definition") == "lava" and msg.get("case") == "job":
        job = "Complete" if msg.get("result") == "pass" else "Incomplete"
print("job", job)
EOF
job=$(sed -n 's/^job //p' "$out/results.txt")
echo "lava-local: job $job, $(grep -c '^0_probecost ' "$out/results.txt") probecost results in $out/results.txt" >&2
[ "$job" = Complete ]
