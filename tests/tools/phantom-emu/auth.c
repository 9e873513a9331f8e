/* auth.c — see auth.h. */
#include "tests/tools/phantom-emu/auth.h"

#include <stdlib.h>
#include <string.h>

/* Compares without an early exit so response time does not leak the secret. */
static bool secret_eq(const char *want, const char *got)
{
	if (!want || !got)
		return false;
	size_t wl = strlen(want), gl = strlen(got);
	unsigned char diff = wl != gl;
	for (size_t i = 0; i < gl; i++)
		diff |= (unsigned char)got[i] ^ (unsigned char)want[i % (wl ? wl : 1)];
	return diff == 0 && wl > 0;
}

enum auth_verdict auth_check(const struct auth_cfg *c, const struct auth_input *in,
			     enum auth_kind *kind)
{
	/* The token header wins when a client sends both (Splunk's connector does). */
	if (in->token_hdr) {
		*kind = AUTH_TOKEN;
		return secret_eq(c->token, in->token_hdr) ? AUTH_OK : AUTH_BAD_TOKEN;
	}
	if (in->basic_user && in->basic_pass) {
		if (in->basic_user[0] == '\0') {
			*kind = AUTH_BASIC_TOKEN;
			return secret_eq(c->token, in->basic_pass) ? AUTH_OK : AUTH_BAD_TOKEN;
		}
		*kind = AUTH_BASIC;
		bool user_ok = c->user && strcmp(c->user, in->basic_user) == 0;
		bool pass_ok = secret_eq(c->password, in->basic_pass);
		return user_ok && pass_ok ? AUTH_OK : AUTH_BAD_USER;
	}
	*kind = AUTH_NONE;
	return AUTH_MISSING;
}

struct reply auth_reply(enum auth_verdict v)
{
	switch (v) {
	case AUTH_BAD_TOKEN:
		return reply_failed(401, "Invalid automation token");
	case AUTH_BAD_USER:
		return reply_failed(401, "Invalid username/password.");
	case AUTH_MISSING:
	case AUTH_OK:
		break;
	}
	return reply_failed(401, "No supported auth information provided in request");
}

bool auth_allows(enum auth_kind kind, const char *method)
{
	return kind == AUTH_BASIC || strcmp(method, "DELETE") != 0;
}

struct reply auth_forbidden_reply(void)
{
	return reply_failed(403, "This operation requires user authentication; "
				 "automation tokens may not delete records");
}

void auth_cfg_free(struct auth_cfg *c)
{
	/* Scrub the secrets so they do not linger in freed heap memory. */
	if (c->token)
		explicit_bzero(c->token, strlen(c->token));
	if (c->password)
		explicit_bzero(c->password, strlen(c->password));
	free(c->token);
	free(c->user);
	free(c->password);
	c->token = c->user = c->password = NULL;
}
