/* router.c — see router.h. */
#include "tests/tools/phantom-emu/router.h"

#include <stdlib.h>
#include <string.h>

struct route_def {
	enum route_kind kind;
	const char *prefix;      /* collection path */
	const char *sub;         /* NULL: /<prefix>[/<id>]; else /<prefix>/<id>/<sub> */
	bool with_id;
	const char *pattern;
	const char *allow;
};

static const struct route_def routes[] = {
	{ R_CONTAINERS, "/rest/container", NULL, false, "/rest/container", "GET, POST" },
	{ R_CONTAINER, "/rest/container", NULL, true, "/rest/container/{id}", "GET, POST" },
	{ R_CONTAINER_ARTIFACTS, "/rest/container", "artifacts", true, "/rest/container/{id}/artifacts", "GET" },
	{ R_CONTAINER_NOTES, "/rest/container", "notes", true, "/rest/container/{id}/notes", "GET" },
	{ R_CONTAINER_COMMENTS, "/rest/container", "comments", true, "/rest/container/{id}/comments", "GET" },
	{ R_ARTIFACTS, "/rest/artifact", NULL, false, "/rest/artifact", "GET, POST" },
	{ R_ARTIFACT, "/rest/artifact", NULL, true, "/rest/artifact/{id}", "GET, POST" },
	{ R_NOTES, "/rest/note", NULL, false, "/rest/note", "GET, POST" },
	{ R_NOTE, "/rest/note", NULL, true, "/rest/note/{id}", "GET" },
	{ R_COMMENTS, "/rest/container_comment", NULL, false, "/rest/container_comment", "GET, POST" },
	{ R_COMMENT, "/rest/container_comment", NULL, true, "/rest/container_comment/{id}", "GET" },
};

/* Parses a decimal id segment of length n; 0 when it is not a positive id. */
static uint64_t parse_id(const char *s, size_t n)
{
	if (n == 0 || n > 18)
		return 0;
	uint64_t v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	return v;
}

/* Matches one definition against `path` (length n, trailing slash removed). */
static bool match_def(const struct route_def *d, const char *path, size_t n, uint64_t *id)
{
	size_t pl = strlen(d->prefix);
	if (n < pl || memcmp(path, d->prefix, pl) != 0)
		return false;
	const char *rest = path + pl;
	size_t rl = n - pl;
	if (!d->with_id)
		return rl == 0;
	if (rl < 2 || rest[0] != '/')
		return false;
	rest++;
	rl--;
	const char *slash = memchr(rest, '/', rl);
	size_t idl = slash ? (size_t)(slash - rest) : rl;
	if (!!slash != !!d->sub)
		return false;
	if (d->sub && (strlen(d->sub) != rl - idl - 1 || memcmp(slash + 1, d->sub, rl - idl - 1) != 0))
		return false;
	*id = parse_id(rest, idl);
	return *id != 0;
}

static bool method_listed(const char *allow, const char *method)
{
	size_t ml = strlen(method);
	for (const char *p = allow; (p = strstr(p, method)) != NULL; p += ml) {
		bool start = p == allow || p[-1] == ' ';
		bool end = p[ml] == '\0' || p[ml] == ',';
		if (start && end)
			return true;
	}
	return false;
}

void router_match(const char *method, const char *path, struct route *out)
{
	size_t n = strlen(path);
	if (n > 1 && path[n - 1] == '/')   /* Phantom accepts a trailing slash */
		n--;
	memset(out, 0, sizeof(*out));
	out->kind = R_UNKNOWN;
	out->pattern = "unmatched";
	for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		uint64_t id = 0;
		if (!match_def(&routes[i], path, n, &id))
			continue;
		out->kind = routes[i].kind;
		out->id = id;
		out->pattern = routes[i].pattern;
		out->allow = routes[i].allow;
		out->method_ok = method_listed(routes[i].allow, method);
		return;
	}
}
