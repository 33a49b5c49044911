// SPDX-License-Identifier: MIT
/* probecost error code strings and exit statuses. */
#include "errors.h"

static const char *const pc_err_str[PC_ERR_MAX + 1] = {
	[0] = "success",
	[-PC_ERR_USAGE] = "invalid usage",
	[-PC_ERR_INVAL] = "invalid input",
	[-PC_ERR_NOMEM] = "out of memory",
	[-PC_ERR_SYS] = "system call failed",
	[-PC_ERR_UNSUPPORTED] = "not supported on this machine",
	[-PC_ERR_PERM] = "permission denied",
	[-PC_ERR_IO] = "input/output error",
	[-PC_ERR_ABI] = "kernel module ABI mismatch",
	[-PC_ERR_INTR] = "interrupted",
	[-PC_ERR_VERIFY] = "verification failed",
	[-PC_ERR_BUSY] = "resource busy",
};

const char *pc_strerror(int err)
{
	if (err > 0 || err < -PC_ERR_MAX || !pc_err_str[-err])
		return "unknown error";
	return pc_err_str[-err];
}

int pc_exit_status(int err)
{
	switch (err) {
	case PC_OK:
		return 0;
	case PC_ERR_USAGE:
	case PC_ERR_INVAL:
		return 2;
	default:
		return 1;
	}
}
