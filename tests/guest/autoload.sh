# SPDX-License-Identifier: MIT
# In the guest (scripts/guest.sh --script): `probecost run` loads
# probecost.ko itself when the kernel can load modules and it is not
# loaded, explains a module built for another kernel, and removes what it
# loaded when done. Results go to /out for tests/kmod-autoload.t.sh.
rmmod probecost 2>/dev/null
lsmod | grep -q '^probecost ' && echo loaded >/out/before || echo unloaded >/out/before

# a module built for the other Debian series: refused, with the reason
PROBECOST_KO=/probecost-other.ko $PROBECOST run --mech branch --state enabled \
	--quick --analyses none --events 1000 --out /out/wrong >/out/wrong.log 2>&1
echo $? >/out/wrong.rc
lsmod | grep -q '^probecost ' && echo loaded >/out/wrong.after || echo unloaded >/out/wrong.after

# the right one: loaded for the run, measured, removed afterwards
PROBECOST_KO=/probecost.ko $PROBECOST run --mech branch --state enabled \
	--quick --analyses none --events 1000 --out /out/right >/out/right.log 2>&1
echo $? >/out/right.rc
lsmod | grep -q '^probecost ' && echo loaded >/out/right.after || echo unloaded >/out/right.after
