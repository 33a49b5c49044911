/* SPDX-License-Identifier: MIT */
/*
 * Can two runs be compared at all? `probecost compare` asks this of both
 * runs' meta.csv before it looks at a single figure, because a change
 * that comes from the settings (another CPU, another payload, quick
 * against full) would otherwise be reported as a change of the code.
 *
 *   refused (unless --force)  cpu_model, timer_backend, payload,
 *                             vm_deterministic: every figure means
 *                             something else (other silicon, another
 *                             clock or unit, another recorded size).
 *   warned                    repeats, target_fire_n (quick or not),
 *                             kernel, vm_series, guest_kernel, counters:
 *                             figures stay comparable, but a change may
 *                             come from the setting rather than the tree
 *                             (comparing two kernels is a fair question;
 *                             fewer repeats only widen the CIs).
 *   refused (unless           status other than "complete"
 *    --allow-partial)         (interrupted, failed) or a *.part file in
 *                             the directory: rows are missing, and a
 *                             missing row would read as "only in ...".
 *
 * probecost_version and git_revision are expected to differ: that is
 * what a nightly compare is for. A key written on one side only is
 * ignored (older runs wrote fewer keys), except the guest's: a guest run
 * on one side only is warned about. A run without a status key predates
 * it and is taken as complete; the strict reader already refuses one
 * whose results.csv never left its .part file.
 */
#ifndef PC_COMPARABLE_H
#define PC_COMPARABLE_H

#include <stdbool.h>
#include <stddef.h>

#include "rundir.h"

#define PC_CMP_MAX_NOTES 16

struct pc_comparable {
	size_t nwarn, nrefuse;
	char warn[PC_CMP_MAX_NOTES][256];	/* "key: base X, new Y" */
	char refuse[PC_CMP_MAX_NOTES][320];	/* the difference and what to do */
};

/*
 * Check @base against @neu. Differences are sorted into @out: refusals
 * that @force (settings) or @allow_partial (incomplete runs) lift become
 * warnings. PC_OK when the runs may be compared, PC_ERR_INVAL when at
 * least one refusal stands.
 */
int pc_comparable_check(const struct pc_run *base, const struct pc_run *neu,
			bool force, bool allow_partial, struct pc_comparable *out);

#endif
