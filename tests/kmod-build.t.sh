# SPDX-License-Identifier: MIT
# probecost.ko builds against both Debian guest series without a warning.
. tests/ktap.sh

ktap_plan 2
for series in 6.1 6.12; do
	if ! kf=$(scripts/kernel-fetch.sh "$series" --headers 2>/tmp/kf.$$); then
		skip "module builds against $series without warnings" "$(cat /tmp/kf.$$)"
		continue
	fi
	eval "$kf"
	if ! scripts/kmod-build.sh --fresh "$KDIR" >/tmp/kb.$$ 2>&1; then
		sed 's/^/# /' /tmp/kb.$$
		ok 1 "module builds against $series ($KVER) without warnings"
		continue
	fi
	log="build/kmod/$KVER/build.log"
	if grep -qi 'warning' "$log"; then
		grep -i 'warning' "$log" | sed 's/^/# /'
		ok 1 "module builds against $series ($KVER) without warnings"
	else
		ok 0 "module builds against $series ($KVER) without warnings"
	fi
done
rm -f /tmp/kf.$$ /tmp/kb.$$
ktap_finish
