/*
 * rest.h — the emulated Phantom REST endpoints (phantom-api.md §9): create,
 * update and read containers, artifacts, notes and comments, with bulk
 * (array) bodies, SDI and artifact de-duplication and list queries.
 * Authentication and faults are handled before this (server.c).
 *
 * Ownership: the returned reply is owned by the caller.
 * Thread safety: any server thread; the model lock is taken inside.
 */
#ifndef PHANTOM_EMU_REST_H
#define PHANTOM_EMU_REST_H

#include "tests/tools/phantom-emu/emu.h"
#include "tests/tools/phantom-emu/msg.h"
#include "tests/tools/phantom-emu/router.h"

struct reply rest_handle(struct emu *e, const struct request *rq, const struct route *rt);

#endif
