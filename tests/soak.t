#!/bin/bash
# 30 seconds of the soak run (make soak runs 30 minutes): a steady 1,000
# events per second into the real console, memory bounded once the timeline
# is full, nothing dropped, a clean exit.
. "$SOCTERM_SRC/tests/lib/tap.sh"
command -v nats-server >/dev/null || skip_all "no nats-server"
out=$(SOAK_SECONDS=${SOAK_SECONDS:-30} SOAK_CAPACITY=10000 bash "$SOCTERM_SRC/tests/tools/soak.sh" 2>&1)
rc=$?
diag "$out"
is "$rc" 0 "30 s at 1,000 events/s: bounded memory, nothing lost, clean exit"
done_testing
