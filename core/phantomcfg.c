/* phantomcfg.c — see phantomcfg.h. */
#include "core/phantomcfg.h"
#include "core/config.h"
#include "core/fwd.h"
#include "core/secret.h"

#include <string.h>

static const char *nonempty(const char *s)
{
	return s && *s ? s : NULL;
}

/* "https://user:pw@host" or "https://:token@host" carry credentials. */
static bool url_has_userinfo(const char *url)
{
	const char *p = url ? strstr(url, "://") : NULL;
	if (!p)
		return false;
	p += 3;
	size_t host = strcspn(p, "/?#");
	const char *at = memchr(p, '@', host);
	return at != NULL;
}

void phantomcfg_from_config(const struct config *c, struct phantomcfg *out)
{
	memset(out, 0, sizeof *out);
	/* one mapping for the console and --forward-only */
	fwd_phantom_conf(c, &out->pc);
	fwd_cef_defaults(c, &out->defaults, out->sev_map);
	out->configured = nonempty(c->phantom_url) != NULL;
	const char *token = c->phantom_token ? nonempty(secret_str(c->phantom_token)) : NULL;
	const char *password = c->phantom_password ? secret_str(c->phantom_password) : NULL;
	out->has_credentials = token || (nonempty(c->phantom_user) && password) ||
			       url_has_userinfo(c->phantom_url);
	out->as_case = c->container_type == CONTAINER_CASE;
	out->defaults.container_type = out->as_case ? "case" : NULL;
}

const char *phantomcfg_severity(const struct phantomcfg *p, const int *prios, size_t n)
{
	/* Unknown priorities rank with Warning, as in cef.c. */
	int best = PRIO_UNKNOWN;
	int best_rank = PRIO_COUNT;
	for (size_t i = 0; i < n; i++) {
		int rank = prios[i] == PRIO_UNKNOWN || prios[i] < 0 || prios[i] >= PRIO_COUNT
				   ? PRIO_WARNING : prios[i];
		if (rank < best_rank) {
			best_rank = rank;
			best = prios[i] >= 0 && prios[i] < PRIO_COUNT ? prios[i] : PRIO_UNKNOWN;
		}
	}
	return cef_severity(&p->defaults, (enum prio)best);
}
