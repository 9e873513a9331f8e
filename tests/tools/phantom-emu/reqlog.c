/* reqlog.c — see reqlog.h. */
#include "tests/tools/phantom-emu/reqlog.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "tests/tools/phantom-emu/isotime.h"

struct slot {
	int64_t t_ns;
	char method[16];
	char path[256];
	const char *route;
	enum auth_kind auth;
	unsigned status;
	const char *fault;
	int64_t dur_ns;
};

struct reqlog {
	pthread_mutex_t mu;
	struct slot *ring;
	size_t size;
	uint64_t total;          /* requests ever recorded; ring index = total % size */
	json_t *routes;          /* "METHOD pattern" -> count */
	json_t *status;          /* "200" -> count */
	json_t *faults;          /* mode -> count */
};

struct reqlog *reqlog_new(size_t ring_size)
{
	struct reqlog *l = xcalloc(1, sizeof(*l));
	pthread_mutex_init(&l->mu, NULL);
	l->size = ring_size ? ring_size : 1;
	l->ring = xcalloc(l->size, sizeof(*l->ring));
	l->routes = json_object();
	l->status = json_object();
	l->faults = json_object();
	return l;
}

void reqlog_free(struct reqlog *l)
{
	if (!l)
		return;
	json_decref(l->routes);
	json_decref(l->status);
	json_decref(l->faults);
	free(l->ring);
	pthread_mutex_destroy(&l->mu);
	free(l);
}

static void bump(json_t *counters, const char *key)
{
	json_t *v = json_object_get(counters, key);
	if (v)
		json_integer_set(v, json_integer_value(v) + 1);
	else
		json_object_set_new(counters, key, json_integer(1));
}

/* Copies text for the log, replacing bytes that are not printable ASCII so a
 * hostile path can never break the JSON or a terminal. */
static void copy_clean(char *dst, size_t cap, const char *src)
{
	size_t i = 0;
	for (; src && src[i] && i + 1 < cap; i++)
		dst[i] = (src[i] >= 0x20 && src[i] < 0x7f) ? src[i] : '?';
	dst[i] = '\0';
}

void reqlog_record(struct reqlog *l, const struct reqlog_entry *e)
{
	struct slot s = { .t_ns = now_ns(), .route = e->route, .auth = e->auth,
			  .status = e->status, .fault = e->fault, .dur_ns = e->dur_ns };
	copy_clean(s.method, sizeof(s.method), e->method);
	copy_clean(s.path, sizeof(s.path), e->path);
	char key[300];
	snprintf(key, sizeof(key), "%s %s", s.method, e->route);
	char st[16];
	snprintf(st, sizeof(st), "%u", e->status);

	pthread_mutex_lock(&l->mu);
	l->ring[l->total % l->size] = s;
	l->total++;
	bump(l->routes, key);
	if (e->status)
		bump(l->status, st);
	if (e->fault)
		bump(l->faults, e->fault);
	pthread_mutex_unlock(&l->mu);
}

void reqlog_reset(struct reqlog *l)
{
	pthread_mutex_lock(&l->mu);
	l->total = 0;
	json_object_clear(l->routes);
	json_object_clear(l->status);
	json_object_clear(l->faults);
	pthread_mutex_unlock(&l->mu);
}

json_t *reqlog_counters_json(struct reqlog *l)
{
	pthread_mutex_lock(&l->mu);
	json_t *o = json_pack("{s:I,s:O,s:O,s:O}", "requests", (json_int_t)l->total, "routes",
			      l->routes, "status", l->status, "faults", l->faults);
	/* Deep copies: the live counters keep changing after the lock is released. */
	json_t *copy = json_deep_copy(o);
	json_decref(o);
	pthread_mutex_unlock(&l->mu);
	return copy;
}

static json_t *slot_json(const struct slot *s)
{
	char t[ISOTIME_LEN];
	isotime_format(s->t_ns, t);
	json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:f}", "time", t, "method", s->method,
			      "path", s->path, "route", s->route, "auth", auth_kind_name(s->auth),
			      "ms", (double)s->dur_ns / 1e6);
	json_object_set_new(o, "status", s->status ? json_integer(s->status) : json_null());
	json_object_set_new(o, "fault", s->fault ? json_string(s->fault) : json_null());
	return o;
}

json_t *reqlog_recent_json(struct reqlog *l, size_t n)
{
	json_t *a = json_array();
	pthread_mutex_lock(&l->mu);
	uint64_t have = l->total < l->size ? l->total : l->size;
	if (n > have)
		n = have;
	for (uint64_t i = l->total - n; i < l->total; i++)
		json_array_append_new(a, slot_json(&l->ring[i % l->size]));
	pthread_mutex_unlock(&l->mu);
	return a;
}
