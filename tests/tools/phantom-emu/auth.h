/*
 * auth.h — Phantom's three ways to authenticate a REST call: the
 * ph-auth-token header, HTTP Basic user:password, and Basic with an empty
 * user whose password is the token.
 *
 * Ownership: struct auth_cfg owns its strings (auth_cfg_free); auth_input
 * only borrows. Secrets are compared in constant time and never logged.
 * Thread safety: auth_check may run on any thread once the config is set.
 */
#ifndef PHANTOM_EMU_AUTH_H
#define PHANTOM_EMU_AUTH_H

#include <stdbool.h>

#include "tests/tools/phantom-emu/msg.h"

struct auth_cfg {
	char *token;      /* NULL: token auth disabled */
	char *user;       /* NULL: Basic user auth disabled */
	char *password;
};

/* What the request carried, as extracted by the HTTP glue. */
struct auth_input {
	const char *token_hdr;    /* ph-auth-token value or NULL */
	const char *basic_user;   /* from a Basic Authorization header, or NULL */
	const char *basic_pass;
};

enum auth_verdict {
	AUTH_OK,
	AUTH_MISSING,     /* 401 "No supported auth information provided in request" */
	AUTH_BAD_TOKEN,   /* 401 "Invalid automation token" */
	AUTH_BAD_USER,    /* 401 "Invalid username/password." */
};

/* Decides; *kind says which method the request tried. */
enum auth_verdict auth_check(const struct auth_cfg *c, const struct auth_input *in,
			     enum auth_kind *kind);
/* The 401 reply for a failed verdict. */
struct reply auth_reply(enum auth_verdict v);
/* Deletes need a real user: an automation token gets 403 (see auth_forbidden_reply). */
bool auth_allows(enum auth_kind kind, const char *method);
struct reply auth_forbidden_reply(void);
void auth_cfg_free(struct auth_cfg *c);

#endif
