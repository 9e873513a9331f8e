/*
 * control.h — the test-only control API under /emu/ (no auth; not part of
 * Phantom's contract):
 *   GET    /emu/state      model (containers with artifacts, notes, comments),
 *                          request counters, active faults, configuration
 *   GET    /emu/stats      record counts per collection and request counters
 *   POST   /emu/reset      empty the model and counters, clear faults
 *   POST   /emu/fault      add a fault rule (fault.h), or an array of them
 *   GET    /emu/fault      list active rules
 *   DELETE /emu/fault      clear all rules
 *   GET    /emu/requests   the last ?n= requests (default 100)
 *
 * Ownership: the returned reply is owned by the caller.
 * Thread safety: any server thread.
 */
#ifndef PHANTOM_EMU_CONTROL_H
#define PHANTOM_EMU_CONTROL_H

#include <stdbool.h>

#include "tests/tools/phantom-emu/emu.h"
#include "tests/tools/phantom-emu/msg.h"

bool control_is_path(const char *path);
struct reply control_handle(struct emu *e, const struct request *rq);

#endif
