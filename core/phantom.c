/* phantom.c — see phantom.h. */
#include "core/phantom.h"

#include <ctype.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "core/util.h"

#define RESPONSE_MAX (32u << 20)   /* larger answers are refused, not buffered */
#define RETRY_AFTER_CAP_MS (3600 * 1000LL)

struct phantom {
	CURL *h;
	struct curl_slist *hdrs;
	char *base;          /* ".../rest", no credentials */
	char *display;       /* base URL as configured, no credentials */
	char *token, *user, *password;
	bool insecure;
	const atomic_bool *abort_flag;
	struct sbuf resp;
	char ctype[128];
	char retry_after[64];
	bool too_big;
	char errbuf[CURL_ERROR_SIZE];
};

/* ---- results --------------------------------------------------------------- */

const char *phantom_outcome_name(enum phantom_outcome o)
{
	static const char *const n[] = { "ok", "existing", "transient", "permanent", "auth" };
	return (unsigned)o < ARRAY_LEN(n) ? n[o] : "?";
}

bool phantom_ok(const struct phantom_result *r)
{
	return r->outcome == PH_OK || r->outcome == PH_EXISTING;
}

void phantom_result_clear(struct phantom_result *r)
{
	json_decref(r->body);
	memset(r, 0, sizeof *r);
	r->retry_after_ms = -1;
}

static void set_error(struct phantom_result *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void set_error(struct phantom_result *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->error, sizeof r->error, fmt, ap);
	va_end(ap);
	/* printable ASCII only: the text ends up on a terminal and in logs */
	for (char *p = r->error; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
			*p = '?';
}

/* ---- body text ------------------------------------------------------------- */

static bool starts_tag(const char *s, size_t n, const char *tag)
{
	size_t l = strlen(tag);
	return n > l && strncasecmp(s, tag, l) == 0 &&
	       (s[l] == '>' || s[l] == ' ' || s[l] == '\t' || s[l] == '\n' || s[l] == '/');
}

/* Skips to just after "</tag>" (case-insensitive) or to the end. */
static size_t skip_element(const char *s, size_t n, size_t i, const char *tag)
{
	size_t l = strlen(tag);
	for (; i + l + 2 < n; i++)
		if (s[i] == '<' && s[i + 1] == '/' && strncasecmp(s + i + 2, tag, l) == 0) {
			const char *gt = memchr(s + i, '>', n - i);
			return gt ? (size_t)(gt - s) + 1 : n;
		}
	return n;
}

static const struct { const char *name; char c; } entities[] = {
	{ "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' }, { "&quot;", '"' },
	{ "&#39;", '\'' }, { "&apos;", '\'' }, { "&nbsp;", ' ' },
};

void phantom_body_text(const char *s, size_t n, char *out, size_t max)
{
	size_t o = 0;
	bool space = true; /* collapses runs and drops leading blanks */
	if (!max)
		return;
	for (size_t i = 0; i < n && o + 1 < max;) {
		char c = s[i];
		if (c == '<') {
			if (starts_tag(s + i + 1, n - i - 1, "script"))
				i = skip_element(s, n, i, "script");
			else if (starts_tag(s + i + 1, n - i - 1, "style"))
				i = skip_element(s, n, i, "style");
			else {
				const char *gt = memchr(s + i, '>', n - i);
				i = gt ? (size_t)(gt - s) + 1 : n;
			}
			c = ' ';
		} else if (c == '&') {
			size_t k;
			for (k = 0; k < ARRAY_LEN(entities); k++) {
				size_t l = strlen(entities[k].name);
				if (n - i >= l && strncasecmp(s + i, entities[k].name, l) == 0) {
					c = entities[k].c;
					i += l;
					break;
				}
			}
			if (k == ARRAY_LEN(entities))
				i++;
		} else {
			i++;
		}
		if ((unsigned char)c < 0x20 || c == ' ' || c == 0x7f) {
			if (!space)
				out[o++] = ' ';
			space = true;
			continue;
		}
		out[o++] = (unsigned char)c >= 0x80 ? '?' : c;
		space = false;
	}
	while (o && out[o - 1] == ' ')
		o--;
	out[o] = '\0';
}

/* ---- classification -------------------------------------------------------- */

static bool ctype_has(const char *ct, const char *what)
{
	return ct && strcasestr(ct, what) != NULL;
}

static bool looks_html(const char *ct, const char *body, size_t len)
{
	if (ctype_has(ct, "html"))
		return true;
	size_t i = 0;
	while (i < len && isspace((unsigned char)body[i]))
		i++;
	return i < len && body[i] == '<';
}

static long long json_id(json_t *v)
{
	if (json_is_integer(v))
		return json_integer_value(v);
	if (json_is_string(v)) { /* tolerate "123" */
		char *end;
		long long id = strtoll(json_string_value(v), &end, 10);
		if (*end == '\0' && end != json_string_value(v))
			return id;
	}
	return 0;
}

static int64_t parse_retry_after(const char *s)
{
	if (!s || !*s)
		return -1;
	while (isspace((unsigned char)*s))
		s++;
	if (isdigit((unsigned char)*s)) {
		char *end;
		long long secs = strtoll(s, &end, 10);
		if (secs < 0)
			return -1;
		if (secs > RETRY_AFTER_CAP_MS / 1000)
			return RETRY_AFTER_CAP_MS;
		return secs * 1000;
	}
	time_t when = curl_getdate(s, NULL);
	if (when <= 0)
		return -1;
	int64_t ms = ((int64_t)when * 1000) - now_ns() / 1000000;
	return ms < 0 ? 0 : MIN(ms, RETRY_AFTER_CAP_MS);
}

static bool retryable_status(long status)
{
	return status == 0 || status == 408 || status == 425 || status == 429 || status >= 500 ||
	       (status >= 100 && status < 200);
}

/* Outcome for a failure at this status. */
static enum phantom_outcome failure_kind(long status)
{
	if (status == 401 || status == 403)
		return PH_AUTH;
	return retryable_status(status) ? PH_TRANSIENT : PH_PERMANENT;
}

static void describe_failure(struct phantom_result *r, const char *msg)
{
	if (r->outcome == PH_AUTH)
		set_error(r, "SOAR auth failed (HTTP %ld)%s%s", r->status, *msg ? ": " : "", msg);
	else if (r->status)
		set_error(r, "HTTP %ld%s%s", r->status, *msg ? ": " : "", msg);
	else
		set_error(r, "%s", msg);
}

void phantom_classify(long status, const char *ct, const char *body, size_t len,
		      const char *retry_after, struct phantom_result *r)
{
	json_decref(r->body);
	memset(r, 0, sizeof *r);
	r->status = status;
	r->retry_after_ms = parse_retry_after(retry_after);
	if (!body)
		len = 0;
	char text[160];

	json_t *j = NULL;
	if (len && !looks_html(ct, body, len))
		j = json_loadb(body, len, JSON_ALLOW_NUL, NULL);
	bool is2xx = status >= 200 && status < 300;

	if (json_is_object(j)) {
		json_t *failed = json_object_get(j, "failed");
		long long existing = json_id(json_object_get(j, "existing_container_id"));
		if (!existing)
			existing = json_id(json_object_get(j, "existing_artifact_id"));
		const char *msg = json_string_value(json_object_get(j, "message"));
		bool is_failed = json_is_true(failed);
		if (existing > 0 && status < 500) {
			r->outcome = PH_EXISTING;
			r->id = existing;
			r->body = j;
			return;
		}
		if (is2xx && !is_failed) {
			r->outcome = PH_OK;
			r->id = json_id(json_object_get(j, "id"));
			r->body = j;
			return;
		}
		/* a failure: 2xx+failed is the server refusing (permanent) */
		r->outcome = is2xx ? PH_PERMANENT : failure_kind(status);
		phantom_body_text(msg ? msg : "", msg ? strlen(msg) : 0, text, sizeof text);
		if (!*text)
			snprintf(text, sizeof text, "%s", is_failed ? "request failed" : "error");
		describe_failure(r, text);
		r->body = j;
		return;
	}
	if (j && is2xx) { /* an array (bulk answers) or a scalar */
		r->outcome = PH_OK;
		r->body = j;
		return;
	}
	json_decref(j);

	if (is2xx && !looks_html(ct, body, len)) {
		/* empty or plain-text success: Splunk's own client accepts it; the
		 * caller decides whether a missing id matters */
		r->outcome = PH_OK;
		return;
	}
	phantom_body_text(body ? body : "", len, text, sizeof text);
	if (is2xx) {
		/* an HTML page with 200 is a proxy or portal, not Phantom */
		r->outcome = PH_TRANSIENT;
		set_error(r, "HTTP %ld with an HTML page, not Phantom: %s", status, text);
		return;
	}
	r->outcome = failure_kind(status);
	if (status >= 300 && status < 400)
		r->outcome = PH_PERMANENT;
	if (!*text)
		snprintf(text, sizeof text, "%s", len ? "unreadable answer" : "empty answer");
	describe_failure(r, text);
}

int64_t phantom_backoff_ms(const struct phantom_conf *c, int attempt, int64_t retry_after_ms,
			   uint64_t *rng)
{
	int64_t base = c && c->backoff_base_ms > 0 ? c->backoff_base_ms : 2000;
	int64_t cap = c && c->backoff_max_ms > 0 ? c->backoff_max_ms : 300000;
	int64_t d = base;
	for (int i = 1; i < attempt && d < cap; i++)
		d *= 2;
	d = MIN(d, cap);
	/* xorshift64: jitter spreads retries of many clients */
	uint64_t x = *rng ? *rng : 0x9e3779b97f4a7c15ULL;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*rng = x;
	d = d / 2 + (int64_t)(x % (uint64_t)(d / 2 + 1));
	if (retry_after_ms > 0)
		d = MAX(d, MIN(retry_after_ms, RETRY_AFTER_CAP_MS));
	return d;
}

/* ---- set-up ---------------------------------------------------------------- */

int phantom_global_init(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1;
}

void phantom_global_cleanup(void)
{
	curl_global_cleanup();
}

static size_t on_write(char *p, size_t size, size_t n, void *ud)
{
	struct phantom *ph = ud;
	size_t len = size * n;
	if (ph->resp.len + len > RESPONSE_MAX) {
		ph->too_big = true;
		return 0;
	}
	sbuf_add(&ph->resp, p, len);
	return len;
}

static void header_value(const char *line, size_t len, const char *name, char *out, size_t max)
{
	size_t nl = strlen(name);
	if (len <= nl || strncasecmp(line, name, nl) != 0)
		return;
	line += nl;
	len -= nl;
	while (len && (*line == ' ' || *line == '\t')) {
		line++;
		len--;
	}
	while (len && (line[len - 1] == '\r' || line[len - 1] == '\n' || line[len - 1] == ' '))
		len--;
	len = MIN(len, max - 1);
	memcpy(out, line, len);
	out[len] = '\0';
}

static size_t on_header(char *p, size_t size, size_t n, void *ud)
{
	struct phantom *ph = ud;
	size_t len = size * n;
	if (len > 5 && strncmp(p, "HTTP/", 5) == 0) { /* a new answer (after 100) */
		ph->ctype[0] = ph->retry_after[0] = '\0';
		return len;
	}
	header_value(p, len, "content-type:", ph->ctype, sizeof ph->ctype);
	header_value(p, len, "retry-after:", ph->retry_after, sizeof ph->retry_after);
	return len;
}

static int on_progress(void *ud, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
	(void)dt, (void)dn, (void)ut, (void)un;
	struct phantom *ph = ud;
	return ph->abort_flag && atomic_load(ph->abort_flag) ? 1 : 0;
}

/* Splits credentials out of the URL and normalises it to ".../rest". */
static int split_url(struct phantom *ph, const char *url, char **err)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *user = NULL, *pass = NULL, *plain = NULL;
	int rc = -1;
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK) {
		*err = xstrdup("Phantom URL is not a valid URL");
		goto out;
	}
	curl_url_get(u, CURLUPART_SCHEME, &scheme, 0);
	if (!scheme || (strcasecmp(scheme, "https") != 0 && strcasecmp(scheme, "http") != 0)) {
		*err = xstrdup("Phantom URL must start with https:// (or http://)");
		goto out;
	}
	curl_url_get(u, CURLUPART_USER, &user, CURLU_URLDECODE);
	curl_url_get(u, CURLUPART_PASSWORD, &pass, CURLU_URLDECODE);
	curl_url_set(u, CURLUPART_USER, NULL, 0);
	curl_url_set(u, CURLUPART_PASSWORD, NULL, 0);
	curl_url_set(u, CURLUPART_QUERY, NULL, 0);
	curl_url_set(u, CURLUPART_FRAGMENT, NULL, 0);
	if (curl_url_get(u, CURLUPART_URL, &plain, 0) != CURLUE_OK) {
		*err = xstrdup("Phantom URL is not a valid URL");
		goto out;
	}
	/* "https://:TOKEN@host" is Phantom's token-in-URL form */
	if (pass && *pass && (!user || !*user) && !ph->token && !ph->password)
		ph->token = xstrdup(pass);
	else if (user && *user && !ph->token && !ph->user) {
		ph->user = xstrdup(user);
		ph->password = xstrdup(pass ? pass : "");
	}
	size_t l = strlen(plain);
	while (l && plain[l - 1] == '/')
		l--;
	ph->display = xstrndup(plain, l);
	if (l >= 5 && strncmp(plain + l - 5, "/rest", 5) == 0)
		l -= 5;
	ph->base = xasprintf("%.*s/rest", (int)l, plain);
	rc = 0;
out:
	curl_free(scheme);
	curl_free(user);
	if (pass) {
		memset(pass, 0, strlen(pass));
		curl_free(pass);
	}
	curl_free(plain);
	curl_url_cleanup(u);
	return rc;
}

static int64_t or_ms(int64_t v, int64_t def)
{
	return v > 0 ? v : def;
}

struct phantom *phantom_new(const struct phantom_conf *c, char **err)
{
	*err = NULL;
	if (!c || !c->base_url || !*c->base_url) {
		*err = xstrdup("no Phantom URL configured");
		return NULL;
	}
	struct phantom *ph = xcalloc(1, sizeof *ph);
	if (c->token && *c->token)
		ph->token = xstrdup(c->token);
	if (c->user && *c->user) {
		ph->user = xstrdup(c->user);
		ph->password = xstrdup(c->password ? c->password : "");
	}
	if (split_url(ph, c->base_url, err) != 0) {
		phantom_free(ph);
		return NULL;
	}
	if (ph->token && strpbrk(ph->token, "\r\n")) {
		*err = xstrdup("the Phantom token contains a line break");
		phantom_free(ph);
		return NULL;
	}
	ph->h = curl_easy_init();
	if (!ph->h) {
		*err = xstrdup("cannot initialise libcurl");
		phantom_free(ph);
		return NULL;
	}
	ph->insecure = c->insecure;
	CURL *h = ph->h;
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, (long)or_ms(c->connect_timeout_ms, 10000));
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)or_ms(c->timeout_ms, 30000));
	/* a trickle of bytes must not keep a request alive forever (B37) */
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, (long)MAX(1, or_ms(c->timeout_ms, 30000) / 1000));
	curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_USERAGENT, "socterm/" SOCTERM_VERSION);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, c->insecure ? 0L : 1L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, c->insecure ? 0L : 2L);
	if (c->ca_file && *c->ca_file)
		curl_easy_setopt(h, CURLOPT_CAINFO, c->ca_file);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_write);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, ph);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, ph);
	curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(h, CURLOPT_XFERINFODATA, ph);
	curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, ph->errbuf);

	ph->hdrs = curl_slist_append(ph->hdrs, "Content-Type: application/json");
	ph->hdrs = curl_slist_append(ph->hdrs, "Accept: application/json");
	ph->hdrs = curl_slist_append(ph->hdrs, "Expect:");
	if (ph->token) {
		char *hdr = xasprintf("ph-auth-token: %s", ph->token);
		ph->hdrs = curl_slist_append(ph->hdrs, hdr);
		memset(hdr, 0, strlen(hdr));
		free(hdr);
	} else if (ph->user) {
		curl_easy_setopt(h, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(h, CURLOPT_USERNAME, ph->user);
		curl_easy_setopt(h, CURLOPT_PASSWORD, ph->password);
	}
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, ph->hdrs);
	return ph;
}

static void free_secret(char *s)
{
	if (s) {
		memset(s, 0, strlen(s));
		free(s);
	}
}

void phantom_free(struct phantom *ph)
{
	if (!ph)
		return;
	if (ph->h)
		curl_easy_cleanup(ph->h);
	/* the header list holds the token */
	for (struct curl_slist *l = ph->hdrs; l; l = l->next)
		memset(l->data, 0, strlen(l->data));
	curl_slist_free_all(ph->hdrs);
	free(ph->base);
	free(ph->display);
	free_secret(ph->token);
	free_secret(ph->user);
	free_secret(ph->password);
	sbuf_free(&ph->resp);
	free(ph);
}

void phantom_set_abort_flag(struct phantom *ph, const atomic_bool *flag)
{
	ph->abort_flag = flag;
}

const char *phantom_url(const struct phantom *ph)
{
	return ph->display;
}

bool phantom_insecure(const struct phantom *ph)
{
	return ph->insecure;
}

/* ---- requests -------------------------------------------------------------- */

/* Removes any secret that an echoing server or proxy might have repeated. */
static void redact(struct phantom *ph, char *s)
{
	const char *secrets[] = { ph->token, ph->password };
	for (size_t i = 0; i < ARRAY_LEN(secrets); i++) {
		const char *sec = secrets[i];
		if (!sec || strlen(sec) < 4)
			continue;
		char *p;
		while ((p = strstr(s, sec)))
			memset(p, '*', strlen(sec));
	}
}

static enum phantom_outcome transport_kind(CURLcode rc)
{
	switch (rc) {
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_URL_MALFORMAT:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_LOGIN_DENIED:
		return PH_PERMANENT;
	default:
		return PH_TRANSIENT;
	}
}

static void transport_error(struct phantom *ph, CURLcode rc, struct phantom_result *r)
{
	const char *detail = ph->errbuf[0] ? ph->errbuf : curl_easy_strerror(rc);
	r->outcome = transport_kind(rc);
	if (rc == CURLE_ABORTED_BY_CALLBACK)
		set_error(r, "aborted (stopping)");
	else if (ph->too_big)
		set_error(r, "answer larger than %u MiB", RESPONSE_MAX >> 20);
	else if (rc == CURLE_OPERATION_TIMEDOUT)
		set_error(r, "timed out, will retry: %s", detail);
	else if (rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CACERT_BADFILE)
		set_error(r, "TLS verification failed: %s (set a CA file for a private or "
			  "self-signed certificate)", detail);
	else
		set_error(r, "%s", detail);
}

char *phantom_body(json_t *body)
{
	char *s = json_dumps(body, JSON_COMPACT);
	/* jansson writes U+0000 as the escape \u0000 (lower case, the only
	 * form it writes); most bodies have none, so look before walking */
	if (!s || !strstr(s, "\\u0000"))
		return s;
	/* p + 2: past the escaped character (after \\, u0000 is text) */
	for (char *p = s; (p = strchr(p, '\\')) && p[1]; p += 2)
		if (strncmp(p + 1, "u0000", 5) == 0)
			memcpy(p + 2, "FFFD", 4);
	return s;
}

static void perform(struct phantom *ph, const char *method, const char *path, json_t *body,
		    struct phantom_result *r)
{
	phantom_result_clear(r);
	char *url = xasprintf("%s%s", ph->base, path);
	char *data = NULL;
	CURL *h = ph->h;
	sbuf_reset(&ph->resp);
	ph->ctype[0] = ph->retry_after[0] = ph->errbuf[0] = '\0';
	ph->too_big = false;
	curl_easy_setopt(h, CURLOPT_URL, url);
	if (strcmp(method, "POST") == 0) {
		data = phantom_body(body);
		if (!data) {
			r->outcome = PH_PERMANENT;
			set_error(r, "cannot encode the request as JSON");
			free(url);
			return;
		}
		curl_easy_setopt(h, CURLOPT_POST, 1L);
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, data);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(data));
	} else {
		curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
	}
	CURLcode rc = curl_easy_perform(h);
	if (rc != CURLE_OK) {
		transport_error(ph, rc, r);
	} else {
		long status = 0;
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
		phantom_classify(status, ph->ctype, ph->resp.s, ph->resp.len, ph->retry_after, r);
	}
	redact(ph, r->error);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, NULL);
	free(data);
	free(url);
}

/* A create must name what it created; a success without an id is retried
 * (the SDI or the content hash makes the retry safe). */
static void need_id(struct phantom_result *r, const char *what)
{
	if (r->outcome == PH_OK && r->id <= 0) {
		r->outcome = PH_TRANSIENT;
		set_error(r, "HTTP %ld without a %s id", r->status, what);
	}
}

void phantom_container_create(struct phantom *ph, json_t *container, struct phantom_result *r)
{
	perform(ph, "POST", "/container", container, r);
	need_id(r, "container");
}

void phantom_container_update(struct phantom *ph, long long id, json_t *fields, struct phantom_result *r)
{
	char path[64];
	snprintf(path, sizeof path, "/container/%lld", id);
	perform(ph, "POST", path, fields, r);
}

void phantom_container_get(struct phantom *ph, long long id, struct phantom_result *r)
{
	char path[64];
	snprintf(path, sizeof path, "/container/%lld", id);
	perform(ph, "GET", path, NULL, r);
	if (r->outcome == PH_OK && !json_is_object(r->body)) {
		r->outcome = PH_TRANSIENT;
		set_error(r, "HTTP %ld without a container", r->status);
	}
}

void phantom_artifact_add(struct phantom *ph, json_t *artifact, struct phantom_result *r)
{
	perform(ph, "POST", "/artifact", artifact, r);
	need_id(r, "artifact");
}

static bool list_ok(struct phantom_result *r)
{
	if (r->outcome != PH_OK)
		return false;
	if (!json_is_array(json_object_get(r->body, "data"))) {
		r->outcome = PH_TRANSIENT;
		set_error(r, "HTTP %ld without a list", r->status);
		return false;
	}
	return true;
}

void phantom_artifact_find(struct phantom *ph, long long cid, const char *sdi, struct phantom_result *r)
{
	char *quoted = xasprintf("\"%s\"", sdi);
	char *esc = curl_easy_escape(ph->h, quoted, 0);
	char *path = xasprintf("/artifact?_filter_container=%lld&_filter_source_data_identifier=%s&page_size=0",
			       cid, esc ? esc : "");
	perform(ph, "GET", path, NULL, r);
	curl_free(esc);
	free(quoted);
	free(path);
	if (!list_ok(r))
		return;
	/* a server that ignores an unknown filter returns everything: check */
	size_t i;
	json_t *a;
	json_array_foreach(json_object_get(r->body, "data"), i, a) {
		const char *s = json_string_value(json_object_get(a, "source_data_identifier"));
		json_t *c = json_object_get(a, "container");
		if (!json_is_integer(c))
			c = json_object_get(a, "container_id");
		if (s && strcmp(s, sdi) == 0 && json_id(c) == cid) {
			r->id = json_id(json_object_get(a, "id"));
			return;
		}
	}
	r->id = 0;
}

void phantom_note_add(struct phantom *ph, json_t *note, struct phantom_result *r)
{
	perform(ph, "POST", "/note", note, r);
	need_id(r, "note");
}

void phantom_notes_list(struct phantom *ph, long long cid, struct phantom_result *r)
{
	char path[96];
	snprintf(path, sizeof path, "/container/%lld/notes?page_size=0", cid);
	perform(ph, "GET", path, NULL, r);
	list_ok(r);
}
