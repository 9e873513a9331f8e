/*
 * phantomcfg.h — the Phantom settings of struct config turned into what the
 * client and the forwarder take (struct phantom_conf, struct cef_params),
 * decided once for the console and --forward-only.
 *
 * Decisions:
 *  - A token is preferred; without one, user and password (HTTP Basic).
 *  - TLS verification is on unless verify-ssl is explicitly off (the config
 *    then carries a warning for the user); phantom-ca trusts a private CA.
 *  - Proxies: libcurl's defaults from the environment (nothing set here).
 *  - phantom-timeout / phantom-connect-timeout become the request limits;
 *    retry-max caps the wait between retries. Transient failures are retried
 *    without a count limit (retry_max 0): the outbox loses nothing, and the
 *    analyst can cancel.
 *  - Escalation defaults: label, sensitivity, the severity map and the
 *    container type come from the config.
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
