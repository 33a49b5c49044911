#!/bin/sh
# Fill scripts/lava/probecost-job.yaml for one kernel and validate it
# against LAVA's job schema (lava-common's lava_common.schemas), and the
# test definition against its testdef schema. Prints the job on stdout.
#
#   scripts/lava/lava-job.sh KERNEL_URL INITRD_URL ROOTFS_URL [REPO [BRANCH]]
#
# INITRD_URL: the kernel's own initrd (a Debian kernel loads its disk and
# ext4 drivers from it: /boot/initrd.img-VERSION of the root file system).
#
# Environment: RUN_OPTS (default --quick --no-vm), BASELINE_URL,
# ARTIFACT_URL (see probecost.yaml). Exit 2 on bad arguments or a job
# the schema refuses (the message names the path), 4 when lava-common is
# not installed (apt-get install lava-common).
set -u
here=$(cd "$(dirname "$0")" && pwd)
[ $# -ge 3 ] && [ $# -le 5 ] || {
	sed -n '2,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
	exit 2
}
# the images LAVA downloads: a scheme its download actions know, not empty
for u in "$1" "$2" "$3"; do
	case "$u" in
	http://?*|https://?*|file:///?*) ;;
	*)
		echo "lava-job.sh: '$u' is not an image URL: give http://, https:// or file:// URLs for the kernel, its initrd and the root file system" >&2
		exit 2 ;;
	esac
done
[ $# -ge 4 ] || echo "lava-job.sh: no REPO given: the job clones https://example.org/probecost.git, a placeholder; give your probecost repository as the 4th argument" >&2
kernel=$1
name=$(basename "$kernel")
esc() { printf '%s' "$1" | sed 's/[\\|&]/\\&/g; s/"/\\\\"/g'; }
job=$(sed "s|@KERNEL_URL@|$(esc "$kernel")|; s|@KERNEL_NAME@|$(esc "$name")|;
	s|@INITRD_URL@|$(esc "$2")|;
	s|@ROOTFS_URL@|$(esc "$3")|; s|@REPO@|$(esc "${4:-https://example.org/probecost.git}")|;
	s|@BRANCH@|$(esc "${5:-main}")|; s|@RUN_OPTS@|$(esc "${RUN_OPTS:---quick --no-vm}")|;
	s|@BASELINE_URL@|$(esc "${BASELINE_URL:-}")|; s|@ARTIFACT_URL@|$(esc "${ARTIFACT_URL:-}")|" \
	"$here/probecost-job.yaml")
# lava-common is a Debian package for the system python
py=/usr/bin/python3
"$py" -c 'import lava_common.schemas' 2>/dev/null || {
	echo "lava-job.sh: lava-common is not installed (apt-get install lava-common)" >&2
	exit 4
}
printf '%s\n' "$job" | "$py" -c '
import sys, yaml
from voluptuous import Invalid
from lava_common.schemas import validate
from lava_common.schemas.test.testdef import validate as validate_testdef
try:
    validate(yaml.safe_load(sys.stdin), strict=True)
except Invalid as e:
    sys.exit("lava-job.sh: the job does not validate: %s at %s" % (e.msg, "/".join(map(str, e.path))))
try:
    validate_testdef(yaml.safe_load(open(sys.argv[1])))
except Invalid as e:
    sys.exit("lava-job.sh: %s does not validate: %s at %s" % (sys.argv[1], e.msg, "/".join(map(str, e.path))))
' "$here/probecost.yaml" || exit 2
printf '%s\n' "$job"
