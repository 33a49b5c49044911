# probecost -- measure what Linux instrumentation costs.
#
#   make            build the harness at build/probecost
#   make run        install what is missing, build, run the default suite,
#                   then report (report.txt, report.md) and plot it
#   make test       install what is missing, build, run the whole test suite
#   make bench      the benchmark figures quoted in the issues' notes
#   make kmod       build probecost.ko against the running kernel (KDIR=)
#   make fuzz       100,000 random ioctls against probecost.ko in the guest
#   make clean

CC      ?= gcc
PKGS    := hwloc gsl zlib libelf liblzma
BUILD   := build
GIT_REV := $(shell git describe --always --dirty 2>/dev/null || echo unknown)

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

CFLAGS   ?= -O2 -g
CFLAGS   += -std=c11 -Wall -Wextra -Werror -D_GNU_SOURCE -MMD -MP
# One folder per layer (docs/architecture.md); file names are unique
# across them (tests/layout.t.sh), so every folder is on the include path.
SRC_DIRS := $(sort $(dir $(wildcard harness/*/*.c harness/*/*.h mechanisms/*.h mechanisms/*/*.c mechanisms/*/*.h)))
CPPFLAGS += $(patsubst %/,-I%,$(SRC_DIRS)) -Ikmod $(PKG_CFLAGS)
LDLIBS   += $(PKG_LIBS) -lpfm -lcsv -lm

# The BPF tracer (mechanisms/tracers/bpf_*.c) needs clang for its BPF
# programs, bpftool for their skeleton and libbpf; without them the stub
# is built, whose entries say what to install (scripts/deps.sh, build).
BPF_CLANG ?= clang
BPFTOOL   ?= bpftool
BPF_OK    := $(shell pkg-config --exists libbpf 2>/dev/null && command -v $(BPF_CLANG) >/dev/null && \
		command -v $(BPFTOOL) >/dev/null && echo 1)
BPF_ARCH  := $(patsubst x86_64,x86,$(patsubst aarch64,arm64,$(shell uname -m)))
BPF_SKEL  := $(BUILD)/bpf/bpf_probes.skel.h

# user-space mechanism parts; kernel parts are named kmod_*.c, BPF
# programs *.bpf.c, and one of the BPF tracer's ops and its stub is built
MECH_SRCS := $(wildcard mechanisms/*.c) \
	     $(foreach f,$(wildcard mechanisms/*/*.c),$(if $(filter kmod_% %.bpf.c,$(notdir $(f))),,$(f)))
ifeq ($(BPF_OK),1)
MECH_SRCS := $(filter-out mechanisms/tracers/bpf_stub.c,$(MECH_SRCS))
CPPFLAGS   += -I$(BUILD)/bpf
else
MECH_SRCS := $(filter-out mechanisms/tracers/bpf_ops.c,$(MECH_SRCS))
endif

# libbpf alone (no clang or bpftool) is what churn needs to read a
# kernel's BTF (harness/churn/churn_btf.c: the signature comparison);
# without it churn_btf_stub.c is built and the comparison says why not.
HAVE_LIBBPF := $(shell pkg-config --exists libbpf 2>/dev/null && echo yes)
CHURN_BTF_SKIP := harness/churn/$(if $(HAVE_LIBBPF),churn_btf_stub.c,churn_btf.c)
ifeq ($(HAVE_LIBBPF),yes)
CPPFLAGS   += $(shell pkg-config --cflags libbpf) -DPC_HAVE_LIBBPF
LDLIBS     += $(shell pkg-config --libs libbpf)
endif

# LTTng-UST (the ust-tracepoint mechanism), when its development files are
# here at parse time; else a stub that says what to install. The provider
# (the probe, linking liblttng-ust) is a shared object of its own that the
# mechanism dlopen()s after starting its session daemon: never in the
# library, so no other run carries liblttng-ust's threads.
LTTNG_PKGS := lttng-ust lttng-ctl
HAVE_LTTNG := $(shell pkg-config --exists $(LTTNG_PKGS) 2>/dev/null && echo yes)
# The kernel tracer's entries (lttng_kernel.c) drive lttng-sessiond
# through liblttng-ctl as well, and share its plumbing (lttng_ctl.c).
LTTNG_SKIP := mechanisms/tracers/lttng_ust_provider.c \
	      $(addprefix mechanisms/tracers/,$(if $(HAVE_LTTNG),lttng_ust_stub.c lttng_kernel_stub.c,lttng_ust.c lttng_kernel.c lttng_ctl.c))
LTTNG_SO   := $(if $(HAVE_LTTNG),$(BUILD)/lttng_ust_provider.so)
MECH_SRCS  := $(filter-out $(LTTNG_SKIP),$(MECH_SRCS))
ifeq ($(HAVE_LTTNG),yes)
LDLIBS     += $(shell pkg-config --libs lttng-ctl) -ldl
endif

LIB_SRCS  := $(filter-out harness/cli/main.c $(CHURN_BTF_SKIP),$(wildcard harness/*/*.c)) $(MECH_SRCS)
LIB_OBJS  := $(patsubst %.c,$(BUILD)/%.o,$(LIB_SRCS)) $(BUILD)/gitrev.o
MAIN_OBJ  := $(BUILD)/harness/cli/main.o

TEST_SRCS := $(wildcard tests/unit/*.c)
TEST_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(TEST_SRCS))
# programs the tests run inside the QEMU guest: static, no libraries to pack
GUEST_BINS := $(BUILD)/tests-guest/pcdev

.PHONY: all deps run test bench kmod fuzz clean tests FORCE
all: $(BUILD)/probecost

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

# The revision goes into one object, rewritten only when it changes: a -D
# flag would leave objects compiled before a commit naming the old one.
$(BUILD)/gitrev.c: FORCE
	@mkdir -p $(BUILD)
	@echo 'const char pc_git_rev[] = "$(GIT_REV)";' >$@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi

$(BUILD)/gitrev.o: $(BUILD)/gitrev.c
	$(CC) $(CFLAGS) -c -o $@ $<

# BPF programs: clang -target bpf, embedded by a bpftool skeleton
$(BUILD)/bpf/%.bpf.o: mechanisms/tracers/%.bpf.c
	@mkdir -p $(dir $@)
	$(BPF_CLANG) -target bpf -O2 -g -Wall -Werror -D__TARGET_ARCH_$(BPF_ARCH) \
		-idirafter /usr/include/$(shell $(CC) -print-multiarch 2>/dev/null) -c -o $@ $<

$(BUILD)/bpf/%.skel.h: $(BUILD)/bpf/%.bpf.o
	$(BPFTOOL) gen skeleton $< name $* >$@.tmp && mv $@.tmp $@

$(BUILD)/mechanisms/tracers/bpf_ops.o: $(BPF_SKEL)

$(BUILD)/libprobecost.a: $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/probecost: $(MAIN_OBJ) $(BUILD)/libprobecost.a $(LTTNG_SO)
	$(CC) $(CFLAGS) -o $@ $(MAIN_OBJ) -Wl,--whole-archive $(BUILD)/libprobecost.a -Wl,--no-whole-archive $(LDLIBS)

# the provider: -fPIC, its own -MMD dependencies, liblttng-ust
$(BUILD)/lttng_ust_provider.so: mechanisms/tracers/lttng_ust_provider.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MF $(BUILD)/lttng_ust_provider.d -fPIC -shared -o $@ $< $(shell pkg-config --libs lttng-ust)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libprobecost.a tests/ktap.h
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Itests $(CFLAGS) -o $@ $< -Wl,--whole-archive $(BUILD)/libprobecost.a -Wl,--no-whole-archive $(LDLIBS)

$(BUILD)/tests-guest/%: tests/guest/%.c kmod/probecost_abi.h tests/ktap.h
	@mkdir -p $(dir $@)
	$(CC) -Ikmod -Itests $(CFLAGS) -static -o $@ $<

tests: $(BUILD)/probecost $(TEST_BINS) $(GUEST_BINS)

kmod:
	@scripts/kmod-build.sh $(KDIR)

fuzz: deps
	@$(MAKE) --no-print-directory tests
	scripts/deps.sh guest
	PC_FUZZ_CALLS=$${PC_FUZZ_CALLS:-100000} sh tests/kmod-fuzz.sh

deps:
	@scripts/deps.sh build run test guest

# Without -j on the command line the build uses every PU: a fresh clone's
# serial build is most of what `make run` spends before measuring. (=:
# MAKEFLAGS holds -j only when the recipe runs, not while parsing.)
NPROC   := $(shell nproc 2>/dev/null || echo 1)
JOBS     = $(if $(findstring -j,$(MAKEFLAGS)),,-j$(NPROC))

# RUN_ARGS: options for `probecost run`, e.g. --tracer self,ftrace (not
# --out: the report and plots are made for results/latest)
RUN_ARGS ?=

# a run that completed (0) or lost a mechanism (1) is reported and plotted
run: deps
	@$(MAKE) --no-print-directory $(JOBS) all
	@scripts/kmod-native.sh
	@st=0; $(BUILD)/probecost run $(RUN_ARGS) || st=$$?; \
	if [ $$st -le 1 ]; then \
		$(BUILD)/probecost report results/latest && \
		$(BUILD)/probecost plot results/latest || st=$$?; \
	fi; exit $$st

test: deps
	@$(MAKE) --no-print-directory tests
	tests/run.sh

bench: deps
	@$(MAKE) --no-print-directory all
	scripts/bench.sh
	scripts/bench-uprobe.sh
	scripts/bench-kmod.sh
	scripts/bench-compare.sh

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
