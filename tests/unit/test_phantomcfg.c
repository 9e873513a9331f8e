/* test_phantomcfg.c — config -> Phantom client settings: token preferred
 * over user and password, verification on unless explicitly off, CA file,
 * timeouts and the retry cap, escalation defaults and severities. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "core/phantomcfg.h"
#include "core/secret.h"
#include "core/util.h"

static void test_unconfigured(void **state)
{
	(void)state;
	struct config c;
	config_init(&c);
	struct phantomcfg p;
	phantomcfg_from_config(&c, &p);
	assert_false(p.configured);
	assert_false(p.has_credentials);
	assert_null(p.pc.base_url);
	assert_false(p.pc.insecure);
	assert_int_equal(p.pc.timeout_ms, 30000);
	assert_int_equal(p.pc.connect_timeout_ms, 10000);
	assert_int_equal(p.pc.backoff_max_ms, 5 * 60 * 1000);
	assert_int_equal(p.pc.retry_max, 0);
	assert_string_equal(p.defaults.label, "events");
	assert_string_equal(p.defaults.sensitivity, "amber");
	assert_false(p.as_case);
	assert_null(p.defaults.container_type);
	config_free(&c);
}

static void test_token_preferred(void **state)
{
	(void)state;
	struct config c;
	config_init(&c);
	free(c.phantom_url);
	c.phantom_url = xstrdup("https://soar.example:8443");
	c.phantom_user = xstrdup("alice");
	c.phantom_password = secret_new("pw-secret", 9);
	struct phantomcfg p;
	phantomcfg_from_config(&c, &p);
	assert_true(p.configured);
	assert_true(p.has_credentials);
	assert_string_equal(p.pc.base_url, "https://soar.example:8443");
	assert_null(p.pc.token);
	assert_string_equal(p.pc.user, "alice");
	assert_string_equal(p.pc.password, "pw-secret");

	c.phantom_token = secret_new("tok-123", 7);
	phantomcfg_from_config(&c, &p);
	assert_string_equal(p.pc.token, "tok-123");
	assert_null(p.pc.user);
	assert_null(p.pc.password);

	/* a user without a password is no credential */
	secret_free(c.phantom_token);
	c.phantom_token = NULL;
	secret_free(c.phantom_password);
	c.phantom_password = NULL;
	phantomcfg_from_config(&c, &p);
	assert_true(p.configured);
	assert_false(p.has_credentials);
	/* credentials in the URL (the client moves them out of it) */
	free(c.phantom_url);
	c.phantom_url = xstrdup("https://:tok@soar.example/rest");
	phantomcfg_from_config(&c, &p);
	assert_true(p.has_credentials);
	free(c.phantom_url);
	c.phantom_url = xstrdup("https://soar.example/a@b");
	phantomcfg_from_config(&c, &p);
	assert_false(p.has_credentials);
	config_free(&c);
}

static void test_tls_timeouts_defaults(void **state)
{
	(void)state;
	struct config c;
	config_init(&c);
	c.verify_ssl = false;
	c.phantom_ca = xstrdup("/etc/soar-ca.pem");
	c.phantom_timeout_ns = 1500 * 1000000LL;
	c.phantom_connect_timeout_ns = 250 * 1000000LL;
	c.retry_max_ns = 2 * 1000000000LL;
	c.sensitivity = SENS_RED;
	c.container_type = CONTAINER_CASE;
	free(c.severity_map[PRIO_DEBUG]);
	c.severity_map[PRIO_DEBUG] = xstrdup("informational");
	struct phantomcfg p;
	phantomcfg_from_config(&c, &p);
	assert_true(p.pc.insecure);
	assert_string_equal(p.pc.ca_file, "/etc/soar-ca.pem");
	assert_int_equal(p.pc.timeout_ms, 1500);
	assert_int_equal(p.pc.connect_timeout_ms, 250);
	assert_int_equal(p.pc.backoff_max_ms, 2000);
	assert_string_equal(p.defaults.sensitivity, "red");
	assert_true(p.as_case);
	assert_string_equal(p.defaults.container_type, "case");

	int debug[] = { PRIO_DEBUG };
	assert_string_equal(phantomcfg_severity(&p, debug, 1), "informational");
	int mixed[] = { PRIO_NOTICE, PRIO_CRITICAL, PRIO_DEBUG };
	assert_string_equal(phantomcfg_severity(&p, mixed, 3), "high");
	int unknown[] = { PRIO_UNKNOWN, PRIO_NOTICE };
	assert_string_equal(phantomcfg_severity(&p, unknown, 2), "medium");
	assert_string_equal(phantomcfg_severity(&p, NULL, 0), "medium");
	config_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unconfigured),
		cmocka_unit_test(test_token_preferred),
		cmocka_unit_test(test_tls_timeouts_defaults),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
