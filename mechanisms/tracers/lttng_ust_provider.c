// SPDX-License-Identifier: MIT
/*
 * The tracepoint provider of lttng_ust_tp.h: the probe LTTng-UST calls
 * when a session enables probecost_ust:site, and the registration of the
 * event with liblttng-ust.
 *
 * Built apart, as build/lttng_ust_provider.so linking liblttng-ust, and
 * dlopen()ed by the ust-tracepoint mechanism (lttng_ust.c) only after it
 * has started its own session daemon: liblttng-ust's constructor, which
 * this object brings in, starts the threads that register the process
 * with a session daemon and waits for that registration, so loading it
 * any earlier would register probecost with whatever daemon the paths it
 * finds lead to, and every probecost run would carry liblttng-ust's
 * threads whether it measures LTTng or not.
 *
 * Not in libprobecost.a (the Makefile leaves it out).
 */
#define TRACEPOINT_CREATE_PROBES
#define TRACEPOINT_DEFINE
#include "lttng_ust_tp.h"
