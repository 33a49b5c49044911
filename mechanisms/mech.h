/* SPDX-License-Identifier: MIT */
/*
 * The mechanism interface: what every instrumentation mechanism probecost
 * measures must provide.
 *
 * A mechanism is one `const struct pc_mech` filled with designated
 * initializers and listed once in registry.c. The harness owns the method
 * (N/2N differencing, interleaving, statistics); a mechanism owns only its
 * site and how to switch the instrumentation at that site between states.
 *
 * States, in the order of increasing work at the site:
 *
 *   absent     no instrumentation compiled at the site: the uninstrumented
 *              twin of the site function. Every mechanism has it; it is
 *              the baseline its other states are subtracted from.
 *   disabled   instrumentation present and off (a nop, a flag test ...).
 *   filtered   on, armed for someone else: the probe runs on every event
 *              and a filter rejects it (a trace event filter no event
 *              passes), so nothing is recorded. fire()'s hits are the
 *              times the probe ran, where the kernel counts them (a
 *              uprobe event's uprobe_profile), else PC_HITS_UNKNOWN; an
 *              event that got through is the count op's error. Optional
 *              (PC_ST_ALL leaves it out); the enum value comes last
 *              because probecost.ko's ABI shares the numbers, and
 *              pc_state_order gives the order above.
 *   enabled    on, with an empty handler that only counts the hit.
 *   recording  on, with a real consumer writing a payload somewhere.
 *
 * Contract for the ops (all return PC_OK or a negative enum pc_err):
 *
 *   available  optional; PC_OK, or PC_ERR_UNSUPPORTED with a one-line
 *              reason in @why ("CONFIG_KPROBES is off in this kernel").
 *   setup      optional; allocate in->priv, open what arm() will need.
 *   arm        switch the site to @st. The engine always disarms before
 *              arming another state, so arm() starts from "nothing armed".
 *   disarm     undo arm(); must be safe to call when nothing is armed and
 *              must leave nothing behind (no probe, no event, no patch).
 *   fire       run the site @n times, in the state last armed. Fill
 *              @out->hits with what the instrumentation itself counted
 *              (PC_HITS_UNKNOWN if it has no count); a mechanism that times
 *              itself (the kernel module) fills @out->ticks with TSC ticks
 *              (@out->tsc_khz their rate) and sets @out->self_timed, and
 *              the caller then uses that instead of its own timer reads
 *              around the call.
 *   count      optional; fill @out->hits (and lost, missed) with what the
 *              instrumentation counted during the fire() just done, where
 *              reading it takes syscalls (a perf count, per-CPU ring
 *              stats). Callers time fire() alone and call pc_mech_count()
 *              after their timer read, so the count never lands in the
 *              measured region; pc_mech_fire() is both, for untimed fires.
 *   variant    optional; write the variant actually in force, read back
 *              from the system (e.g. "[OPTIMIZED]"), not the one asked for.
 *   toggle     optional; with nothing armed, switch the site's
 *              instrumentation on (@on, as in enabled) or off again, one
 *              call each: the toggle a user makes when turning a compiled-
 *              in tracepoint on or attaching a probe. The caller times
 *              each call, unless the op times the switch itself (fills
 *              @out->ticks and sets @out->self_timed, as fire() does); the
 *              off call must be safe after a failed on, as disarm is.
 *              A mechanism whose switch is its enabled arm() and disarm()
 *              (a uprobe's perf_event_open and close, a BPF program's load
 *              and attach) has none: the engine's enabled arm-latency and
 *              disarm-latency rows are that switch, timed in every repeat.
 *   others     optional; arm @k other probes of the same kind on other
 *              sites that never run (k = 0: remove them), so that the
 *              measured probe's hits are served with @k more probes
 *              armed: what "the per-hit cost grows with armed probes"
 *              claims are about. They stay armed across arm/disarm of
 *              the measured site until others(0) or teardown. The op
 *              reads back how many are armed (fails when not @k) and
 *              says how in @what, for the row's note. At most
 *              PC_OTHERS_MAX.
 *   teardown   optional; free what setup() took. Called after disarm().
 *              Not called after a setup() that failed: setup frees what it
 *              took on its error paths.
 *   reap       optional; find and remove what a killed earlier run left
 *              behind (its tracefs events, an armed module), describing
 *              what it did in @report. Called before a run starts.
 *
 * Tracer: the tool that consumes the site's events, one of the tracer
 * axis's names ("ftrace", "perf" (a counting perf event), "perf-record"
 * (perf record's sampling ring), "bpf", "lttng", "stap"; "self" for the
 * mechanism's own handler or ring, e.g. probecost.ko's kprobe handler that
 * counts hits; "-" where nothing consumes). A primitive whose states use
 * different consumers (a uprobe counted by a perf event when enabled,
 * written to an ftrace ring when recording) names them per state in
 * tracers[]; a tracer entry (the same site consumed by BPF, LTTng ...)
 * sets tracer for all its states and shares the primitive's name: a
 * registry entry is a (name, tracer) pair, and rows carry both.
 * pc_mech_tracer() resolves it.
 *
 * Flags: PC_MECH_MT says fire() may run in several threads at once on the
 * armed site (needed by the scaling analysis), and that every thread's
 * hits are counted: either fire() fills out->hits for its own thread
 * (summed by the caller), or the count op, called once by the arming
 * thread after the firing threads are joined, counts the hits of all of
 * them. For the latter the caller sets opts->threads before arm(): a
 * perf count must then be opened with inherit (the threads the arming
 * thread creates afterwards get a counter each, read back summed) and a
 * thread-filtered instance must follow new threads (event-fork). mt_hits
 * says per state how the hits of several threads are counted, for the
 * rows' note. A mechanism without the flag says why in mt_why, and the
 * scaling analysis writes that as its unsupported row.
 *
 * PC_MECH_OPT_IN leaves the mechanism out of a run that names no
 * mechanism and no tracer (the default suite, make run), because it is
 * slow; opt_in_why says why, and the run's meta.csv and report name it.
 * Named with --mech or --tracer, it runs.
 *
 * PC_MECH_PER_HIT: fire(n) runs a workload n times (a user's --trigger
 * command, a built-in loop for a user's probe point) and each run hits
 * the instrumentation as often as it does, which only the count op
 * knows: the engine reports costs per hit, dividing the extra time per
 * run by the hits per run counted in the same state (hit_ratio is then
 * hits per run), and a counting state whose runs made no hit fails
 * ("the trigger did not fire the point"), never gives a figure.
 *
 * PC_MECH_SWITCHES: fire() switches out by design (it waits for a
 * command it started, or ping-pongs with a partner thread), so a context
 * switch during a measurement is the workload, not a disturbance: only
 * the T(2N)/T(N) test guards its pairs.
 *
 * PC_MECH_FORKS: each workload run starts processes (a --trigger
 * command), which a counter that follows them (perf inherit) pays for
 * per fork and exit: the enabled rows say so.
 *
 * PC_MECH_GUEST: its tool runs only in the QEMU guest (the stap tracer:
 * modules cross-built for the guest's kernel), whatever its site's
 * place: run sends it there as it sends the live-kernel entries this
 * kernel cannot run, a user site (stap's usdt) included.
 *
 * On failure an op stores the cause and what to do in in->why (use
 * pc_inst_fail()) so the caller can print one useful line.
 *
 * A mechanism never times, counts or writes rows beyond the above: the
 * measurement layer (harness/core/drive.h) does, the same way for the
 * engine and every analysis.
 */
#ifndef PC_MECH_H
#define PC_MECH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum pc_state {
	PC_ABSENT,
	PC_DISABLED,
	PC_ENABLED,
	PC_RECORDING,
	PC_FILTERED,
	PC_NR_STATES
};

#define PC_ST(s)	(1u << (s))
/* the four states every instrumented mechanism has */
#define PC_ST_ALL	(PC_ST(PC_ABSENT) | PC_ST(PC_DISABLED) | PC_ST(PC_ENABLED) | \
			 PC_ST(PC_RECORDING))
/* any state at all, for masks */
#define PC_ST_ANY	(PC_ST(PC_NR_STATES) - 1)

/* The states in the order of increasing work, for tables and slots. */
extern const enum pc_state pc_state_order[PC_NR_STATES];

enum pc_family {
	PC_FAM_BASELINE,
	PC_FAM_STATIC,
	PC_FAM_DYNAMIC,
	PC_FAM_JUMP,
	PC_NR_FAMILIES
};

/* Where the instrumented site executes. */
enum pc_where {
	PC_WHERE_USER,		/* in this process */
	PC_WHERE_KERNEL,	/* the live kernel, reached by a syscall */
	PC_WHERE_MODULE,	/* probecost.ko, natively or in the guest */
	PC_NR_WHERE
};

#define PC_HITS_UNKNOWN	UINT64_MAX

struct pc_fire {
	uint64_t hits;		/* events the instrumentation counted */
	uint64_t lost;		/* events the consumer dropped (ring full) */
	uint64_t missed;	/* hits the mechanism skipped (kprobe nmissed) */
	uint64_t ticks;		/* self-timed duration, TSC ticks */
	uint64_t tsc_khz;	/* their rate; 0: unknown (the run's TSC) */
	bool self_timed;
	/*
	 * Traps (int3, #DB) taken on the way to the handler, over the whole
	 * fire, where the mechanism knows them (traps_known): probecost.ko's
	 * kprobes count the hits their handler took in the trap; see
	 * module_mechs.c. Left zero, nothing is said about traps.
	 */
	uint64_t traps;
	bool traps_known;
};

/* What one toggle() call reports (zeroed by the caller, settle_ns NaN). */
struct pc_toggle {
	uint64_t ticks;		/* self-timed duration of the switch, TSC ticks */
	uint64_t tsc_khz;	/* their rate; 0: unknown (the run's TSC) */
	bool self_timed;
	double settle_ns;	/* on: until the fast variant serves hits; NaN: none */
	const char *what;	/* what the switch does, for the row's note */
};

/* Run-wide settings a mechanism may need; read-only for mechanisms. */
struct pc_opts {
	uint32_t payload;	/* bytes written per event in recording */
	int cpu;		/* OS index of the PU the run is bound to */
	bool verbose;
	/*
	 * Several threads will fire the armed site (PC_MECH_MT): count the
	 * hits of the threads created after arm() too.
	 */
	bool threads;
};

struct pc_mech;

/* One live use of a mechanism during a run. */
struct pc_inst {
	const struct pc_mech *mech;
	const struct pc_opts *opts;
	void *priv;
	char why[256];
};

#define PC_MECH_MT	(1u << 0)
#define PC_MECH_OPT_IN	(1u << 1)
#define PC_MECH_PER_HIT	(1u << 2)
#define PC_MECH_SWITCHES	(1u << 3)
#define PC_MECH_FORKS	(1u << 4)
/*
 * Every disarm of an attached state waits out an RCU grace period
 * (uprobe_unregister_sync: 14-76 ms on the development VM, per disarm,
 * twice a repeat): run picks fewer repeats for it by default (cmd_run.c).
 */
#define PC_MECH_GRACE	(1u << 5)
#define PC_MECH_GUEST	(1u << 6)

/* The most other probes the others op arms (run --armed). */
#define PC_OTHERS_MAX	1000

struct pc_mech {
	const char *name;
	const char *summary;		/* one line for `probecost list` */
	enum pc_family family;
	enum pc_where where;
	unsigned int states;		/* PC_ST() mask */
	unsigned int flags;		/* PC_MECH_* */
	/* without PC_MECH_MT: why fire() cannot run on several threads */
	const char *mt_why;
	/* with PC_MECH_MT, per state: how several threads' hits are counted */
	const char *mt_hits[PC_NR_STATES];
	/* with PC_MECH_OPT_IN: why the default suite leaves it out */
	const char *opt_in_why;
	const void *data;		/* constants of a generated variant */
	/* the consumer (see "Tracer" above): per state, else for all states */
	const char *tracers[PC_NR_STATES];
	const char *tracer;
	/*
	 * A tracer entry named otherwise than the primitive whose site it
	 * fires (syscall-raw-tracepoint fires syscall-tracepoint's): that
	 * primitive's name. The analyses of the bare site (disabled,
	 * footprint) are the primitive's, as for an entry of the same name.
	 */
	const char *site_of;
	/*
	 * Per state where fire()/count() report PC_HITS_UNKNOWN: why nothing
	 * counts the hits. The rows' hit ratio is empty and their note says this.
	 */
	const char *hits_why[PC_NR_STATES];

	int (*available)(const struct pc_mech *m, char *why, size_t len);
	int (*setup)(struct pc_inst *in);
	int (*arm)(struct pc_inst *in, enum pc_state st);
	int (*disarm)(struct pc_inst *in);
	int (*fire)(struct pc_inst *in, uint64_t n, struct pc_fire *out);
	int (*count)(struct pc_inst *in, struct pc_fire *out);
	int (*variant)(struct pc_inst *in, char *buf, size_t len);
	int (*toggle)(struct pc_inst *in, bool on, struct pc_toggle *out);
	int (*others)(struct pc_inst *in, unsigned int k, char *what, size_t len);
	void (*teardown)(struct pc_inst *in);
	int (*reap)(const struct pc_mech *m, char *report, size_t len);
};

const char *pc_state_name(enum pc_state st);
const char *pc_family_name(enum pc_family f);
const char *pc_where_name(enum pc_where w);
/*
 * The tracer consuming @m's events in state @st: tracers[st], else
 * tracer, else "-" (nothing consumes). Never NULL.
 */
const char *pc_mech_tracer(const struct pc_mech *m, enum pc_state st);
/* The entry's tracer name for --tracer and `list`: tracer, else "-". */
const char *pc_mech_tool(const struct pc_mech *m);
/*
 * Whether tracer @t consumes any of @m's states (its tool, or a per-state
 * tracer): what `run --tracer` selects on.
 */
bool pc_mech_uses_tracer(const struct pc_mech *m, const char *t);
/* @m's tracers, each once, joined by '/' ("perf/ftrace"; "-" for none). */
void pc_mech_tracers_str(const struct pc_mech *m, char *buf, size_t len);

/* Parse a state name; returns PC_NR_STATES when unknown. */
enum pc_state pc_state_parse(const char *s);

/* Store a printf-style cause in in->why and return @err. */
int pc_inst_fail(struct pc_inst *in, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* After fire(): the mechanism's count op, if it has one (see above). */
int pc_mech_count(struct pc_inst *in, struct pc_fire *out);
/* An untimed fire(n) and its count. */
int pc_mech_fire(struct pc_inst *in, uint64_t n, struct pc_fire *out);

/* Check availability; @why gets the reason when not PC_OK. */
int pc_mech_available(const struct pc_mech *m, char *why, size_t len);

#endif
