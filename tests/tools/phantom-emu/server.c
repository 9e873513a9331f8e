/* server.c — see server.h. */
#include "tests/tools/phantom-emu/server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/util.h"
#include "tests/tools/phantom-emu/control.h"
#include "tests/tools/phantom-emu/delay.h"
#include "tests/tools/phantom-emu/rest.h"
#include "tests/tools/phantom-emu/router.h"

struct server {
	struct emu *emu;
	struct MHD_Daemon *d;
	struct delay *delay;
	unsigned port;
};

/* Per-request state, from the headers to the completion callback. */
struct rctx {
	struct sbuf body;
	bool too_big;
	bool waiting;            /* suspended by a latency or hang fault */
	bool faulted;
	bool logged;
	struct fault_hit hit;
	char *method, *url;      /* copies kept while suspended, for the log */
	int64_t t0;
	struct qarg *args;
	size_t nargs, cap;
};

static void rctx_free(struct rctx *r)
{
	free(r->method);
	free(r->url);
	sbuf_free(&r->body);
	free(r->args);
	free(r);
}

static void log_request(struct server *s, struct rctx *r, const char *method, const char *url,
			enum auth_kind auth, unsigned status)
{
	struct route rt;
	router_match(method, url, &rt);
	struct reqlog_entry e = {
		.method = method, .path = url, .route = rt.pattern, .auth = auth, .status = status,
		.fault = r->faulted ? fault_mode_name(r->hit.mode) : NULL,
		.dur_ns = mono_ns() - r->t0,
	};
	reqlog_record(s->emu->log, &e);
	r->logged = true;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **req_cls,
			 enum MHD_RequestTerminationCode toe)
{
	(void)c;
	(void)toe;
	struct rctx *r = *req_cls;
	if (!r)
		return;
	/* A client that gave up during a hang or latency fault is gone before the
	 * timer resumes the request: log it here, without a status. */
	if (r->method && !r->logged)
		log_request(cls, r, r->method, r->url, AUTH_NONE, 0);
	rctx_free(r);
	*req_cls = NULL;
}

/* Hands the reply to libmicrohttpd (which frees the body). */
static enum MHD_Result send_reply(struct MHD_Connection *c, struct reply *rp)
{
	struct MHD_Response *resp = rp->body
		? MHD_create_response_from_buffer(rp->body_len, rp->body, MHD_RESPMEM_MUST_FREE)
		: MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	if (!resp) {
		reply_free(rp);
		return MHD_NO;
	}
	rp->body = NULL;
	if (rp->ctype)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, rp->ctype);
	if (rp->allow)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, rp->allow);
	if (rp->retry_after > 0) {
		char v[16];
		snprintf(v, sizeof(v), "%d", rp->retry_after);
		MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, v);
	}
	enum MHD_Result ret = MHD_queue_response(c, rp->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result collect_arg(void *cls, enum MHD_ValueKind kind, const char *key,
				   const char *value)
{
	(void)kind;
	struct rctx *r = cls;
	r->args = xgrow(r->args, &r->cap, r->nargs + 1, sizeof(*r->args));
	r->args[r->nargs++] = (struct qarg){ key, value ? value : "" };
	return MHD_YES;
}

/* Reads the credentials the request carries and checks them; the password is
 * wiped from memory right after the check. */
static enum auth_verdict authenticate(struct server *s, struct MHD_Connection *c,
				      enum auth_kind *kind)
{
	struct auth_input in = { 0 };
	char *pass = NULL;
	in.token_hdr = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "ph-auth-token");
	char *user = MHD_basic_auth_get_username_password(c, &pass);
	in.basic_user = user;
	in.basic_pass = pass;
	enum auth_verdict v = auth_check(&s->emu->auth, &in, kind);
	if (pass) {
		explicit_bzero(pass, strlen(pass));
		MHD_free(pass);
	}
	if (user)
		MHD_free(user);
	return v;
}

/* Auth, then routing, then the endpoint. */
static struct reply serve_rest(struct server *s, struct MHD_Connection *c, struct request *rq)
{
	enum auth_verdict v = authenticate(s, c, &rq->auth);
	if (v != AUTH_OK)
		return auth_reply(v);
	if (!auth_allows(rq->auth, rq->method))
		return auth_forbidden_reply();
	struct route rt;
	router_match(rq->method, rq->path, &rt);
	return rest_handle(s->emu, rq, &rt);
}

static enum MHD_Result answer(struct server *s, struct MHD_Connection *c, struct rctx *r,
			      const char *url, const char *method)
{
	MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, collect_arg, r);
	struct request rq = {
		.method = method, .path = url, .args = r->args, .nargs = r->nargs,
		.body = r->body.s, .body_len = r->body.len, .auth = AUTH_NONE,
	};
	bool control = control_is_path(url);
	struct reply rp;
	if (r->too_big)
		rp = reply_html(413);
	else if (control)
		rp = control_handle(s->emu, &rq);
	else
		rp = serve_rest(s, c, &rq);
	unsigned status = rp.status;
	enum MHD_Result ret = send_reply(c, &rp);
	if (!control)   /* the control API stays out of the counters tests assert on */
		log_request(s, r, method, url, rq.auth, status);
	return ret;
}

/* Resets the TCP connection now, so the client sees "connection reset by
 * peer" rather than an orderly close. With SO_LINGER 0, disconnecting the
 * socket (connect to AF_UNSPEC) makes Linux send a RST at once; libmicrohttpd
 * then closes the dead descriptor as usual. */
static void reset_connection(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
	if (!ci)
		return;
	struct linger l = { .l_onoff = 1, .l_linger = 0 };
	setsockopt(ci->connect_fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
	struct sockaddr unspec = { .sa_family = AF_UNSPEC };
	connect(ci->connect_fd, &unspec, sizeof(unspec));
}

static enum MHD_Result apply_fault(struct server *s, struct MHD_Connection *c, struct rctx *r,
				   const char *url, const char *method)
{
	struct reply rp;
	switch (r->hit.mode) {
	case FAULT_LATENCY:
	case FAULT_HANG:
		r->waiting = true;
		r->method = xstrdup(method);
		r->url = xstrdup(url);
		MHD_suspend_connection(c);
		delay_add(s->delay, mono_ns() + (int64_t)r->hit.ms * 1000000, c);
		return MHD_YES;
	case FAULT_RESET:
		reset_connection(c);
		log_request(s, r, method, url, AUTH_NONE, 0);
		return MHD_NO;
	case FAULT_429:
		rp = reply_html(429);
		rp.retry_after = (int)r->hit.retry_after;
		break;
	case FAULT_FAILED200:
		rp = reply_failed(200, "%s", r->hit.message);
		break;
	case FAULT_STATUS:
	default:
		rp = reply_html(r->hit.status);
		break;
	}
	unsigned status = rp.status;
	enum MHD_Result ret = send_reply(c, &rp);
	log_request(s, r, method, url, AUTH_NONE, status);
	return ret;
}

static void body_append(struct server *s, struct rctx *r, const char *data, size_t n)
{
	if (r->too_big || r->body.len + n > s->emu->max_body) {
		r->too_big = true;   /* keep reading (and dropping) so keep-alive survives */
		sbuf_free(&r->body);
		return;
	}
	sbuf_add(&r->body, data, n);
}

static enum MHD_Result on_access(void *cls, struct MHD_Connection *c, const char *url,
				 const char *method, const char *version, const char *data,
				 size_t *size, void **req_cls)
{
	(void)version;
	struct server *s = cls;
	struct rctx *r = *req_cls;
	if (!r) {
		r = xcalloc(1, sizeof(*r));
		r->t0 = mono_ns();
		*req_cls = r;
		return MHD_YES;
	}
	if (*size) {
		body_append(s, r, data, *size);
		*size = 0;
		return MHD_YES;
	}
	if (r->waiting) {   /* resumed by the timer */
		r->waiting = false;
		if (r->hit.mode == FAULT_HANG) {
			log_request(s, r, method, url, AUTH_NONE, 0);
			return MHD_NO;   /* close without an answer */
		}
		return answer(s, c, r, url, method);
	}
	if (!control_is_path(url) && faults_take(s->emu->faults, method, url, &r->hit)) {
		r->faulted = true;
		return apply_fault(s, c, r, url, method);
	}
	return answer(s, c, r, url, method);
}

static void resume_cb(void *arg)
{
	MHD_resume_connection(arg);
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	char msg[512];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	/* Printed whenever a fault closes a connection on purpose: not news. */
	if (strncmp(msg, "Application reported internal error", 35) == 0)
		return;
	fprintf(stderr, "phantom-emu: %s", msg);
}

static bool make_addr(const char *bind, unsigned port, struct sockaddr_storage *ss, bool *v6)
{
	memset(ss, 0, sizeof(*ss));
	struct sockaddr_in *in4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
	if (inet_pton(AF_INET, bind, &in4->sin_addr) == 1) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons((uint16_t)port);
		*v6 = false;
		return true;
	}
	if (inet_pton(AF_INET6, bind, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)port);
		*v6 = true;
		return true;
	}
	return false;
}

struct server *server_start(struct emu *e, const struct server_opts *o, char **err)
{
	struct sockaddr_storage ss;
	bool v6;
	if (!make_addr(o->bind, o->port, &ss, &v6)) {
		*err = xasprintf("--bind %s: not a numeric IP address", o->bind);
		return NULL;
	}
	struct server *s = xcalloc(1, sizeof(*s));
	s->emu = e;
	s->delay = delay_start(resume_cb);
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
			 MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
	if (v6)
		flags |= MHD_USE_IPv6;
	if (o->cert_pem)
		flags |= MHD_USE_TLS;
	struct MHD_OptionItem opts[] = {
		{ MHD_OPTION_SOCK_ADDR, 0, &ss },
		{ MHD_OPTION_THREAD_POOL_SIZE, (intptr_t)o->threads, NULL },
		{ MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)on_completed, s },
		{ MHD_OPTION_CONNECTION_TIMEOUT, 600, NULL },
		{ MHD_OPTION_LISTEN_BACKLOG_SIZE, 512, NULL },
		{ o->cert_pem ? MHD_OPTION_HTTPS_MEM_KEY : MHD_OPTION_END, 0, (void *)o->key_pem },
		{ MHD_OPTION_HTTPS_MEM_CERT, 0, (void *)o->cert_pem },
		{ MHD_OPTION_END, 0, NULL },
	};
	/* The logger must come first or early messages bypass it. */
	s->d = MHD_start_daemon(flags, (uint16_t)o->port, NULL, NULL, on_access, s,
				MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
				MHD_OPTION_ARRAY, opts, MHD_OPTION_END);
	if (!s->d) {
		*err = xasprintf("cannot listen on %s port %u (in use, or bad TLS key/cert)",
				 o->bind, o->port);
		delay_stop(s->delay);
		delay_free(s->delay);
		free(s);
		return NULL;
	}
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
	s->port = di ? di->port : o->port;
	return s;
}

unsigned server_port(const struct server *s)
{
	return s->port;
}

void server_stop(struct server *s)
{
	if (!s)
		return;
	/* Resume every suspended connection first: libmicrohttpd refuses to stop
	 * with suspended connections left. */
	delay_stop(s->delay);
	MHD_stop_daemon(s->d);
	delay_free(s->delay);
	free(s);
}
