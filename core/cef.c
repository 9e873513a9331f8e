/* cef.c — see cef.h. */
#include "core/cef.h"
#include "core/parse.h"
#include "core/utf8.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#define MAX_EXACT_JSON_INT 9007199254740992LL /* 2^53 */
#define SUMMARY_MAX 600

/* ---- priority and severity ------------------------------------------------ */

enum prio cef_prio(const char *s)
{
	return s ? prio_parse(s, strlen(s)) : PRIO_UNKNOWN;
}

const char *cef_default_severity(enum prio p)
{
	switch (p) {
	case PRIO_EMERGENCY:
	case PRIO_ALERT:
	case PRIO_CRITICAL:
		return "high";
	case PRIO_ERROR:
	case PRIO_WARNING:
		return "medium";
	case PRIO_NOTICE:
	case PRIO_INFORMATIONAL:
	case PRIO_DEBUG:
		return "low";
	default:
		return "medium";
	}
}

const char *cef_severity(const struct cef_params *p, enum prio prio)
{
	if ((unsigned)prio >= PRIO_COUNT)
		prio = PRIO_UNKNOWN;
	if (p && p->sev_map && p->sev_map[prio])
		return p->sev_map[prio];
	return cef_default_severity(prio);
}

static enum prio event_prio(json_t *ev)
{
	return cef_prio(json_string_value(json_object_get(ev, "priority")));
}

/* Lower rank = more severe; unknown sorts with Warning (it maps to medium). */
static int prio_rank(enum prio p)
{
	return p == PRIO_UNKNOWN ? PRIO_WARNING : (int)p;
}

/* ---- loading -------------------------------------------------------------- */

/* A copy of s[0..n) with every NUL byte as U+FFFD (in cef_event_load's
 * strings, a NUL is always a whole character). */
static void add_without_nul(struct sbuf *b, const char *s, size_t n)
{
	for (const char *end = s + n; s < end;) {
		const char *z = memchr(s, '\0', (size_t)(end - s));
		if (!z) {
			sbuf_add(b, s, (size_t)(end - s));
			break;
		}
		sbuf_add(b, s, (size_t)(z - s));
		sbuf_add(b, "\xef\xbf\xbd", 3);
		s = z + 1;
	}
}

/* Replaces NUL in every string of v (in place); true if there was one.
 * Phantom keeps JSON in PostgreSQL, whose text and jsonb refuse U+0000: one
 * NUL anywhere in an artifact's data gets the whole escalation refused for
 * good (HTTP 400), so an attacker who controls a field could keep an alert
 * out of Phantom. U+FFFD is what invalid UTF-8 and lone surrogates already
 * become; the exact original goes along in "socterm.raw", where the JSON
 * escape \u0000 is plain text. Keys need nothing: the loader never yields
 * a NUL in one. jansson limits nesting, so the recursion is bounded. */
static bool strip_nul(json_t *v)
{
	bool found = false;
	if (json_is_string(v)) {
		const char *s = json_string_value(v);
		size_t n = json_string_length(v);
		if (!memchr(s, '\0', n))
			return false;
		struct sbuf b = SBUF_INIT;
		add_without_nul(&b, s, n);
		json_string_setn(v, b.s, b.len);
		sbuf_free(&b);
		return true;
	}
	if (json_is_object(v)) {
		const char *k;
		json_t *e;
		json_object_foreach(v, k, e)
			found |= strip_nul(e);
	} else if (json_is_array(v)) {
		size_t i;
		json_t *e;
		json_array_foreach(v, i, e)
			found |= strip_nul(e);
	}
	return found;
}

json_t *cef_event_load(const char *raw, size_t len)
{
	while (len && (raw[len - 1] == '\n' || raw[len - 1] == '\r'))
		len--;
	json_error_t err;
	bool repaired;
	/* The same load as the parser's: repaired UTF-8, big integers kept. */
	json_t *ev = falco_json_load(raw, len, &repaired, &err);
	if (ev && !json_is_object(ev)) {
		json_decref(ev);
		ev = NULL;
		snprintf(err.text, sizeof err.text, "not a JSON object");
	}
	if (!ev) {
		ev = json_object();
		json_object_set_new(ev, "rule", json_string("Unparsed event"));
		json_object_set_new(ev, "socterm.error", json_string(err.text));
	}
	bool had_nul = strip_nul(ev);
	if (repaired || had_nul || json_object_get(ev, "socterm.error")) {
		/* Keep what arrived, as valid UTF-8 text without NUL (raw NUL
		 * bytes only occur in lines that are not JSON). */
		struct sbuf fixed = SBUF_INIT, text = SBUF_INIT;
		if (!utf8_repair(raw, len, &fixed))
			sbuf_add(&fixed, raw, len);
		add_without_nul(&text, fixed.s ? fixed.s : "", fixed.len);
		json_object_set_new(ev, "socterm.raw", json_stringn(text.s ? text.s : "", text.len));
		sbuf_free(&fixed);
		sbuf_free(&text);
	}
	return ev;
}

/* ---- ids and times -------------------------------------------------------- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

char *cef_sdi(const char *const *ids, size_t n)
{
	const char **v = xcalloc(n ? n : 1, sizeof *v);
	for (size_t i = 0; i < n; i++)
		v[i] = ids[i] ? ids[i] : "";
	qsort(v, n, sizeof *v, cmp_str);
	XXH3_state_t st;
	XXH3_128bits_reset(&st);
	for (size_t i = 0; i < n; i++) {
		if (i && strcmp(v[i], v[i - 1]) == 0)
			continue;
		/* length-prefixed, so no id can imitate two */
		uint64_t len = strlen(v[i]);
		unsigned char lb[8];
		for (int j = 0; j < 8; j++)
			lb[j] = (unsigned char)(len >> (8 * j));
		XXH3_128bits_update(&st, lb, sizeof lb);
		XXH3_128bits_update(&st, v[i], len);
	}
	XXH128_hash_t h = XXH3_128bits_digest(&st);
	free(v);
	return xasprintf("socterm-%016" PRIx64 "%016" PRIx64, (uint64_t)h.high64, (uint64_t)h.low64);
}

static int digits(const char *s, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

int cef_parse_time(const char *s, int64_t *ns)
{
	int Y, M, D, h, m, sec;
	if (!s || strlen(s) < 20)
		return -1;
	if (digits(s, 4, &Y) || s[4] != '-' || digits(s + 5, 2, &M) || s[7] != '-' ||
	    digits(s + 8, 2, &D) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
	    digits(s + 11, 2, &h) || s[13] != ':' || digits(s + 14, 2, &m) || s[16] != ':' ||
	    digits(s + 17, 2, &sec))
		return -1;
	if (M < 1 || M > 12 || D < 1 || D > 31 || h > 23 || m > 59 || sec > 60)
		return -1;
	const char *p = s + 19;
	int64_t frac = 0;
	if (*p == '.') {
		int nd = 0;
		p++;
		while (isdigit((unsigned char)*p)) {
			if (nd < 9) {
				frac = frac * 10 + (*p - '0');
				nd++;
			}
			p++;
		}
		if (nd == 0)
			return -1;
		for (; nd < 9; nd++)
			frac *= 10;
	}
	int64_t off = 0;
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int oh, om;
		int sign = *p == '-' ? -1 : 1;
		if (digits(p + 1, 2, &oh))
			return -1;
		const char *q = p + 3;
		if (*q == ':')
			q++;
		if (digits(q, 2, &om) || oh > 23 || om > 59)
			return -1;
		off = sign * (oh * 3600 + om * 60);
		p = q + 2;
	} else {
		return -1;
	}
	if (*p)
		return -1;
	struct tm tm = { .tm_year = Y - 1900, .tm_mon = M - 1, .tm_mday = D,
			 .tm_hour = h, .tm_min = m, .tm_sec = sec };
	int64_t secs = (int64_t)timegm(&tm) - off;
	/* Same range as parse_rfc3339: nanoseconds in 64 bits cover 1677..2262. */
	if (secs <= INT64_MIN / 1000000000 || secs >= INT64_MAX / 1000000000)
		return -1;
	*ns = secs * 1000000000LL + frac;
	return 0;
}

void cef_format_time(int64_t ns, int frac_digits, char *out)
{
	int64_t secs = ns / 1000000000LL;
	int64_t frac = ns % 1000000000LL;
	if (frac < 0) {
		frac += 1000000000LL;
		secs--;
	}
	time_t t = (time_t)secs;
	struct tm tm;
	gmtime_r(&t, &tm);
	char base[26];
	strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
	if (frac_digits == 9)
		snprintf(out, CEF_TIME_MAX, "%s.%09" PRId64 "Z", base, frac);
	else
		snprintf(out, CEF_TIME_MAX, "%s.%06" PRId64 "Z", base, frac / 1000);
}

static json_t *fields_of(json_t *ev)
{
	json_t *f = json_object_get(ev, "output_fields");
	return json_is_object(f) ? f : NULL;
}

int cef_event_time(json_t *ev, int64_t *ns)
{
	if (cef_parse_time(json_string_value(json_object_get(ev, "time")), ns) == 0)
		return 0;
	json_t *t = json_object_get(fields_of(ev), "evt.time");
	if (json_is_integer(t) && json_integer_value(t) > 0) {
		*ns = json_integer_value(t);
		return 0;
	}
	return -1;
}

/* ---- description ----------------------------------------------------------- */

static size_t skip_digits(const char *s, size_t at, size_t n)
{
	while (at < n && isdigit((unsigned char)s[at]))
		at++;
	return at;
}

/* Length of a leading "HH:MM:SS.nnnnnnnnn" or ISO 8601 time, or 0. */
static size_t time_prefix_len(const char *s, size_t n)
{
	size_t p = 0;
	if (n >= 11 && isdigit((unsigned char)s[0]) && s[4] == '-' && s[7] == '-' && s[10] == 'T') {
		if (skip_digits(s, 0, n) != 4 || skip_digits(s, 5, n) != 7 || skip_digits(s, 8, n) != 10)
			return 0;
		p = 11;
	}
	if (p + 8 > n || skip_digits(s, p, n) != p + 2 || s[p + 2] != ':' ||
	    skip_digits(s, p + 3, n) != p + 5 || s[p + 5] != ':' || skip_digits(s, p + 6, n) != p + 8)
		return 0;
	bool iso = p != 0;
	p += 8;
	if (p < n && s[p] == '.') {
		size_t q = skip_digits(s, p + 1, n);
		if (q == p + 1)
			return 0;
		p = q;
	} else if (!iso) {
		return 0; /* Falco's time-of-day form always has the fraction */
	}
	if (iso && p < n) {
		if (s[p] == 'Z') {
			p++;
		} else if (s[p] == '+' || s[p] == '-') {
			size_t q = skip_digits(s, p + 1, n);
			if (q == p + 3 && q < n && s[q] == ':')
				q = skip_digits(s, q + 1, n) == q + 3 ? q + 3 : 0;
			else if (q != p + 5)
				q = 0;
			if (!q)
				return 0;
			p = q;
		}
	}
	return p;
}

/* Offset of the text after "<time>: <Priority> ", or 0 if it does not match. */
static size_t output_prefix_len(const char *s, size_t n)
{
	size_t p = time_prefix_len(s, n);
	if (!p || p + 2 > n || s[p] != ':' || s[p + 1] != ' ')
		return 0;
	p += 2;
	size_t w = p;
	while (w < n && isalpha((unsigned char)s[w]))
		w++;
	if (w == p || w >= n || s[w] != ' ')
		return 0;
	char word[16];
	if (w - p >= sizeof word)
		return 0;
	memcpy(word, s + p, w - p);
	word[w - p] = '\0';
	if (cef_prio(word) == PRIO_UNKNOWN)
		return 0;
	return w + 1 < n ? w + 1 : 0; /* keep the whole text if nothing follows */
}

/* Appends a field value in Falco's text style (null -> <NA>), one line. */
static void add_text_value(struct sbuf *b, json_t *v)
{
	if (json_is_string(v)) {
		const char *s = json_string_value(v);
		size_t n = json_string_length(v);
		for (size_t i = 0; i < n; i++) {
			if (s[i] == '\n')
				sbuf_adds(b, "\\n");
			else if (s[i] == '\r')
				sbuf_adds(b, "\\r");
			else if (s[i] == '\0')
				sbuf_adds(b, "\\0");
			else
				sbuf_addc(b, s[i]);
		}
	} else if (json_is_null(v)) {
		sbuf_adds(b, "<NA>");
	} else {
		char *t = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
		sbuf_adds(b, t ? t : "?");
		free(t);
	}
}

static char *summary(json_t *ev)
{
	struct sbuf b = SBUF_INIT;
	const char *rule = json_string_value(json_object_get(ev, "rule"));
	sbuf_adds(&b, rule && *rule ? rule : "Falco event");
	json_t *f = fields_of(ev);
	const char *k;
	json_t *v;
	bool first = true;
	json_object_foreach(f, k, v) {
		if (b.len > SUMMARY_MAX) {
			sbuf_adds(&b, " ...");
			break;
		}
		sbuf_adds(&b, first ? " (" : " ");
		first = false;
		sbuf_printf(&b, "%s=", k);
		add_text_value(&b, v);
	}
	if (!first)
		sbuf_addc(&b, ')');
	return sbuf_steal(&b);
}

/* A C string of s[0..n): an embedded NUL (JSON "\u0000") becomes U+FFFD. */
static char *dup_text(const char *s, size_t n)
{
	struct sbuf b = SBUF_INIT;
	for (size_t i = 0; i < n; i++) {
		if (s[i])
			sbuf_addc(&b, s[i]);
		else
			sbuf_adds(&b, "\xef\xbf\xbd");
	}
	return b.s ? sbuf_steal(&b) : xstrdup("");
}

char *cef_description(json_t *ev)
{
	json_t *o = json_object_get(ev, "output");
	if (json_is_string(o) && json_string_length(o) > 0) {
		const char *s = json_string_value(o);
		size_t n = json_string_length(o);
		size_t p = output_prefix_len(s, n);
		return dup_text(s + p, n - p);
	}
	json_t *m = json_object_get(ev, "message");
	if (json_is_string(m) && json_string_length(m) > 0)
		return dup_text(json_string_value(m), json_string_length(m));
	return summary(ev);
}

/* ---- CEF ------------------------------------------------------------------- */

enum vkind {
	VK_ANY,     /* any value: strings, numbers, booleans, JSON text */
	VK_ADDR,    /* a string; an array gives its first string */
	VK_PORT,    /* 0..65535 as an integer or digits */
	VK_PATH,    /* a file path: filePath + fileName; only for file descriptors */
};

struct cef_rule {
	const char *field;  /* output_fields key, or "@key" for a top-level key */
	const char *key;    /* CEF key */
	enum vkind kind;
	const char *label;  /* csN label value (key is "csN") */
	const char *type;   /* cef_types contains, for custom keys */
};

/* First match wins for a CEF key, so later rows are fallbacks. */
static const struct cef_rule rules[] = {
	{ "@hostname", "deviceHostname", VK_ANY, NULL, NULL },
	{ "@hostname", "sourceHostName", VK_ANY, NULL, NULL },
	{ "@rule", "message", VK_ANY, NULL, NULL },
	{ "@source", "deviceEventCategory", VK_ANY, NULL, NULL },
	{ "@priority", "falcoPriority", VK_ANY, NULL, "falco priority" },
	{ "user.name", "sourceUserName", VK_ANY, NULL, NULL },
	{ "ka.user.name", "sourceUserName", VK_ANY, NULL, NULL },
	{ "ct.user", "sourceUserName", VK_ANY, NULL, NULL },
	{ "gcp.user", "sourceUserName", VK_ANY, NULL, NULL },
	{ "user.uid", "sourceUserId", VK_ANY, NULL, NULL },
	{ "proc.name", "destinationProcessName", VK_ANY, NULL, NULL },
	{ "proc.cmdline", "cs1", VK_ANY, "commandLine", NULL },
	{ "proc.pid", "processId", VK_ANY, NULL, "pid" },
	{ "proc.pname", "parentProcessName", VK_ANY, NULL, "process name" },
	{ "fd.name", "filePath", VK_PATH, NULL, NULL },
	{ "fs.path.name", "filePath", VK_PATH, NULL, NULL },
	{ "fd.sip", "destinationAddress", VK_ADDR, NULL, NULL },
	{ "fd.sport", "destinationPort", VK_PORT, NULL, NULL },
	{ "fd.cip", "sourceAddress", VK_ADDR, NULL, NULL },
	{ "fd.cport", "sourcePort", VK_PORT, NULL, NULL },
	{ "ka.sourceips", "sourceAddress", VK_ADDR, NULL, NULL },
	{ "ct.srcip", "sourceAddress", VK_ADDR, NULL, NULL },
	{ "gcp.callerIP", "sourceAddress", VK_ADDR, NULL, NULL },
	{ "fd.l4proto", "transportProtocol", VK_ANY, NULL, NULL },
	{ "container.id", "cs2", VK_ANY, "containerId", NULL },
	{ "container.name", "cs3", VK_ANY, "containerName", NULL },
	/* cs4 (containerImage) is built from repository:tag in map_image() */
	{ "k8s.ns.name", "cs5", VK_ANY, "k8sNamespace", NULL },
	{ "ka.target.namespace", "cs5", VK_ANY, "k8sNamespace", NULL },
	{ "k8s.pod.name", "cs6", VK_ANY, "k8sPod", NULL },
	{ "ka.target.name", "k8sTargetName", VK_ANY, NULL, "k8s name" },
	{ "ka.target.resource", "k8sResource", VK_ANY, NULL, "k8s resource" },
	{ "ka.uri", "requestURL", VK_ANY, NULL, NULL },
	{ "evt.type", "deviceAction", VK_ANY, NULL, NULL },
	{ "ka.verb", "deviceAction", VK_ANY, NULL, NULL },
	{ "ct.name", "deviceAction", VK_ANY, NULL, NULL },
	{ "gcp.methodName", "deviceAction", VK_ANY, NULL, NULL },
	{ "ct.region", "awsRegion", VK_ANY, NULL, "aws region" },
	{ "ct.user.accountid", "awsAccountId", VK_ANY, NULL, "aws account id" },
};

/* True for the three forms of "no value" (B01). */
static bool is_empty_value(json_t *v)
{
	if (!v || json_is_null(v))
		return true;
	if (json_is_string(v)) {
		size_t n = json_string_length(v);
		return n == 0 || (n == 4 && memcmp(json_string_value(v), "<NA>", 4) == 0);
	}
	return false;
}

/* A CEF value for v, or NULL when there is nothing to map. */
static json_t *cef_value(json_t *v, enum vkind kind)
{
	if (kind == VK_ADDR && json_is_array(v)) {
		size_t i;
		json_t *e;
		json_array_foreach(v, i, e)
			if (json_is_string(e) && !is_empty_value(e))
				return cef_value(e, VK_ANY);
		return NULL;
	}
	if (is_empty_value(v))
		return NULL;
	if (kind == VK_PORT) {
		long long port = -1;
		if (json_is_integer(v)) {
			port = json_integer_value(v);
		} else if (json_is_string(v)) {
			const char *s = json_string_value(v);
			size_t n = json_string_length(v);
			if (n <= 5 && strspn(s, "0123456789") == n)
				port = atoll(s);
		}
		return port >= 0 && port <= 65535 ? json_integer(port) : NULL;
	}
	if (json_is_string(v))
		return json_stringn(json_string_value(v), json_string_length(v));
	if (kind == VK_ADDR)
		return NULL;
	if (json_is_integer(v)) {
		json_int_t i = json_integer_value(v);
		if (i > MAX_EXACT_JSON_INT || i < -MAX_EXACT_JSON_INT) {
			char t[32];
			snprintf(t, sizeof t, "%lld", (long long)i);
			return json_string(t);
		}
		return json_integer(i);
	}
	if (json_is_real(v) || json_is_boolean(v))
		return json_copy(v);
	/* arrays and objects: compact JSON text (B11); dumping never fails on a
	 * parsed value, but a NULL is still handled */
	char *t = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	json_t *s = t ? json_string(t) : NULL;
	free(t);
	return s;
}

static json_t *lookup(json_t *ev, json_t *fields, const char *field)
{
	if (field[0] == '@')
		return json_object_get(ev, field + 1);
	return json_object_get(fields, field);
}

/* fd.name is a path only for files and directories (sockets look like
 * "10.0.0.1:5353->10.0.0.2:53"); without fd.type, when it starts with '/'. */
static bool fd_is_path(json_t *fields, json_t *v, const char *field)
{
	if (!json_is_string(v))
		return false;
	if (strcmp(field, "fd.name") == 0) {
		const char *t = json_string_value(json_object_get(fields, "fd.type"));
		if (t)
			return strcmp(t, "file") == 0 || strcmp(t, "directory") == 0;
	}
	return json_string_value(v)[0] == '/';
}

static void set_path(json_t *cef, json_t *v)
{
	const char *s = json_string_value(v);
	size_t n = json_string_length(v);
	json_object_set_new(cef, "filePath", json_stringn(s, n));
	const char *slash = memrchr(s, '/', n);
	size_t off = slash ? (size_t)(slash - s) + 1 : 0;
	if (off < n)
		json_object_set_new(cef, "fileName", json_stringn(s + off, n - off));
}

static void map_image(json_t *cef, json_t *fields)
{
	json_t *repo = json_object_get(fields, "container.image.repository");
	json_t *tag = json_object_get(fields, "container.image.tag");
	json_t *img = json_object_get(fields, "container.image");
	struct sbuf b = SBUF_INIT;
	if (json_is_string(repo) && !is_empty_value(repo)) {
		sbuf_add(&b, json_string_value(repo), json_string_length(repo));
		if (json_is_string(tag) && !is_empty_value(tag)) {
			sbuf_addc(&b, ':');
			sbuf_add(&b, json_string_value(tag), json_string_length(tag));
		}
	} else if (json_is_string(img) && !is_empty_value(img)) {
		sbuf_add(&b, json_string_value(img), json_string_length(img));
	}
	if (b.len) {
		json_object_set_new(cef, "cs4", json_stringn(b.s, b.len));
		json_object_set_new(cef, "cs4Label", json_string("containerImage"));
	}
	sbuf_free(&b);
}

static void map_time(json_t *cef, json_t *ev)
{
	int64_t ns;
	if (cef_event_time(ev, &ns) == 0) {
		char t[CEF_TIME_MAX];
		cef_format_time(ns, 9, t);
		json_object_set_new(cef, "startTime", json_string(t));
	}
}

void cef_map(json_t *ev, json_t **cef_out, json_t **types_out)
{
	json_t *cef = json_object();
	json_t *types = json_object();
	json_t *fields = fields_of(ev);
	for (size_t i = 0; i < ARRAY_LEN(rules); i++) {
		const struct cef_rule *r = &rules[i];
		if (json_object_get(cef, r->key))
			continue;
		json_t *v = lookup(ev, fields, r->field);
		if (r->kind == VK_PATH) {
			if (!is_empty_value(v) && fd_is_path(fields, v, r->field))
				set_path(cef, v);
			continue;
		}
		json_t *cv = cef_value(v, r->kind);
		if (!cv)
			continue;
		json_object_set_new(cef, r->key, cv);
		if (r->label) {
			char lk[16];
			snprintf(lk, sizeof lk, "%sLabel", r->key);
			json_object_set_new(cef, lk, json_string(r->label));
		}
		if (r->type)
			json_object_set_new(types, r->key, json_pack("[s]", r->type));
	}
	/* The executable is the file when no file is involved (§8.3). */
	json_t *exe = cef_value(json_object_get(fields, "proc.exepath"), VK_ANY);
	if (json_is_string(exe)) {
		const char *key = json_object_get(cef, "filePath") ? "processPath" : "filePath";
		json_object_set_new(cef, key, exe);
		json_object_set_new(types, key, json_pack("[s]", "file path"));
	} else {
		json_decref(exe);
	}
	map_image(cef, fields);
	map_time(cef, ev);
	*cef_out = cef;
	*types_out = types;
}

/* ---- artifacts, containers, notes ------------------------------------------ */

static const char *or_default(const char *s, const char *def)
{
	return s && *s ? s : def;
}

static const char *rule_of(json_t *ev)
{
	const char *r = json_string_value(json_object_get(ev, "rule"));
	return r && *r ? r : "Falco event";
}

static void set_start_time(json_t *obj, json_t *ev)
{
	int64_t ns;
	if (cef_event_time(ev, &ns) == 0) {
		char t[CEF_TIME_MAX];
		cef_format_time(ns, 6, t);
		json_object_set_new(obj, "start_time", json_string(t));
	}
}

json_t *cef_artifact(const struct cef_params *p, json_t *ev, const char *event_id,
		     long long container_id, bool run_automation)
{
	static const struct cef_params none;
	if (!p)
		p = &none;
	json_t *a = json_object();
	json_t *cef, *types;
	if (container_id > 0)
		json_object_set_new(a, "container_id", json_integer(container_id));
	json_object_set_new(a, "name", json_string(rule_of(ev)));
	json_object_set_new(a, "label", json_string(or_default(p->artifact_label, "event")));
	json_object_set_new(a, "type", json_string(or_default(p->artifact_type, "host")));
	json_object_set_new(a, "severity", json_string(cef_severity(p, event_prio(ev))));
	json_object_set_new(a, "source_data_identifier", json_string(event_id ? event_id : ""));
	char *desc = cef_description(ev);
	json_object_set_new(a, "description", json_string(desc));
	free(desc);
	set_start_time(a, ev);
	cef_map(ev, &cef, &types);
	json_object_set_new(a, "cef", cef);
	json_object_set_new(a, "cef_types", types);
	json_object_set(a, "data", ev);
	json_object_set_new(a, "run_automation", json_boolean(run_automation));
	return a;
}

static bool json_array_has_string(json_t *arr, const char *s, size_t n)
{
	size_t i;
	json_t *e;
	json_array_foreach(arr, i, e)
		if (json_string_length(e) == n && memcmp(json_string_value(e), s, n) == 0)
			return true;
	return false;
}

/* `seen` holds every tag appended so far as a key: a hash lookup per tag
 * (scanning `tags` made many tags quadratic). */
static void add_tag(json_t *tags, json_t *seen, const char *s, size_t n)
{
	if (n == 0 || json_object_getn(seen, s, n))
		return;
	json_object_setn_new_nocheck(seen, s, n, json_true());
	json_array_append_new(tags, json_stringn(s, n));
}

static void add_event_tags(json_t *tags, json_t *seen, json_t *ev)
{
	json_t *t = json_object_get(ev, "tags");
	if (json_is_string(t)) {
		add_tag(tags, seen, json_string_value(t), json_string_length(t));
	} else if (json_is_array(t)) {
		size_t i;
		json_t *e;
		json_array_foreach(t, i, e)
			if (json_is_string(e))
				add_tag(tags, seen, json_string_value(e), json_string_length(e));
	}
}

static void add_unique_string(json_t *arr, json_t *v)
{
	if (json_is_string(v) && !is_empty_value(v) &&
	    !json_array_has_string(arr, json_string_value(v), json_string_length(v)))
		json_array_append_new(arr, json_stringn(json_string_value(v), json_string_length(v)));
}

/* Indexes of the first occurrence of each id, in input order. */
static size_t unique_events(const char *const *ids, size_t n, size_t *keep)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		bool dup = false;
		for (size_t j = 0; j < k && !dup; j++)
			dup = strcmp(ids[keep[j]] ? ids[keep[j]] : "", ids[i] ? ids[i] : "") == 0;
		if (!dup)
			keep[k++] = i;
	}
	return k;
}

static json_t *summary_data(json_t *const *events, const char *const *ids, const size_t *keep,
			    size_t k, int64_t first, int64_t last)
{
	json_t *d = json_object();
	json_t *rules_a = json_array(), *hosts = json_array(), *prios = json_array(),
	       *idv = json_array(), *sources = json_array();
	for (size_t i = 0; i < k; i++) {
		json_t *ev = events[keep[i]];
		add_unique_string(rules_a, json_object_get(ev, "rule"));
		add_unique_string(hosts, json_object_get(ev, "hostname"));
		add_unique_string(prios, json_object_get(ev, "priority"));
		add_unique_string(sources, json_object_get(ev, "source"));
		json_array_append_new(idv, json_string(ids[keep[i]] ? ids[keep[i]] : ""));
	}
	json_object_set_new(d, "origin", json_string("socterm"));
	json_object_set_new(d, "event_count", json_integer((json_int_t)k));
	json_object_set_new(d, "event_ids", idv);
	json_object_set_new(d, "rules", rules_a);
	json_object_set_new(d, "hostnames", hosts);
	json_object_set_new(d, "priorities", prios);
	json_object_set_new(d, "sources", sources);
	if (first) {
		char t[CEF_TIME_MAX];
		cef_format_time(first, 9, t);
		json_object_set_new(d, "first_time", json_string(t));
		cef_format_time(last, 9, t);
		json_object_set_new(d, "last_time", json_string(t));
	}
	return d;
}

json_t *cef_container(const struct cef_params *p, json_t *const *events,
		      const char *const *ids, size_t n)
{
	static const struct cef_params none;
	if (!p)
		p = &none;
	if (n == 0)
		return NULL;
	size_t *keep = xcalloc(n, sizeof *keep);
	size_t k = unique_events(ids, n, keep);
	json_t *c = json_object();
	json_t *first_ev = events[keep[0]];

	/* the most severe priority decides; the earliest time starts */
	enum prio top = event_prio(first_ev);
	int64_t first = 0, last = 0;
	for (size_t i = 0; i < k; i++) {
		enum prio pr = event_prio(events[keep[i]]);
		if (prio_rank(pr) < prio_rank(top))
			top = pr;
		int64_t t;
		if (cef_event_time(events[keep[i]], &t) == 0) {
			if (!first || t < first)
				first = t;
			if (t > last)
				last = t;
		}
	}
	json_object_set_new(c, "name", json_string(or_default(p->name, rule_of(first_ev))));
	char *desc = cef_description(first_ev);
	if (k > 1) {
		char *d2 = xasprintf("%s\n\n(+%zu more event%s)", desc, k - 1, k > 2 ? "s" : "");
		free(desc);
		desc = d2;
	}
	json_object_set_new(c, "description", json_string(desc));
	free(desc);
	json_object_set_new(c, "label", json_string(or_default(p->label, "events")));
	json_object_set_new(c, "severity", json_string(or_default(p->severity, cef_severity(p, top))));
	json_object_set_new(c, "status", json_string("new"));
	json_object_set_new(c, "sensitivity", json_string(or_default(p->sensitivity, "amber")));
	if (p->container_type && *p->container_type)
		json_object_set_new(c, "container_type", json_string(p->container_type));
	if (first) {
		char t[CEF_TIME_MAX];
		cef_format_time(first, 6, t);
		json_object_set_new(c, "start_time", json_string(t));
	}
	json_t *tags = json_array(), *seen = json_object();
	for (size_t i = 0; i < k; i++)
		add_event_tags(tags, seen, events[keep[i]]);
	add_tag(tags, seen, "falco", 5);
	for (size_t i = 0; i < k; i++) {
		enum prio pr = event_prio(events[keep[i]]);
		if (pr != PRIO_UNKNOWN)
			add_tag(tags, seen, prio_lname(pr), strlen(prio_lname(pr)));
	}
	json_decref(seen);
	json_object_set_new(c, "tags", tags);
	json_object_set_new(c, "data", summary_data(events, ids, keep, k, first, last));
	if (p->sdi && *p->sdi) {
		json_object_set_new(c, "source_data_identifier", json_string(p->sdi));
	} else {
		char *sdi = cef_sdi(ids, n);
		json_object_set_new(c, "source_data_identifier", json_string(sdi));
		free(sdi);
	}
	json_t *arts = json_array();
	for (size_t i = 0; i < k; i++)
		json_array_append_new(arts, cef_artifact(p, events[keep[i]], ids[keep[i]], 0, i + 1 == k));
	json_object_set_new(c, "artifacts", arts);
	free(keep);
	return c;
}

/* Text inside `code`: backticks would end it early. */
static void add_code(struct sbuf *b, const char *s)
{
	sbuf_addc(b, '`');
	for (; *s; s++)
		sbuf_addc(b, *s == '`' ? '\'' : (*s == '\n' || *s == '\r') ? ' ' : *s);
	sbuf_addc(b, '`');
}

json_t *cef_note(long long container_id, const struct cef_note_in *in)
{
	const char *author = or_default(in->author, "analyst");
	const char *marker = or_default(in->marker, "");
	struct sbuf b = SBUF_INIT;
	sbuf_adds(&b, "**Rule:** ");
	add_code(&b, or_default(in->rule, "(unknown)"));
	sbuf_adds(&b, "  \n**Event time:** ");
	if (in->time_ns) {
		char t[CEF_TIME_MAX];
		cef_format_time(in->time_ns, 9, t);
		sbuf_adds(&b, t);
	} else {
		sbuf_adds(&b, "(unknown)");
	}
	sbuf_adds(&b, "  \n**Event id:** ");
	add_code(&b, or_default(in->event_id, "(unknown)"));
	sbuf_adds(&b, "  \n**Analyst:** ");
	add_code(&b, author);
	sbuf_adds(&b, "\n\n");
	sbuf_adds(&b, in->text ? in->text : "");
	sbuf_adds(&b, "\n\n---\n");
	add_code(&b, marker);
	sbuf_addc(&b, '\n');

	char *title = xasprintf("Analyst annotation (%s) [%s]", author, marker);
	json_t *n = json_object();
	json_object_set_new(n, "container_id", json_integer(container_id));
	json_object_set_new(n, "title", json_string(title));
	json_object_set_new(n, "content", json_string(sbuf_str(&b)));
	json_object_set_new(n, "note_type", json_string("general"));
	json_object_set_new(n, "note_format", json_string("markdown"));
	free(title);
	sbuf_free(&b);
	return n;
}

bool cef_note_has_marker(json_t *note, const char *marker)
{
	if (!marker || !*marker)
		return false;
	const char *keys[] = { "title", "content" };
	for (size_t i = 0; i < ARRAY_LEN(keys); i++) {
		const char *s = json_string_value(json_object_get(note, keys[i]));
		if (s && strstr(s, marker))
			return true;
	}
	return false;
}
