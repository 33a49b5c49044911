// SPDX-License-Identifier: GPL-2.0
/*
 * probecost.ko: the misc device /dev/probecost and its ioctls.
 *
 * The device is the module's whole attack surface, so it is small and
 * strict (see probecost_abi.h for the contract):
 *  - mode 0600, and every ioctl checks CAP_SYS_ADMIN again, because an
 *    fd can be passed to a less privileged process;
 *  - one open at a time; a second open gets -EBUSY;
 *  - every argument is copied in whole and checked before use: the size
 *    field, zeroed padding and flags, mechanism and state in range,
 *    n and payload within bounds. Nothing is trusted, nothing WARNs;
 *  - closing the device, and unloading the module, disarm everything.
 * All mechanism ops run under pc_lock, so two threads sharing the fd
 * cannot interleave an arm with a run.
 */
#include <linux/bitops.h>
#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <asm/tsc.h>

#include "kmod_core.h"

#define PC_KMECH_ENTRY(id, sym, name, fam) [PROBECOST_MECH_##id] = &pc_kmech_##sym,
static const struct pc_kmech *const pc_kmechs[PROBECOST_NR_MECHS] = {
	PROBECOST_MECHS(PC_KMECH_ENTRY)
};
#undef PC_KMECH_ENTRY

static DEFINE_MUTEX(pc_lock);
static unsigned long pc_busy;
static struct probecost_info pc_info[PROBECOST_NR_MECHS];
/* state armed per mechanism; ABSENT when nothing is armed */
static enum probecost_state pc_state[PROBECOST_NR_MECHS];

static void pc_recompute_recording(void)
{
	bool rec = false;
	int i;

	for (i = 0; i < PROBECOST_NR_MECHS; i++)
		rec |= pc_state[i] == PROBECOST_RECORDING;
	WRITE_ONCE(pc_krecording, rec);
}

static void pc_disarm_one(int i)
{
	if (pc_state[i] != PROBECOST_ABSENT)
		pc_kmechs[i]->disarm();
	pc_state[i] = PROBECOST_ABSENT;
	pc_recompute_recording();
}

static void pc_disarm_all(void)
{
	int i;

	for (i = 0; i < PROBECOST_NR_MECHS; i++)
		pc_disarm_one(i);
}

/*
 * Copy a struct that starts with its own __u32 size: smaller than ours is
 * -EINVAL (a short struct), larger is -E2BIG (fields we do not know).
 */
static int pc_copy_in(void *k, u32 ksize, const void __user *u)
{
	u32 size;

	if (get_user(size, (const u32 __user *)u))
		return -EFAULT;
	if (size < ksize)
		return -EINVAL;
	if (size > ksize)
		return -E2BIG;
	if (copy_from_user(k, u, ksize))
		return -EFAULT;
	return 0;
}

static int pc_copy_out(void __user *u, const void *k, u32 ksize)
{
	return copy_to_user(u, k, ksize) ? -EFAULT : 0;
}

static int pc_check_mech(u32 mech)
{
	return mech < PROBECOST_NR_MECHS ? 0 : -EINVAL;
}

static long pc_version(void __user *u)
{
	struct probecost_version v;
	int ret = pc_copy_in(&v, sizeof(v), u);

	if (ret)
		return ret;
	memset(&v, 0, sizeof(v));
	v.size = sizeof(v);
	v.abi_version = PROBECOST_ABI_VERSION;
	v.nr_mechs = PROBECOST_NR_MECHS;
	v.max_payload = PROBECOST_MAX_PAYLOAD;
	v.max_events = PROBECOST_MAX_EVENTS;
	v.tsc_khz = tsc_khz;
	return pc_copy_out(u, &v, sizeof(v));
}

static long pc_info_ioctl(void __user *u)
{
	struct probecost_info in;
	int ret = pc_copy_in(&in, sizeof(in), u);

	if (ret)
		return ret;
	if (in.step_traps)
		return -EINVAL;
	ret = pc_check_mech(in.mech);
	if (ret)
		return ret;
	return pc_copy_out(u, &pc_info[in.mech], sizeof(in));
}

static long pc_arm(void __user *u)
{
	struct probecost_arm a;
	const struct pc_kmech *m;
	int ret = pc_copy_in(&a, sizeof(a), u);

	if (ret)
		return ret;
	if (a.pad || (a.flags & ~PROBECOST_ARM_FLAGS) || pc_check_mech(a.mech) ||
	    a.state >= PROBECOST_NR_STATES)
		return -EINVAL;
	if (a.payload > PROBECOST_MAX_PAYLOAD)
		return -E2BIG;
	if (pc_info[a.mech].err)
		return pc_info[a.mech].err;
	if (!(pc_info[a.mech].states & (1U << a.state)))
		return -EOPNOTSUPP;
	if (pc_state[a.mech] != PROBECOST_ABSENT)
		return -EBUSY;
	if (a.state == PROBECOST_ABSENT)
		return 0;

	m = pc_kmechs[a.mech];
	if (a.state == PROBECOST_RECORDING)
		pc_record_payload(a.payload);
	ret = m->arm(a.state, a.flags);
	if (ret) {
		m->disarm();
		return ret;
	}
	pc_state[a.mech] = a.state;
	pc_recompute_recording();
	return 0;
}

static long pc_disarm(void __user *u)
{
	struct probecost_disarm d;
	int ret = pc_copy_in(&d, sizeof(d), u);

	if (ret)
		return ret;
	ret = pc_check_mech(d.mech);
	if (ret)
		return ret;
	pc_disarm_one(d.mech);
	return 0;
}

static long pc_run(void __user *u)
{
	struct probecost_run r;
	int ret = pc_copy_in(&r, sizeof(r), u);

	if (ret)
		return ret;
	if (r.key_on)
		return -EINVAL;
	ret = pc_check_mech(r.mech);
	if (ret)
		return ret;
	if (!r.n)
		return -EINVAL;
	if (r.n > PROBECOST_MAX_EVENTS)
		return -E2BIG;
	if (pc_info[r.mech].err)
		return pc_info[r.mech].err;
	ret = pc_krun(pc_kmechs[r.mech], pc_state[r.mech] == PROBECOST_ABSENT, &r);
	if (ret)
		return ret;
	return pc_copy_out(u, &r, sizeof(r));
}

static long pc_toggle(void __user *u)
{
	struct probecost_toggle t;
	const struct pc_kmech *m;
	int ret = pc_copy_in(&t, sizeof(t), u);

	if (ret)
		return ret;
	ret = pc_check_mech(t.mech);
	if (ret)
		return ret;
	m = pc_kmechs[t.mech];
	if (pc_info[t.mech].err)
		return pc_info[t.mech].err;
	if (!m->toggle)
		return -EOPNOTSUPP;
	if (pc_state[t.mech] != PROBECOST_ABSENT)
		return -EBUSY;
	t.enable_ticks = 0;
	t.disable_ticks = 0;
	t.optimize_ns = 0;
	ret = m->toggle(&t);
	if (ret)
		return ret;
	return pc_copy_out(u, &t, sizeof(t));
}

static long pc_ioctl(struct file *f, unsigned int cmd, unsigned long arg)
{
	void __user *u = (void __user *)arg;
	long ret;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	switch (cmd) {
	case PROBECOST_IOC_VERSION:
	case PROBECOST_IOC_INFO:
	case PROBECOST_IOC_ARM:
	case PROBECOST_IOC_DISARM:
	case PROBECOST_IOC_RUN:
	case PROBECOST_IOC_TOGGLE:
		break;
	default:
		return -ENOTTY;
	}

	if (mutex_lock_interruptible(&pc_lock))
		return -EINTR;
	switch (cmd) {
	case PROBECOST_IOC_VERSION:
		ret = pc_version(u);
		break;
	case PROBECOST_IOC_INFO:
		ret = pc_info_ioctl(u);
		break;
	case PROBECOST_IOC_ARM:
		ret = pc_arm(u);
		break;
	case PROBECOST_IOC_DISARM:
		ret = pc_disarm(u);
		break;
	case PROBECOST_IOC_RUN:
		ret = pc_run(u);
		break;
	default:
		ret = pc_toggle(u);
		break;
	}
	mutex_unlock(&pc_lock);
	return ret;
}

static int pc_open(struct inode *inode, struct file *f)
{
	if (test_and_set_bit(0, &pc_busy))
		return -EBUSY;
	return 0;
}

static int pc_release(struct inode *inode, struct file *f)
{
	mutex_lock(&pc_lock);
	pc_disarm_all();
	mutex_unlock(&pc_lock);
	clear_bit(0, &pc_busy);
	return 0;
}

static const struct file_operations pc_fops = {
	.owner = THIS_MODULE,
	.open = pc_open,
	.release = pc_release,
	.unlocked_ioctl = pc_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice pc_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = PROBECOST_MODULE,
	.fops = &pc_fops,
	.mode = 0600,
};

#define PC_ABI_CHECK(type, bytes) BUILD_BUG_ON(sizeof(type) != (bytes));

static int __init pc_init(void)
{
	int i;

	PROBECOST_ABI_SIZES(PC_ABI_CHECK)
	for (i = 0; i < PROBECOST_NR_MECHS; i++) {
		const struct pc_kmech *m = pc_kmechs[i];
		struct probecost_info *in = &pc_info[i];

		in->size = sizeof(*in);
		in->mech = i;
		in->states = (1U << PROBECOST_NR_STATES) - 1;
		strscpy(in->name, m->name, sizeof(in->name));
		strscpy(in->site, m->site, sizeof(in->site));
		if (m->probe)
			m->probe(in);
		if (in->err)
			pr_info("%s: unsupported here: %s\n", m->name, in->why);
	}
	return misc_register(&pc_misc);
}

static void __exit pc_exit(void)
{
	misc_deregister(&pc_misc);
	mutex_lock(&pc_lock);
	pc_disarm_all();
	mutex_unlock(&pc_lock);
}

module_init(pc_init);
module_exit(pc_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("probecost: the cost of static tracepoints, kprobes and jump labels");
