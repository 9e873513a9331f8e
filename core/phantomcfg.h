/*
 * phantomcfg.h — the Phantom settings of struct config turned into what the
 * client and the forwarder take (struct phantom_conf, struct cef_params),
 * decided once for the console and --forward-only.
 *
 * The client settings and the escalation defaults are those of
 * --forward-only (fwd_phantom_conf(), fwd_cef_defaults() in core/fwd.h:
 * a token is preferred over user and password, TLS verification is on
 * unless verify-ssl is explicitly off, proxies are libcurl's defaults from
 * the environment, retry-max caps the wait between retries and transient
 * failures are retried without a count limit). This adds what the console
 * needs on top: whether a Phantom is configured and has credentials, the
 * container type, and the severity the dialog proposes.
 *
 * Ownership: struct phantomcfg borrows every string from the config (and its
 * secrets): it is valid while the config lives and is not reloaded. The
 * forwarder copies what it keeps.
 * Thread safety: pure; call from the thread that owns the config.
 */
#ifndef SOCTERM_PHANTOMCFG_H
#define SOCTERM_PHANTOMCFG_H

#include <stdbool.h>

#include "core/cef.h"
#include "core/event.h"
#include "core/phantom.h"

struct config;

struct phantomcfg {
	bool configured;              /* a Phantom URL is set */
	bool has_credentials;         /* a token, or a user with a password */
	struct phantom_conf pc;       /* valid when configured */
	struct cef_params defaults;   /* label, sensitivity, severity map */
	const char *sev_map[PRIO_COUNT];
	bool as_case;                 /* container-type = case */
};

void phantomcfg_from_config(const struct config *c, struct phantomcfg *out);

/* The Phantom severity of the most severe of `prios` (enum prio values)
 * through the configured map. */
const char *phantomcfg_severity(const struct phantomcfg *p, const int *prios, size_t n);

#endif
