# socterm — GNU make, pkg-config.
#
#   make            build ./socterm
#   make check      install missing Debian packages, build, run every test (TAP, prove)
#   make asan       the whole suite under -fsanitize=address,undefined (build-asan/)
#   make tsan       the threaded tests under -fsanitize=thread (build-tsan/)
#   make demo       private nats-server + generated events + Phantom emulator + console
#   make bench      speed and memory ratios against baselines measured in the same run
#   make fuzz       libFuzzer targets, bounded time each (FUZZ_SECONDS)
#   make soak       30 minutes at 1,000 events/s, memory over time
#   make install    PREFIX=/usr/local DESTDIR= (binary, man pages, themes)
#   make deps       apt-get the missing Debian packages (through sudo when not root)

PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
MANDIR     ?= $(PREFIX)/share/man
DATADIR    ?= $(PREFIX)/share/socterm
DESTDIR    ?=
CC         ?= cc
PKG_CONFIG ?= pkg-config
INSTALL    ?= install
O          ?= build
SAN        ?=
JOBS       ?= 2
VERSION    := 0.1.0

PKGS := ncursesw readline libnats jansson libcurl sqlite3 libpcre2-8 libxxhash libcrypto

CFLAGS   ?= -O2 -g
WARN     := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
            -Wpointer-arith -Wformat=2 -Wundef -Wno-format-nonliteral
CPPFLAGS += -D_GNU_SOURCE -DSOCTERM_VERSION='"$(VERSION)"' -I.
ALL_CFLAGS = -std=c11 -pthread -MMD -MP $(WARN) $(CFLAGS) $(SANFLAGS) \
             $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
LDLIBS   += $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null) -pthread -lm

ifneq ($(SAN),)
SANFLAGS := -fsanitize=$(SAN) -fno-omit-frame-pointer -fno-sanitize-recover=all
endif

ifeq ($(V),1)
Q :=
else
Q := @
endif

# The default build puts the binary at ./socterm; variants keep theirs in $(O).
ifeq ($(O),build)
BIN := socterm
else
BIN := $(O)/socterm
endif

CORE_SRC := $(sort $(wildcard core/*.c))
TUI_SRC  := $(sort $(wildcard tui/*.c))
CORE_OBJ := $(CORE_SRC:%.c=$(O)/%.o)
TUI_OBJ  := $(TUI_SRC:%.c=$(O)/%.o) $(O)/gen/theme_default.o
CORE_LIB := $(O)/libsocterm-core.a

UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(O)/tests/%)
TESTLIB_SRC := $(sort $(wildcard tests/unit/lib_*.c))
TESTLIB_OBJ := $(TESTLIB_SRC:%.c=$(O)/%.o)

# Helper programs used by tests, the demo and the benchmarks: one program per
# tests/tools/*.c, and one per directory under tests/tools/ (all its .c files).
TOOL_SINGLE := $(sort $(wildcard tests/tools/*.c))
TOOL_DIRS   := $(sort $(patsubst %/,%,$(dir $(wildcard tests/tools/*/*.c))))
TOOL_BIN    := $(TOOL_SINGLE:tests/tools/%.c=$(O)/tools/%) $(TOOL_DIRS:tests/tools/%=$(O)/tools/%)

TESTS_T := $(sort $(wildcard tests/*.t))

.PHONY: all tools unit check test asan tsan deps demo bench fuzz soak install uninstall clean man-lint
all: $(BIN)

$(BIN): $(TUI_OBJ) $(CORE_LIB)
	@echo "  LD      $@"
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(TUI_OBJ) $(CORE_LIB) $(LDLIBS) $(TUI_LIBS)

$(CORE_LIB): $(CORE_OBJ)
	@echo "  AR      $@"
	$(Q)rm -f $@ && ar rcs $@ $^

$(O)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

# Where installed themes live is compiled in; the object is rebuilt when
# DATADIR (PREFIX) changes, so `make install PREFIX=/usr` gets it right.
$(O)/gen/datadir: FORCE
	@mkdir -p $(dir $@)
	@echo '$(DATADIR)' | cmp -s - $@ || echo '$(DATADIR)' > $@
$(O)/tui/colors.o: $(O)/gen/datadir
$(O)/tui/colors.o: CPPFLAGS += -DSOCTERM_DATADIR='"$(DATADIR)"'
.PHONY: FORCE
FORCE:

# The default theme is compiled in so the binary works without themes/ installed.
$(O)/gen/theme_default.c: themes/default.theme tests/tools/embed.sh
	@mkdir -p $(dir $@)
	$(Q)sh tests/tools/embed.sh theme_default_text < $< > $@

$(O)/gen/theme_default.o: $(O)/gen/theme_default.c
	$(Q)$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

$(O)/tests/%: tests/unit/%.c $(CORE_LIB) $(TESTLIB_OBJ)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -o $@ $< $(TESTLIB_OBJ) $(CORE_LIB) $(LDLIBS) \
		$(shell $(PKG_CONFIG) --libs cmocka)

$(O)/tools/%: tests/tools/%.c $(CORE_LIB)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -o $@ $< $(CORE_LIB) $(LDLIBS)

# Multi-file tools (e.g. the Phantom emulator) also link libmicrohttpd.
.SECONDEXPANSION:
$(TOOL_DIRS:tests/tools/%=$(O)/tools/%): $(O)/tools/%: $$(wildcard tests/tools/%/*.c) $$(wildcard tests/tools/%/*.h) $(CORE_LIB)
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -o $@ $(filter %.c,$^) $(CORE_LIB) $(LDLIBS) \
		$(shell $(PKG_CONFIG) --libs libmicrohttpd gnutls 2>/dev/null)

tools: $(TOOL_BIN)
unit: $(UNIT_BIN)

# ---- tests ---------------------------------------------------------------
TEST_ENV = SOCTERM="$(abspath $(BIN))" SOCTERM_TOOLS="$(abspath $(O)/tools)" \
           SOCTERM_SRC="$(CURDIR)" SOCTERM_SAN="$(SAN)" CMOCKA_MESSAGE_OUTPUT=TAP

check: deps
	$(Q)$(MAKE) --no-print-directory all tools unit
	$(Q)$(TEST_ENV) prove -j$(JOBS) --timer $(UNIT_BIN:%=./%) $(TESTS_T:%=./%)

test: check

asan:
	$(Q)$(MAKE) --no-print-directory O=build-asan SAN=address,undefined CFLAGS="-O1 -g" check

tsan:
	$(Q)$(MAKE) --no-print-directory O=build-tsan SAN=thread CFLAGS="-O1 -g" all tools unit
	$(Q)$(MAKE) --no-print-directory O=build-tsan SAN=thread tsan-run

tsan-run:
	$(Q)$(TEST_ENV) SOCTERM_TSAN=1 TSAN_OPTIONS="halt_on_error=1 suppressions=$(CURDIR)/tests/tsan.supp" \
		prove -j$(JOBS) --timer $(filter %/test_store %/test_ingest %/test_forwarder %/test_filter %/test_log,$(UNIT_BIN:%=./%)) \
		$(filter %/tui-nats.t %/tui-escalate.t %/forward.t %/jetstream.t %/faults-phantom.t,$(TESTS_T:%=./%))

# ---- Debian packages -----------------------------------------------------
DEB_PKGS := build-essential pkg-config libncurses-dev libreadline-dev libnats-dev nats-server \
            libjansson-dev libcurl4-openssl-dev libsqlite3-dev libpcre2-dev libxxhash-dev \
            libcmocka-dev libmicrohttpd-dev libgnutls28-dev libssl-dev tmux groff-base openssl perl \
            clang libclang-rt-14-dev locales procps curl jq
deps:
	@missing=$$(for p in $(DEB_PKGS); do \
	    dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; \
	  done); \
	if [ -n "$$missing" ]; then \
	  echo "installing:" $$missing; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi

# ---- demo, bench, fuzz, soak ---------------------------------------------
demo: deps
	$(Q)$(MAKE) --no-print-directory all tools
	$(Q)SOCTERM="$(abspath $(BIN))" SOCTERM_TOOLS="$(abspath $(O)/tools)" bash tests/tools/demo.sh

bench: deps
	$(Q)$(MAKE) --no-print-directory all tools
	$(Q)SOCTERM="$(abspath $(BIN))" SOCTERM_TOOLS="$(abspath $(O)/tools)" bash tests/tools/bench.sh

FUZZ_SECONDS ?= 60
fuzz: deps
	$(Q)FUZZ_SECONDS=$(FUZZ_SECONDS) sh tests/fuzz/run.sh

soak: deps
	$(Q)$(MAKE) --no-print-directory all tools
	$(Q)$(TEST_ENV) SOAK_SECONDS=1800 bash tests/tools/soak.sh

# ---- install ---------------------------------------------------------------
install: all
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
		$(DESTDIR)$(DATADIR)/themes
	$(INSTALL) -m 0755 $(BIN) $(DESTDIR)$(BINDIR)/socterm
	$(INSTALL) -m 0644 $(wildcard man/*.1) $(DESTDIR)$(MANDIR)/man1/
	$(if $(wildcard man/*.5),$(INSTALL) -m 0644 $(wildcard man/*.5) $(DESTDIR)$(MANDIR)/man5/)
	$(INSTALL) -m 0644 $(wildcard themes/*.theme) $(DESTDIR)$(DATADIR)/themes/

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/socterm $(DESTDIR)$(MANDIR)/man1/socterm.1 \
		$(DESTDIR)$(MANDIR)/man5/socterm.conf.5 $(DESTDIR)$(MANDIR)/man5/socterm-theme.5
	rm -rf $(DESTDIR)$(DATADIR)

man-lint:
	$(Q)for m in man/*.[15]; do groff -man -ww -z -rCHECKSTYLE=3 $$m || exit 1; done

clean:
	rm -rf build build-asan build-tsan build-fuzz socterm

-include $(CORE_OBJ:.o=.d) $(TUI_OBJ:.o=.d) $(TESTLIB_OBJ:.o=.d) $(UNIT_BIN:=.d) $(TOOL_BIN:=.d)
