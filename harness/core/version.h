/* SPDX-License-Identifier: MIT */
/* Version of probecost and the revision this binary was built from. */
#ifndef PC_VERSION_H
#define PC_VERSION_H

#define PC_VERSION "0.1.0"

/* `git describe --always --dirty` at build time (build/gitrev.c), or "unknown" */
extern const char pc_git_rev[];

#endif
