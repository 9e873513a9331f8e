/*
 * emu.h — the emulator's shared state, handed to every request handler:
 * the model, the fault rules, the request log and the configuration.
 *
 * Ownership: main.c creates and frees it; handlers only borrow it.
 * Thread safety: the configuration members are read-only once the server
 * starts; model, faults and log carry their own locks.
 */
#ifndef PHANTOM_EMU_EMU_H
#define PHANTOM_EMU_EMU_H

#include <stddef.h>

#include "tests/tools/phantom-emu/auth.h"
#include "tests/tools/phantom-emu/fault.h"
#include "tests/tools/phantom-emu/model.h"
#include "tests/tools/phantom-emu/reqlog.h"
#include "tests/tools/phantom-emu/validate.h"

struct emu {
	struct model *model;
	struct faults *faults;
	struct reqlog *log;
	struct vocab vocab;
	struct auth_cfg auth;
	size_t max_body;         /* larger request bodies get 413 */
};

#endif
