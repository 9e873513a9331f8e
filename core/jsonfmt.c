/* jsonfmt.c — see jsonfmt.h. */
#include "core/jsonfmt.h"

static int put(const char *buf, size_t n, void *data)
{
	sbuf_add(data, buf, n);
	return 0;
}

static void put_oneline(const json_t *v, struct sbuf *out)
{
	json_dump_callback(v, put, out, JSON_ENCODE_ANY);
}

static void put_newline(struct sbuf *out, int depth)
{
	sbuf_addc(out, '\n');
	for (int i = 0; i < depth * 2; i++)
		sbuf_addc(out, ' ');
}

static void put_key(const char *k, size_t kn, struct sbuf *out)
{
	/* Keys hold attacker text too: jansson quotes and escapes them. */
	json_t *s = json_stringn_nocheck(k, kn);
	put_oneline(s, out);
	json_decref(s);
	sbuf_adds(out, ": ");
}

static void pretty(const json_t *v, int depth, struct sbuf *out);

static void pretty_object(const json_t *v, int depth, struct sbuf *out)
{
	const char *k;
	size_t kn;
	json_t *m;
	bool first = true;
	sbuf_addc(out, '{');
	json_object_keylen_foreach((json_t *)v, k, kn, m) {
		if (!first)
			sbuf_addc(out, ',');
		first = false;
		put_newline(out, depth + 1);
		put_key(k, kn, out);
		pretty(m, depth + 1, out);
	}
	put_newline(out, depth);
	sbuf_addc(out, '}');
}

static void pretty_array(const json_t *v, int depth, struct sbuf *out)
{
	size_t i;
	json_t *m;
	sbuf_addc(out, '[');
	json_array_foreach(v, i, m) {
		if (i)
			sbuf_addc(out, ',');
		put_newline(out, depth + 1);
		pretty(m, depth + 1, out);
	}
	put_newline(out, depth);
	sbuf_addc(out, ']');
}

static void pretty(const json_t *v, int depth, struct sbuf *out)
{
	bool obj = json_is_object(v), arr = json_is_array(v);
	size_t n = obj ? json_object_size(v) : arr ? json_array_size(v) : 0;
	if (!n || depth >= JSONFMT_DEPTH)
		put_oneline(v, out);
	else if (obj)
		pretty_object(v, depth, out);
	else
		pretty_array(v, depth, out);
}

void jsonfmt_pretty(const json_t *v, struct sbuf *out)
{
	pretty(v, 0, out);
}
