/*
 * msg.h — the request and reply values passed between the HTTP glue
 * (server.c) and the handlers (rest.c, control.c), so that the handlers
 * never see libmicrohttpd.
 *
 * Ownership: a request only borrows its strings (they live as long as the
 * HTTP request). A reply owns `body` (malloc'd); whoever receives the reply
 * frees it or hands it to the HTTP library. Header strings are static.
 * Thread safety: plain values; any thread.
 */
#ifndef PHANTOM_EMU_MSG_H
#define PHANTOM_EMU_MSG_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* Which credentials a request presented (never the credentials themselves). */
enum auth_kind {
	AUTH_NONE,         /* nothing usable */
	AUTH_TOKEN,        /* ph-auth-token header */
	AUTH_BASIC,        /* Basic user:password */
	AUTH_BASIC_TOKEN,  /* Basic with an empty user and the token as password */
};

struct qarg {
	const char *key;
	const char *val;   /* "" for a bare key */
};

struct request {
	const char *method;
	const char *path;            /* decoded path, no query string */
	const struct qarg *args;
	size_t nargs;
	const char *body;
	size_t body_len;
	enum auth_kind auth;
};

struct reply {
	unsigned status;
	char *body;                  /* owned; NULL = empty body */
	size_t body_len;
	const char *ctype;           /* Content-Type */
	int retry_after;             /* > 0: send Retry-After */
	const char *allow;           /* Allow header (405) or NULL */
};

/* Serialises `body` (reference stolen) as the reply. */
struct reply reply_json(unsigned status, json_t *body);
/* {"failed": true, "message": <formatted>} */
struct reply reply_failed(unsigned status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A bare {"failed": true}. */
struct reply reply_failed_bare(unsigned status);
/* An nginx-style HTML error page (what a proxy in front of Phantom answers). */
struct reply reply_html(unsigned status);
void reply_free(struct reply *r);
const char *http_reason(unsigned status);

/* The value of the last query argument named `key`, or NULL. */
const char *request_arg(const struct request *rq, const char *key);
const char *auth_kind_name(enum auth_kind k);

#endif
