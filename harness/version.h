/* SPDX-License-Identifier: MIT */
/* Version of probecost; PC_GIT_REV comes from the build. */
#ifndef PC_VERSION_H
#define PC_VERSION_H

#define PC_VERSION "0.1.0"

#ifndef PC_GIT_REV
#define PC_GIT_REV "unknown"
#endif

#endif
