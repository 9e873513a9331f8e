/* natsconn.c — see natsconn.h. Settings follow nats-and-perf.md §5.3. */
#include "core/natsconn.h"
#include "core/config.h"
#include "core/evq.h"
#include "core/util.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *conn_state_name(enum conn_state s)
{
	static const char *const names[] = {
		[CONN_IDLE] = "idle",           [CONN_CONNECTING] = "connecting",
		[CONN_CONNECTED] = "connected", [CONN_DISCONNECTED] = "disconnected",
		[CONN_CLOSED] = "closed",       [CONN_READING] = "reading",
		[CONN_EOF] = "end of input",    [CONN_ERROR] = "error",
	};
	return (unsigned)s < ARRAY_LEN(names) ? names[s] : "?";
}

static void set_state(struct natsconn *c, enum conn_state s, bool reconnect)
{
	pthread_mutex_lock(&c->mu);
	if (!c->closing) {
		c->st.state = s;
		c->st.state_since_ns = now_ns();
		if (reconnect)
			c->st.reconnects++;
		if (s == CONN_CONNECTED)
			c->st.last_error[0] = '\0';
	}
	pthread_mutex_unlock(&c->mu);
	evq_wake(c->q);
}

void natsconn_error(struct natsconn *c, const char *fmt, ...)
{
	char buf[sizeof(c->st.last_error)];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	for (char *p = buf; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	pthread_mutex_lock(&c->mu);
	memcpy(c->st.last_error, buf, sizeof(buf));
	pthread_mutex_unlock(&c->mu);
	evq_wake(c->q);
}

static void on_connected(natsConnection *nc, void *arg)
{
	(void)nc;
	set_state(arg, CONN_CONNECTED, false);
}

static void on_disconnected(natsConnection *nc, void *arg)
{
	(void)nc;
	set_state(arg, CONN_DISCONNECTED, false);
}

static void on_reconnected(natsConnection *nc, void *arg)
{
	(void)nc;
	set_state(arg, CONN_CONNECTED, true);
}

static void on_closed(natsConnection *nc, void *arg)
{
	struct natsconn *c = arg;
	/* Why the library gave up (a TLS handshake that fails verification,
	 * authorization...): the user needs that, not just "closed". */
	const char *why = NULL;
	if (nc && natsConnection_GetLastError(nc, &why) != NATS_OK && why && *why)
		natsconn_error(c, "%s", why);
	set_state(c, CONN_CLOSED, false);
}

static void on_error(natsConnection *nc, natsSubscription *sub, natsStatus err, void *arg)
{
	(void)nc;
	(void)sub; /* may already be freed (nats.c PR 659): never dereference */
	struct natsconn *c = arg;
	if (err == NATS_SLOW_CONSUMER) {
		pthread_mutex_lock(&c->mu);
		c->slow_events++;
		pthread_mutex_unlock(&c->mu);
		evq_wake(c->q);
		return;
	}
	natsconn_error(c, "%s", natsStatus_GetText(err));
}

/* How often to ping the server: a dead or frozen server is noticed after two
 * unanswered pings. 15 s by default; SOCTERM_NATS_PING_MS overrides it (fast
 * detection on a flaky link, and the fault tests). */
static int64_t ping_interval_ms(void)
{
	const char *e = getenv("SOCTERM_NATS_PING_MS");
	long v = e ? strtol(e, NULL, 10) : 0;
	return v >= 100 && v <= 600000 ? v : 15000;
}

/* Splits "a,b,c" into a NULL-terminated array of trimmed URLs. */
static char **split_urls(const char *servers, int *n)
{
	char *copy = xstrdup(servers);
	char **v = NULL;
	size_t cap = 0;
	*n = 0;
	for (char *save = NULL, *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		while (isspace((unsigned char)*t))
			t++;
		size_t len = strlen(t);
		while (len && isspace((unsigned char)t[len - 1]))
			t[--len] = '\0';
		if (!len)
			continue;
		v = xgrow(v, &cap, (size_t)*n + 2, sizeof(*v));
		v[(*n)++] = xstrdup(t);
	}
	free(copy);
	return v;
}

static void free_urls(char **v, int n)
{
	for (int i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static char *read_token(const char *path, char **err)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		*err = xasprintf("cannot read token file %s: %s", path, strerror(errno));
		return NULL;
	}
	struct sbuf b = SBUF_INIT;
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		sbuf_add(&b, buf, n);
	fclose(f);
	explicit_bzero(buf, sizeof(buf));
	while (b.len && (b.s[b.len - 1] == '\n' || b.s[b.len - 1] == '\r'))
		b.s[--b.len] = '\0';
	return sbuf_steal(&b);
}

/* The host part of the first URL, for TLS hostname verification. */
static char *first_host(const char *url)
{
	const char *h = strstr(url, "://");
	h = h ? h + 3 : url;
	const char *at = strchr(h, '@');
	if (at)
		h = at + 1;
	size_t n = strcspn(h, ":/,");
	return xstrndup(h, n);
}

#define NATS_TRY(call, what)                                                                  \
	do {                                                                                  \
		natsStatus s_ = (call);                                                       \
		if (s_ != NATS_OK) {                                                          \
			*err = xasprintf("%s: %s", what, nats_GetLastError(NULL) ?            \
				nats_GetLastError(NULL) : natsStatus_GetText(s_));            \
			goto fail;                                                            \
		}                                                                             \
	} while (0)

static int set_options(struct natsconn *c, const struct nats_conf *conf, char **err)
{
	int n = 0;
	char **urls = split_urls(conf->servers ? conf->servers : "nats://127.0.0.1:4222", &n);
	char *token = NULL, *host = NULL;
	natsOptions *o = NULL;
	if (n == 0) {
		*err = xstrdup("no NATS server URL given");
		goto fail;
	}
	NATS_TRY(natsOptions_Create(&o), "nats options");
	NATS_TRY(natsOptions_SetServers(o, (const char **)urls, n), "NATS server list");
	NATS_TRY(natsOptions_SetName(o, conf->name ? conf->name : "socterm"), "name");
	NATS_TRY(natsOptions_SetMaxReconnect(o, -1), "reconnect");
	NATS_TRY(natsOptions_SetReconnectWait(o, 1000), "reconnect wait");
	NATS_TRY(natsOptions_SetReconnectJitter(o, 200, 1000), "reconnect jitter");
	NATS_TRY(natsOptions_SetPingInterval(o, ping_interval_ms()), "ping interval");
	NATS_TRY(natsOptions_SetMaxPingsOut(o, 2), "pings out");
	NATS_TRY(natsOptions_SetWriteDeadline(o, 2000), "write deadline");
	NATS_TRY(natsOptions_SetReconnectBufSize(o, 8 * 1024 * 1024), "reconnect buffer");
	NATS_TRY(natsOptions_SetRetryOnFailedConnect(o, true, on_connected, c), "retry");
	NATS_TRY(natsOptions_SetDisconnectedCB(o, on_disconnected, c), "callbacks");
	NATS_TRY(natsOptions_SetReconnectedCB(o, on_reconnected, c), "callbacks");
	NATS_TRY(natsOptions_SetClosedCB(o, on_closed, c), "callbacks");
	NATS_TRY(natsOptions_SetErrorHandler(o, on_error, c), "callbacks");
	if (conf->creds_file)
		NATS_TRY(natsOptions_SetUserCredentialsFromFiles(o, conf->creds_file, NULL),
			 conf->creds_file);
	if (conf->token_file) {
		if (!(token = read_token(conf->token_file, err)))
			goto fail;
		natsStatus s = natsOptions_SetToken(o, token);
		explicit_bzero(token, strlen(token));
		if (s != NATS_OK) {
			*err = xasprintf("token: %s", natsStatus_GetText(s));
			goto fail;
		}
	}
	bool tls = conf->tls_ca || conf->tls_cert || strncmp(urls[0], "tls://", 6) == 0;
	if (tls) {
		NATS_TRY(natsOptions_SetSecure(o, true), "TLS");
		host = first_host(urls[0]);
		NATS_TRY(natsOptions_SetExpectedHostname(o, host), "TLS hostname");
	}
	if (conf->tls_ca)
		NATS_TRY(natsOptions_LoadCATrustedCertificates(o, conf->tls_ca), conf->tls_ca);
	if (conf->tls_cert || conf->tls_key) {
		if (!conf->tls_cert || !conf->tls_key) {
			*err = xstrdup("--tls-cert and --tls-key go together");
			goto fail;
		}
		NATS_TRY(natsOptions_LoadCertificatesChain(o, conf->tls_cert, conf->tls_key),
			 conf->tls_cert);
	}
	c->opts = o;
	free_urls(urls, n);
	free(token);
	free(host);
	return 0;
fail:
	natsOptions_Destroy(o);
	free_urls(urls, n);
	free(token);
	free(host);
	return -1;
}

int natsconn_open(struct natsconn *c, const struct nats_conf *conf, struct evq *q,
		  const char *what, char **err)
{
	memset(c, 0, sizeof(*c));
	pthread_mutex_init(&c->mu, NULL);
	c->q = q;
	c->st.state = CONN_CONNECTING;
	c->st.state_since_ns = now_ns();
	char *shown = config_redact_url(conf->servers ? conf->servers : "nats://127.0.0.1:4222");
	snprintf(c->st.name, sizeof(c->st.name), "%s %s", shown, what);
	free(shown);
	if (set_options(c, conf, err) < 0)
		return -1;
	natsStatus s = natsConnection_Connect(&c->nc, c->opts);
	if (s == NATS_OK) {
		set_state(c, CONN_CONNECTED, false);
	} else if (s != NATS_NOT_YET_CONNECTED) {
		const char *txt = nats_GetLastError(NULL);
		*err = xasprintf("NATS: %s", txt ? txt : natsStatus_GetText(s));
		natsOptions_Destroy(c->opts);
		c->opts = NULL;
		return -1;
	}
	return 0;
}

bool natsconn_is_closed(struct natsconn *c)
{
	return !c->nc || natsConnection_IsClosed(c->nc);
}

int natsconn_redial(struct natsconn *c)
{
	pthread_mutex_lock(&c->mu);
	bool closing = c->closing;
	pthread_mutex_unlock(&c->mu);
	if (closing)
		return -1;
	if (c->nc) {
		natsConnection_Destroy(c->nc);
		c->nc = NULL;
	}
	set_state(c, CONN_CONNECTING, false);
	/* One synchronous attempt (this is a worker thread): its error says
	 * why, e.g. the certificate that does not verify. Once connected, the
	 * library's own reconnect logic takes over again. */
	natsOptions_SetRetryOnFailedConnect(c->opts, false, NULL, NULL);
	natsStatus s = natsConnection_Connect(&c->nc, c->opts);
	natsOptions_SetRetryOnFailedConnect(c->opts, true, on_connected, c);
	if (s == NATS_OK) {
		set_state(c, CONN_CONNECTED, false);
	} else if (s != NATS_NOT_YET_CONNECTED) {
		const char *txt = nats_GetLastError(NULL);
		natsconn_error(c, "%s", txt ? txt : natsStatus_GetText(s));
		natsConnection_Destroy(c->nc);
		c->nc = NULL;
		set_state(c, CONN_DISCONNECTED, false); /* and we keep trying */
		return -1;
	}
	return 0;
}

void natsconn_close(struct natsconn *c)
{
	pthread_mutex_lock(&c->mu);
	c->closing = true;
	pthread_mutex_unlock(&c->mu);
	if (c->nc) {
		natsConnection_FlushTimeout(c->nc, 1000);
		natsConnection_Destroy(c->nc);
		c->nc = NULL;
	}
	natsOptions_Destroy(c->opts);
	c->opts = NULL;
}

void natsconn_stats(struct natsconn *c, struct source_stats *out)
{
	pthread_mutex_lock(&c->mu);
	out->state = c->st.state;
	out->state_since_ns = c->st.state_since_ns;
	out->reconnects = c->st.reconnects;
	memcpy(out->name, c->st.name, sizeof(out->name));
	memcpy(out->last_error, c->st.last_error, sizeof(out->last_error));
	pthread_mutex_unlock(&c->mu);
}
