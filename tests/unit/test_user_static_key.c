// SPDX-License-Identifier: MIT
/*
 * user-static-key, after lib/test_static_keys.c: verify, invert, verify,
 * restore -- here with two threads executing the site the whole time, so
 * every patch is a cross-modification of code another CPU is running.
 *
 * The threads check what they see: a fire() that started and ended
 * within one stable phase must count exactly what that phase's state
 * says (BATCH hits on, 0 off). A stable phase is published only after
 * arm() or disarm() returned, i.e. after the SYNC_CORE membarriers, so a stale
 * instruction seen after it is a failure of the protocol.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "errors.h"
#include "ktap.h"
#include "mech.h"
#include "registry.h"
#include "text_poke.h"

#define BATCH 4096
#define TOGGLES 300

static const struct pc_opts opts = { .payload = 16, .cpu = -1 };
static struct pc_inst in;
static const struct pc_mech *m;

/* 4k: stable off, 4k+1: turning on, 4k+2: stable on, 4k+3: turning off */
static unsigned long phase;
static int stop;
static unsigned long fires[2], wrong[2], wrong_phase[2];

static void *runner(void *arg)
{
	long id = (long)arg;

	while (!__atomic_load_n(&stop, __ATOMIC_ACQUIRE)) {
		unsigned long p0 = __atomic_load_n(&phase, __ATOMIC_ACQUIRE), p1;
		struct pc_fire f = { 0 };

		m->fire(&in, BATCH, &f);
		p1 = __atomic_load_n(&phase, __ATOMIC_ACQUIRE);
		fires[id]++;
		if (p0 == p1 && !(p0 & 1) && f.hits != (p0 % 4 == 2 ? BATCH : 0)) {
			wrong[id]++;
			wrong_phase[id] = p0;
		}
	}
	return NULL;
}

/* Enter a transition: fires overlapping it are not checked. */
static void begin(void)
{
	__atomic_add_fetch(&phase, 1, __ATOMIC_RELEASE);
}

/* Leave it: the state is now stable and must be what threads see. */
static void publish(void)
{
	__atomic_add_fetch(&phase, 1, __ATOMIC_RELEASE);
	usleep(200);	/* let both threads run the site in this state */
}

static int variant_is(const char *prefix)
{
	char buf[64];

	m->variant(&in, buf, sizeof(buf));
	return !strncmp(buf, prefix, strlen(prefix));
}

int main(void)
{
	pthread_t t[2];
	struct pc_fire f;
	char why[256];
	int ok = 1;

	ktap_plan(4);
	m = pc_registry_find("user-static-key");
	in.mech = m;
	in.opts = &opts;
	if (!m || pc_mech_available(m, why, sizeof(why)) != PC_OK || m->setup(&in) != PC_OK) {
		const char *r = !m ? "not registered" : in.why[0] ? in.why : why;

		for (int i = 0; i < 4; i++)
			ktap_skip(r, "user-static-key");
		return ktap_finish();
	}

	/* verify: off, the site reads nop5 and counts nothing */
	m->arm(&in, PC_DISABLED);
	m->fire(&in, 1000, &f);
	KTAP_OK(variant_is("nop5") && f.hits == 0, "verify: disabled site is a nop5, 0 hits");

	/* invert and restore, many times, under two running threads */
	for (long i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, runner, (void *)i);
	for (int i = 0; i < TOGGLES && ok; i++) {
		begin();
		ok = m->arm(&in, PC_ENABLED) == PC_OK;	/* patch while they run it */
		publish();
		begin();
		ok = ok && m->disarm(&in) == PC_OK;	/* and back */
		ok = ok && m->arm(&in, PC_DISABLED) == PC_OK;
		publish();
	}
	__atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	KTAP_OK(ok && !wrong[0] && !wrong[1] && fires[0] && fires[1],
		"%d toggles with 2 threads in the site: %lu+%lu fires, %lu+%lu wrong counts, %llu int3 emulations%s%s",
		TOGGLES, fires[0], fires[1], wrong[0], wrong[1],
		(unsigned long long)pc_text_poke_traps(), ok ? "" : ": ", ok ? "" : in.why);

	/* invert, verify */
	m->disarm(&in);
	m->arm(&in, PC_ENABLED);
	m->fire(&in, 1000, &f);
	KTAP_OK(variant_is("jmp") && f.hits == 1000, "invert: enabled site is a jmp, 1000 hits");

	/* restore */
	m->disarm(&in);
	m->arm(&in, PC_DISABLED);
	m->fire(&in, 1000, &f);
	KTAP_OK(variant_is("nop5") && f.hits == 0, "restore: nop5 again, 0 hits");
	m->disarm(&in);
	if (m->teardown)
		m->teardown(&in);
	return ktap_finish();
}
