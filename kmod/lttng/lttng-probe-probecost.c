// SPDX-License-Identifier: GPL-2.0
/*
 * lttng-probe-probecost.ko: the LTTng probe for probecost.ko's trace
 * event (lttng_probecost.h), as lttng-modules' own src/probes/ are
 * built. lttng-sessiond loads it by name (--kmod-probes=...,probecost).
 */
#include <linux/module.h>
#include <lttng/tracer.h>

#define LTTNG_PACKAGE_BUILD
#define CREATE_TRACE_POINTS
#define TRACE_INCLUDE_PATH .
#define TRACE_INCLUDE_FILE lttng_probecost
#include "lttng_probecost.h"

MODULE_LICENSE("GPL and additional rights");
MODULE_DESCRIPTION("LTTng probe for probecost.ko's pcsite_tracepoint");
