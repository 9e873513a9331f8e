/* msg.c — see msg.h. */
#include "tests/tools/phantom-emu/msg.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

static const char JSON_TYPE[] = "application/json";

struct reply reply_json(unsigned status, json_t *body)
{
	struct reply r = { .status = status, .ctype = JSON_TYPE };
	r.body = json_dumps(body, JSON_COMPACT | JSON_ENCODE_ANY);
	json_decref(body);
	if (!r.body)
		abort();  /* jansson only fails on out-of-memory here */
	r.body_len = strlen(r.body);
	return r;
}

struct reply reply_failed(unsigned status, const char *fmt, ...)
{
	va_list ap;
	struct sbuf msg = SBUF_INIT;
	va_start(ap, fmt);
	sbuf_vprintf(&msg, fmt, ap);
	va_end(ap);
	json_t *o = json_pack("{s:b,s:s}", "failed", 1, "message", sbuf_str(&msg));
	sbuf_free(&msg);
	if (!o)  /* the message was not UTF-8: never echo such bytes back */
		o = json_pack("{s:b,s:s}", "failed", 1, "message", "invalid request");
	return reply_json(status, o);
}

struct reply reply_failed_bare(unsigned status)
{
	return reply_json(status, json_pack("{s:b}", "failed", 1));
}

const char *http_reason(unsigned status)
{
	switch (status) {
	case 200: return "OK";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 413: return "Request Entity Too Large";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 502: return "Bad Gateway";
	case 503: return "Service Temporarily Unavailable";
	case 504: return "Gateway Time-out";
	default: return "Error";
	}
}

struct reply reply_html(unsigned status)
{
	struct reply r = { .status = status, .ctype = "text/html" };
	const char *reason = http_reason(status);
	r.body = xasprintf("<html>\r\n<head><title>%u %s</title></head>\r\n<body>\r\n"
			   "<center><h1>%u %s</h1></center>\r\n<hr><center>nginx</center>\r\n"
			   "</body>\r\n</html>\r\n", status, reason, status, reason);
	r.body_len = strlen(r.body);
	return r;
}

void reply_free(struct reply *r)
{
	free(r->body);
	r->body = NULL;
}

const char *request_arg(const struct request *rq, const char *key)
{
	const char *v = NULL;
	for (size_t i = 0; i < rq->nargs; i++)
		if (strcmp(rq->args[i].key, key) == 0)
			v = rq->args[i].val;
	return v;
}

const char *auth_kind_name(enum auth_kind k)
{
	switch (k) {
	case AUTH_TOKEN: return "token";
	case AUTH_BASIC: return "basic";
	case AUTH_BASIC_TOKEN: return "basic-token";
	case AUTH_NONE: break;
	}
	return "none";
}
