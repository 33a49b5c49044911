/* SPDX-License-Identifier: MIT */
/*
 * probecost error codes.
 *
 * Every fallible call returns PC_OK or one of the negative codes below;
 * callers compare against PC_OK, never "non-zero". The code says which
 * class of failure it was (and so which exit status and which advice
 * applies); the human detail -- the cause and what to do -- travels in
 * the message the failing layer prints or stores next to it.
 */
#ifndef PC_ERRORS_H
#define PC_ERRORS_H

enum pc_err {
	PC_OK = 0,		/* success */
	PC_ERR_USAGE = -1,	/* bad command line: exit status 2 */
	PC_ERR_INVAL = -2,	/* bad input data (file, value, state) */
	PC_ERR_NOMEM = -3,	/* out of memory */
	PC_ERR_SYS = -4,	/* a system call failed; errno text given */
	PC_ERR_UNSUPPORTED = -5,/* this machine cannot do it; not a failure */
	PC_ERR_PERM = -6,	/* missing privilege */
	PC_ERR_IO = -7,		/* reading or writing a file failed */
	PC_ERR_ABI = -8,	/* kernel module ABI mismatch */
	PC_ERR_INTR = -9,	/* interrupted by a signal */
	PC_ERR_VERIFY = -10,	/* the system did not do what we asked */
	PC_ERR_BUSY = -11,	/* someone else holds the resource */
};

#define PC_ERR_MAX 11

/* A static string for @err; never NULL, also for unknown codes. */
const char *pc_strerror(int err);

/* Process exit status for @err: 0 ok, 2 usage/input, 1 otherwise. */
int pc_exit_status(int err);

#endif
