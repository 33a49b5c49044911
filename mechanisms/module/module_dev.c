// SPDX-License-Identifier: MIT
/* /dev/probecost: open, ABI check, and the ioctls with errors explained. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "errors.h"
#include "module_dev.h"
#include "sysinfo.h"

#define PC_ABI_ASSERT(type, bytes) \
	_Static_assert(sizeof(type) == (bytes), #type " changed size: bump PROBECOST_ABI_VERSION");
PROBECOST_ABI_SIZES(PC_ABI_ASSERT)

bool pc_module_loadable(void)
{
	return strcmp(pc_kconfig("MODULES"), "n") != 0;
}

static void not_loaded(char *why, size_t len);

int pc_module_find(char *path, size_t len)
{
	const char *env = getenv("PROBECOST_KO");
	char exe[PATH_MAX], *slash;
	struct utsname u;
	ssize_t n;

	if (env && *env) {
		snprintf(path, len, "%s", env);
		return access(path, R_OK) == 0 ? PC_OK : PC_ERR_UNSUPPORTED;
	}
	if (uname(&u) < 0)
		return PC_ERR_SYS;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash)
			*slash = '\0';
		if (snprintf(path, len, "%s/kmod/%s/probecost.ko", exe, u.release) < (int)len &&
		    access(path, R_OK) == 0)
			return PC_OK;
		if (snprintf(path, len, "%s/kmod/probecost.ko", exe) < (int)len &&
		    access(path, R_OK) == 0)
			return PC_OK;
		if (snprintf(path, len, "%s/probecost.ko", exe) < (int)len &&
		    access(path, R_OK) == 0)
			return PC_OK;
	}
	snprintf(path, len, "/lib/modules/%s/extra/probecost.ko", u.release);
	return access(path, R_OK) == 0 ? PC_OK : PC_ERR_UNSUPPORTED;
}

/* Turn a finit_module errno into the cause and what to do. */
static int load_error(int e, const char *path, char *why, size_t len)
{
	char mode[128];

	switch (e) {
	case EEXIST:
		return PC_OK;
	case EPERM:
		pc_lockdown(mode, sizeof(mode));
		if (strcmp(mode, "none") && strncmp(mode, "unknown", 7))
			snprintf(why, len, "kernel lockdown (%s) forbids loading %s: boot with lockdown=none or use --vm",
				 mode, path);
		else
			snprintf(why, len, "the kernel refused to load %s (EPERM: lockdown, a security module or modules_disabled=1): use --vm",
				 path);
		return PC_ERR_PERM;
	case EKEYREJECTED:
	case ENOKEY:
	case EBADMSG:
		snprintf(why, len, "module signature enforcement (CONFIG_MODULE_SIG_FORCE=%s or module.sig_enforce=1) rejects the unsigned %s: sign it with the kernel's key or use --vm",
			 pc_kconfig("MODULE_SIG_FORCE"), path);
		return PC_ERR_PERM;
	case ENOEXEC:
	case EINVAL:
		snprintf(why, len, "%s was built for another kernel (%s): rebuild it with make kmod",
			 path, strerror(e));
		return PC_ERR_INVAL;
	default:
		snprintf(why, len, "loading %s failed: %s", path, strerror(e));
		return PC_ERR_SYS;
	}
}

int pc_module_autoload(bool *loaded, char *why, size_t len)
{
	char path[PATH_MAX];
	int fd, ret;

	*loaded = false;
	if (access(PROBECOST_DEVICE, F_OK) == 0)
		return PC_OK;
	if (!pc_module_loadable()) {
		not_loaded(why, len);
		return PC_ERR_UNSUPPORTED;
	}
	if (!pc_is_root()) {
		snprintf(why, len, "loading probecost.ko needs root (CAP_SYS_MODULE)");
		return PC_ERR_PERM;
	}
	if (pc_module_find(path, sizeof(path)) != PC_OK) {
		not_loaded(why, len);
		return PC_ERR_UNSUPPORTED;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(why, len, "open %s: %s", path, strerror(errno));
		return PC_ERR_IO;
	}
	ret = (int)syscall(SYS_finit_module, fd, "", 0);
	if (ret < 0) {
		ret = load_error(errno, path, why, len);
		close(fd);
		return ret;
	}
	close(fd);
	*loaded = true;
	return PC_OK;
}

int pc_module_unload(char *why, size_t len)
{
	/* O_NONBLOCK: refuse at once if in use, never wait on a reference */
	if (syscall(SYS_delete_module, PROBECOST_MODULE, O_NONBLOCK) < 0) {
		snprintf(why, len, "rmmod %s: %s", PROBECOST_MODULE, strerror(errno));
		return PC_ERR_SYS;
	}
	return PC_OK;
}

static void not_loaded(char *why, size_t len)
{
	struct utsname u;

	if (uname(&u) < 0)
		snprintf(u.release, sizeof(u.release), "$(uname -r)");
	if (!pc_module_loadable())
		snprintf(why, len, "CONFIG_MODULES is off in this kernel: runs in the QEMU guest (probecost run --vm)");
	else
		snprintf(why, len, "probecost.ko not loaded: run make kmod && insmod build/kmod/%s/probecost.ko (or probecost run --vm)",
			 u.release);
}

int pc_module_open(struct pc_module *mod, char *why, size_t len)
{
	int e;

	memset(mod, 0, sizeof(*mod));
	mod->fd = open(PROBECOST_DEVICE, O_RDWR | O_CLOEXEC);
	if (mod->fd < 0) {
		e = errno;
		if (e == ENOENT || e == ENXIO || e == ENODEV) {
			not_loaded(why, len);
			return PC_ERR_UNSUPPORTED;
		}
		if (e == EBUSY) {
			snprintf(why, len, "%s is held by another probecost run: wait for it to finish",
				 PROBECOST_DEVICE);
			return PC_ERR_BUSY;
		}
		snprintf(why, len, "open %s: %s%s", PROBECOST_DEVICE, strerror(e),
			 e == EACCES || e == EPERM ? ": run as root" : "");
		return e == EACCES || e == EPERM ? PC_ERR_PERM : PC_ERR_SYS;
	}
	/* the version first: nothing else is interpreted before it matches */
	mod->ver.size = sizeof(mod->ver);
	if (ioctl(mod->fd, PROBECOST_IOC_VERSION, &mod->ver) < 0 ||
	    mod->ver.abi_version != PROBECOST_ABI_VERSION) {
		e = errno;
		if (mod->ver.abi_version)
			snprintf(why, len, "probecost.ko speaks ABI %u, this harness ABI %u: rebuild and reload the module (make kmod; rmmod probecost; insmod build/kmod/$(uname -r)/probecost.ko)",
				 mod->ver.abi_version, PROBECOST_ABI_VERSION);
		else
			snprintf(why, len, "probecost.ko does not answer the version ioctl (%s): rebuild and reload the module (make kmod; rmmod probecost; insmod ...)",
				 strerror(e));
		pc_module_close(mod);
		return PC_ERR_ABI;
	}
	for (uint32_t i = 0; i < PROBECOST_NR_MECHS && i < mod->ver.nr_mechs; i++) {
		mod->info[i].size = sizeof(mod->info[i]);
		mod->info[i].mech = i;
		if (ioctl(mod->fd, PROBECOST_IOC_INFO, &mod->info[i]) < 0) {
			snprintf(why, len, "probecost.ko info ioctl for mechanism %u: %s", i,
				 strerror(errno));
			pc_module_close(mod);
			return PC_ERR_SYS;
		}
		mod->info[i].name[sizeof(mod->info[i].name) - 1] = '\0';
		mod->info[i].site[sizeof(mod->info[i].site) - 1] = '\0';
		mod->info[i].why[sizeof(mod->info[i].why) - 1] = '\0';
	}
	return PC_OK;
}

void pc_module_close(struct pc_module *mod)
{
	if (mod->fd >= 0)
		close(mod->fd);
	mod->fd = -1;
}

/* errno of a failed ioctl -> pc_err, with @what and advice in @why */
static int ioctl_err(int e, const char *what, char *why, size_t len)
{
	switch (e) {
	case EOPNOTSUPP:
		snprintf(why, len, "%s: this kernel does not support it", what);
		return PC_ERR_UNSUPPORTED;
	case EBUSY:
		snprintf(why, len, "%s: already armed (a previous arm was not undone)", what);
		return PC_ERR_BUSY;
	case EINTR:
		snprintf(why, len, "%s: interrupted", what);
		return PC_ERR_INTR;
	case EPERM:
	case EACCES:
		snprintf(why, len, "%s: needs CAP_SYS_ADMIN: run as root", what);
		return PC_ERR_PERM;
	case ETIMEDOUT:
		snprintf(why, len, "%s: the kernel did not finish in time", what);
		return PC_ERR_VERIFY;
	case EINVAL:
	case E2BIG:
	case ENOTTY:
		snprintf(why, len, "%s: rejected by probecost.ko (%s): harness and module disagree; rebuild both",
			 what, strerror(e));
		return PC_ERR_ABI;
	default:
		snprintf(why, len, "%s: %s", what, strerror(e));
		return PC_ERR_SYS;
	}
}

int pc_module_arm(struct pc_module *mod, uint32_t mech, uint32_t state,
		  uint32_t payload, uint32_t flags, char *why, size_t len)
{
	struct probecost_arm a = {
		.size = sizeof(a), .mech = mech, .state = state, .payload = payload,
		.flags = flags,
	};

	if (ioctl(mod->fd, PROBECOST_IOC_ARM, &a) < 0)
		return ioctl_err(errno, "probecost.ko arm", why, len);
	return PC_OK;
}

int pc_module_disarm(struct pc_module *mod, uint32_t mech)
{
	struct probecost_disarm d = { .size = sizeof(d), .mech = mech };

	return ioctl(mod->fd, PROBECOST_IOC_DISARM, &d) < 0 ? PC_ERR_SYS : PC_OK;
}

int pc_module_run(struct pc_module *mod, uint32_t mech, uint64_t n,
		  struct probecost_run *out, char *why, size_t len)
{
	memset(out, 0, sizeof(*out));
	out->size = sizeof(*out);
	out->mech = mech;
	out->n = n;
	if (ioctl(mod->fd, PROBECOST_IOC_RUN, out) < 0)
		return ioctl_err(errno, "probecost.ko run", why, len);
	return PC_OK;
}

int pc_module_toggle(struct pc_module *mod, uint32_t mech,
		     struct probecost_toggle *out, char *why, size_t len)
{
	memset(out, 0, sizeof(*out));
	out->size = sizeof(*out);
	out->mech = mech;
	if (ioctl(mod->fd, PROBECOST_IOC_TOGGLE, out) < 0)
		return ioctl_err(errno, "probecost.ko toggle", why, len);
	return PC_OK;
}

uint64_t pc_module_traps(const struct pc_module *mod, uint32_t mech, uint32_t probe_byte,
			 uint64_t hits)
{
	if (probe_byte != PC_X86_INT3 || mech >= PROBECOST_NR_MECHS)
		return 0;
	return hits * (1 + mod->info[mech].step_traps);
}
