// SPDX-License-Identifier: MIT
/* The victim walk: cache impact of probe hits on someone else's data (victim.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "victim.h"

#define LINE 64
#define SEED 0x9e3779b97f4a7c15ull

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* One random cycle through every line (Sattolo): no stride to prefetch. */
static int chain_init(struct pc_victim_chain *c, size_t bytes)
{
	size_t n = bytes / LINE, *perm;
	uint64_t s = SEED;

	memset(c, 0, sizeof(*c));
	if (n < 2)
		return PC_ERR_INVAL;
	c->mem = aligned_alloc(LINE, n * LINE);
	perm = malloc(n * sizeof(*perm));
	if (!c->mem || !perm) {
		free(c->mem);
		free(perm);
		c->mem = NULL;
		return PC_ERR_NOMEM;
	}
	for (size_t i = 0; i < n; i++)
		perm[i] = i;
	for (size_t i = n - 1; i > 0; i--) {
		size_t j = xorshift(&s) % i, t = perm[i];

		perm[i] = perm[j];
		perm[j] = t;
	}
	for (size_t i = 0; i < n; i++)
		*(void **)((char *)c->mem + perm[i] * LINE) =
			(char *)c->mem + perm[(i + 1) % n] * LINE;
	c->head = (char *)c->mem + perm[0] * LINE;
	c->lines = n;
	free(perm);
	return PC_OK;
}

static void *walk(const struct pc_victim_chain *c)
{
	void *p = c->head;

	for (size_t i = 0; i < c->lines; i++)
		p = *(void *volatile *)p;
	return p;
}

static void *volatile walk_sink;

/*
 * Fastest of the passes of the timed walk that follows k probe hits: the
 * misses the hits cause recur in every pass, an interrupt only in some.
 * The hits are fired without their count, which is read after the timed
 * walk: a counter read or ring drain enters the kernel, and that entry
 * alone evicts lines a walk then pays for, probe or no probe (a loaded,
 * unattached BPF program showed 1.8 us "per hit" when the read-back sat
 * between hits and walk).
 */
static int pass(struct pc_drive *d, const struct pc_victim_chain *c, uint64_t k,
		unsigned int passes, double *best)
{
	const struct pc_timer *t = &d->mt->timer;
	struct pc_fire f;
	int ret;

	*best = INFINITY;
	for (unsigned int p = 0; p < passes; p++) {
		uint64_t t0, t1;
		double w;

		walk_sink = walk(c);
		ret = pc_drive_fire_only(d, k, &f);
		if (ret != PC_OK)
			return ret;
		t0 = pc_timer_read(t);
		walk_sink = walk(c);
		t1 = pc_timer_read(t);
		ret = pc_drive_count(d, &f);
		if (ret != PC_OK)
			return ret;
		w = pc_timer_value(t, (double)(t1 - t0));
		if (w < *best)
			*best = w;
	}
	return PC_OK;
}

void pc_victim_close(struct pc_victim *v)
{
	struct pc_victim_out *out = &v->out;

	for (int st = 0; st < PC_NR_STATES; st++)
		for (int s = 0; s < PC_VICTIM_MAX_SETS; s++)
			for (int k = 0; k < PC_VICTIM_MAX_K; k++)
				free(out->slow[st][s][k]);
	for (int s = 0; s < PC_VICTIM_MAX_SETS; s++) {
		free(out->walk[s]);
		free(v->ch[s].mem);
	}
	memset(v, 0, sizeof(*v));
}

int pc_victim_open(struct pc_victim *v, const struct pc_victim_cfg *cfg)
{
	struct pc_victim_out *out = &v->out;
	int ret = PC_OK;

	memset(v, 0, sizeof(*v));
	if (cfg->nsets > PC_VICTIM_MAX_SETS || cfg->nk > PC_VICTIM_MAX_K ||
	    !cfg->nsets || !cfg->nk || !cfg->repeats || !cfg->passes)
		return PC_ERR_INVAL;
	v->cfg = *cfg;
	v->cfg.states |= PC_ST(PC_ABSENT);
	for (int st = 0; st < PC_NR_STATES; st++)
		for (size_t s = 0; s < cfg->nsets; s++)
			for (size_t k = 0; k < cfg->nk; k++) {
				out->slow[st][s][k] = calloc(cfg->repeats, sizeof(double));
				if (!out->slow[st][s][k])
					return PC_ERR_NOMEM;
			}
	for (size_t s = 0; ret == PC_OK && s < cfg->nsets; s++) {
		out->walk[s] = calloc(cfg->repeats, sizeof(double));
		if (!out->walk[s])
			return PC_ERR_NOMEM;
		ret = chain_init(&v->ch[s], cfg->bytes[s]);
		out->lines[s] = v->ch[s].lines;
	}
	return ret;
}

int pc_victim_slot(struct pc_victim *v, struct pc_drive *d, int slot, const char *variant)
{
	const struct pc_victim_cfg *cfg = &v->cfg;
	int ret = PC_OK;

	if (slot < PC_NR_STATES)
		snprintf(v->out.variant[slot], sizeof(v->out.variant[slot]), "%s", variant);
	for (size_t s = 0; ret == PC_OK && s < cfg->nsets; s++)
		for (size_t k = 0; ret == PC_OK && k < cfg->nk; k++)
			ret = pass(d, &v->ch[s], cfg->k[k], cfg->passes, &v->w[slot][s][k]);
	v->done[slot] = ret == PC_OK;
	return ret;
}

void pc_victim_fold(struct pc_victim *v)
{
	const struct pc_victim_cfg *cfg = &v->cfg;
	struct pc_victim_out *out = &v->out;
	double (*w)[PC_VICTIM_MAX_SETS][PC_VICTIM_MAX_K] = v->w;

	if (v->done[PC_ABSENT] && v->done[PC_NR_STATES] && out->n < cfg->repeats) {
		for (size_t s = 0; s < cfg->nsets; s++) {
			out->walk[s][out->n] = (w[PC_ABSENT][s][0] + w[PC_NR_STATES][s][0]) / 2;
			for (size_t k = 0; k < cfg->nk; k++) {
				double ref = (w[PC_ABSENT][s][k] + w[PC_NR_STATES][s][k]) / 2;
				double kk = (double)cfg->k[k];

				for (int st = 0; st < PC_NR_STATES; st++) {
					if (!(cfg->states & PC_ST(st)) || !v->done[st])
						continue;
					out->slow[st][s][k][out->nst[st]] = st == PC_ABSENT ?
						(w[PC_NR_STATES][s][k] - w[PC_ABSENT][s][k]) / kk :
						(w[st][s][k] - ref) / kk;
				}
			}
		}
		for (int st = 0; st < PC_NR_STATES; st++)
			if ((cfg->states & PC_ST(st)) && v->done[st])
				out->nst[st]++;
		out->n++;
	}
	pc_victim_drop(v);
}

void pc_victim_drop(struct pc_victim *v)
{
	memset(v->done, 0, sizeof(v->done));
}

/* Slots of one repeat: every state, then absent' closing the bracket. */
#define REF2 PC_NR_STATES

int pc_victim_measure(struct pc_drive *d, struct pc_victim *v)
{
	struct pc_victim_cfg *cfg = &v->cfg;
	unsigned int total = cfg->warmup + cfg->repeats;
	int ret = PC_OK;

	for (unsigned int rep = 0; ret == PC_OK && rep < total; rep++) {
		for (int i = 0; i <= REF2; i++) {
			int slot = pc_slot_order(rep, i, REF2 + 1);
			enum pc_state st = slot == REF2 ? PC_ABSENT : slot;

			if (!(cfg->states & PC_ST(st)))
				continue;
			if (pc_drive_stopped(d->mt)) {
				ret = PC_ERR_INTR;
				goto out;
			}
			if (cfg->tick)
				cfg->tick(cfg->arg, pc_state_name(st),
					  ((double)rep + (double)i / (REF2 + 1)) / total);
			ret = pc_drive_arm(d, st, NULL);
			if (ret == PC_OK) {
				char variant[64];

				pc_drive_variant(d, variant, sizeof(variant));
				ret = pc_victim_slot(v, d, slot, variant);
				pc_drive_disarm(d, NULL);
			}
			if (ret == PC_OK)
				continue;
			snprintf(v->out.why, sizeof(v->out.why), "%s: %.200s", pc_state_name(st),
				 d->in.why[0] ? d->in.why : pc_strerror(ret));
			if (st == PC_ABSENT)
				goto out;
			/* a state that cannot be armed is dropped, the rest go on */
			cfg->states &= ~PC_ST(st);
			ret = PC_OK;
		}
		if (rep < cfg->warmup)
			pc_victim_drop(v);
		else
			pc_victim_fold(v);
	}
out:
	if (d->armed)
		pc_drive_disarm(d, NULL);
	return ret;
}
