/* fault.c — see fault.h. */
#include "tests/tools/phantom-emu/fault.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

struct rule {
	uint64_t id;
	struct fault_hit hit;
	int64_t remaining;      /* < 0: unlimited */
	int64_t until_ns;       /* monotonic deadline; 0: none */
	char *path;             /* prefix filter or NULL */
	char *method;           /* method filter or NULL */
	uint64_t served;
};

struct faults {
	pthread_mutex_t mu;
	struct rule *r;
	size_t n, cap;
	uint64_t next_id;
};

static const char *const mode_names[FAULT__N] = {
	"latency", "status", "429", "reset", "hang", "failed200",
};

const char *fault_mode_name(enum fault_mode m)
{
	return (unsigned)m < FAULT__N ? mode_names[m] : "unknown";
}

struct faults *faults_new(void)
{
	struct faults *f = xcalloc(1, sizeof(*f));
	pthread_mutex_init(&f->mu, NULL);
	f->next_id = 1;
	return f;
}

static void rule_free(struct rule *r)
{
	free(r->path);
	free(r->method);
}

static void clear_locked(struct faults *f)
{
	for (size_t i = 0; i < f->n; i++)
		rule_free(&f->r[i]);
	f->n = 0;
}

void faults_clear(struct faults *f)
{
	pthread_mutex_lock(&f->mu);
	clear_locked(f);
	pthread_mutex_unlock(&f->mu);
}

void faults_free(struct faults *f)
{
	if (!f)
		return;
	clear_locked(f);
	free(f->r);
	pthread_mutex_destroy(&f->mu);
	free(f);
}

/* Reads an integer member within [lo, hi]; absent leaves *out alone. */
static bool get_int(const json_t *spec, const char *key, json_int_t lo, json_int_t hi,
		    json_int_t *out, char **err)
{
	json_t *v = json_object_get(spec, key);
	if (!v)
		return true;
	if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi) {
		*err = xasprintf("fault: %s must be an integer in [%lld, %lld]", key, (long long)lo,
				 (long long)hi);
		return false;
	}
	*out = json_integer_value(v);
	return true;
}

static bool get_mode(const json_t *spec, enum fault_mode *m, char **err)
{
	json_t *v = json_object_get(spec, "mode");
	const char *s = json_string_value(v);
	if (json_is_integer(v) && json_integer_value(v) == 429)
		s = "429";
	for (int i = 0; s && i < FAULT__N; i++) {
		if (strcmp(s, mode_names[i]) == 0) {
			*m = (enum fault_mode)i;
			return true;
		}
	}
	*err = xstrdup("fault: mode must be one of latency, status, 429, reset, hang, failed200");
	return false;
}

/* Typos in a test's fault spec should fail loudly, not silently do nothing. */
static bool known_keys(const json_t *spec, char **err)
{
	static const char *const keys[] = { "mode", "ms", "status", "retry_after", "message",
					    "count", "seconds", "path", "method", NULL };
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)spec, k, v) {
		bool found = false;
		for (const char *const *p = keys; *p && !found; p++)
			found = strcmp(*p, k) == 0;
		if (!found) {
			*err = xasprintf("fault: unknown key '%s'", k);
			return false;
		}
	}
	return true;
}

static bool get_filters(const json_t *spec, struct rule *r, char **err)
{
	json_t *p = json_object_get(spec, "path"), *m = json_object_get(spec, "method");
	if ((p && (!json_is_string(p) || json_string_value(p)[0] != '/')) ||
	    (m && !json_is_string(m))) {
		*err = xstrdup("fault: path must be a string starting with '/', method a string");
		return false;
	}
	r->path = p ? xstrdup(json_string_value(p)) : NULL;
	r->method = m ? xstrdup(json_string_value(m)) : NULL;
	return true;
}

static bool get_limits(const json_t *spec, struct rule *r, char **err)
{
	json_int_t count = -1;
	if (!get_int(spec, "count", 1, INT32_MAX, &count, err))
		return false;
	r->remaining = count;
	json_t *secs = json_object_get(spec, "seconds");
	if (secs) {
		if (!json_is_number(secs) || json_number_value(secs) <= 0 ||
		    json_number_value(secs) > 1e6) {
			*err = xstrdup("fault: seconds must be a positive number");
			return false;
		}
		r->until_ns = mono_ns() + (int64_t)(json_number_value(secs) * 1e9);
	}
	return true;
}

static bool get_params(const json_t *spec, struct rule *r, char **err)
{
	json_int_t ms = r->hit.mode == FAULT_HANG ? 60000 : 1000, status = 503, retry = 1;
	bool ok = get_int(spec, "ms", 0, 3600000, &ms, err) &&
		  get_int(spec, "status", 400, 599, &status, err) &&
		  get_int(spec, "retry_after", 0, 86400, &retry, err);
	if (!ok)
		return false;
	r->hit.ms = (unsigned)ms;
	r->hit.status = (unsigned)status;
	r->hit.retry_after = (unsigned)retry;
	json_t *msg = json_object_get(spec, "message");
	if (msg && (!json_is_string(msg) || json_string_length(msg) >= sizeof(r->hit.message))) {
		*err = xstrdup("fault: message must be a string of at most 511 bytes");
		return false;
	}
	snprintf(r->hit.message, sizeof(r->hit.message), "%s",
		 msg ? json_string_value(msg) : "Internal error, please retry later");
	return true;
}

uint64_t faults_add(struct faults *f, const json_t *spec, char **err)
{
	struct rule r = { 0 };
	if (!json_is_object(spec)) {
		*err = xstrdup("fault: expected a JSON object");
		return 0;
	}
	if (!known_keys(spec, err) || !get_mode(spec, &r.hit.mode, err) ||
	    !get_params(spec, &r, err) || !get_limits(spec, &r, err) || !get_filters(spec, &r, err)) {
		rule_free(&r);
		return 0;
	}
	pthread_mutex_lock(&f->mu);
	r.id = f->next_id++;
	f->r = xgrow(f->r, &f->cap, f->n + 1, sizeof(*f->r));
	f->r[f->n++] = r;
	pthread_mutex_unlock(&f->mu);
	return r.id;
}

/* "mode,key=value,..." -> JSON object; digits become integers. */
static json_t *spec_to_json(const char *spec)
{
	json_t *o = json_object();
	char *copy = xstrdup(spec), *save = NULL;
	bool first = true;
	for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');
		const char *key = first && !eq ? "mode" : tok;
		const char *val = eq ? eq + 1 : tok;
		if (eq)
			*eq = '\0';
		first = false;
		char *end;
		double d = strtod(val, &end);
		bool num = *val && *end == '\0' && strcmp(key, "mode") != 0 && strcmp(key, "path") != 0;
		json_t *v = !num ? json_string(val)
			  : (d == (double)(json_int_t)d ? json_integer((json_int_t)d) : json_real(d));
		json_object_set_new(o, key, v ? v : json_null());
	}
	free(copy);
	return o;
}

uint64_t faults_add_spec(struct faults *f, const char *spec, char **err)
{
	json_t *o = spec[0] == '{' ? json_loads(spec, 0, NULL) : spec_to_json(spec);
	if (!o) {
		*err = xstrdup("fault: invalid JSON spec");
		return 0;
	}
	uint64_t id = faults_add(f, o, err);
	json_decref(o);
	return id;
}

static bool rule_live(const struct rule *r, int64_t now)
{
	return r->remaining != 0 && (r->until_ns == 0 || now < r->until_ns);
}

/* Drops used-up and expired rules. */
static void prune_locked(struct faults *f, int64_t now)
{
	size_t k = 0;
	for (size_t i = 0; i < f->n; i++) {
		if (rule_live(&f->r[i], now))
			f->r[k++] = f->r[i];
		else
			rule_free(&f->r[i]);
	}
	f->n = k;
}

static bool rule_matches(const struct rule *r, const char *method, const char *path)
{
	if (r->path && strncmp(path, r->path, strlen(r->path)) != 0)
		return false;
	return !r->method || strcmp(r->method, method) == 0;
}

bool faults_take(struct faults *f, const char *method, const char *path, struct fault_hit *hit)
{
	bool found = false;
	pthread_mutex_lock(&f->mu);
	if (f->n) {
		int64_t now = mono_ns();
		prune_locked(f, now);
		for (size_t i = 0; i < f->n && !found; i++) {
			struct rule *r = &f->r[i];
			if (!rule_matches(r, method, path))
				continue;
			*hit = r->hit;
			r->served++;
			if (r->remaining > 0)
				r->remaining--;
			found = true;
		}
	}
	pthread_mutex_unlock(&f->mu);
	return found;
}

json_t *faults_json(struct faults *f)
{
	json_t *a = json_array();
	pthread_mutex_lock(&f->mu);
	int64_t now = mono_ns();
	prune_locked(f, now);
	for (size_t i = 0; i < f->n; i++) {
		const struct rule *r = &f->r[i];
		json_t *o = json_pack("{s:I,s:s,s:i,s:i,s:i,s:s,s:I}", "id", (json_int_t)r->id,
				      "mode", fault_mode_name(r->hit.mode), "ms", (int)r->hit.ms,
				      "status", (int)r->hit.status, "retry_after",
				      (int)r->hit.retry_after, "message", r->hit.message, "served",
				      (json_int_t)r->served);
		json_object_set_new(o, "remaining", r->remaining < 0 ? json_null()
						    : json_integer((json_int_t)r->remaining));
		json_object_set_new(o, "seconds_left", r->until_ns ? json_real((double)(r->until_ns - now) / 1e9)
						       : json_null());
		json_object_set_new(o, "path", r->path ? json_string(r->path) : json_null());
		json_object_set_new(o, "method", r->method ? json_string(r->method) : json_null());
		json_array_append_new(a, o);
	}
	pthread_mutex_unlock(&f->mu);
	return a;
}
