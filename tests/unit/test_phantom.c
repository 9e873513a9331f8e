/* test_phantom.c — the pure parts of the Phantom client: answer
 * classification (phantom-api.md §2, bug-cases B25), text extraction from
 * error pages, backoff, and configuration checks. The HTTP paths are tested
 * against the emulator in tests/phantom.t. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/phantom.h"
#include "core/util.h"

static struct phantom_result classify(long status, const char *ct, const char *body, const char *ra)
{
	struct phantom_result r = { 0 };
	phantom_classify(status, ct, body, body ? strlen(body) : 0, ra, &r);
	return r;
}

static void test_success_and_duplicates(void **state)
{
	(void)state;
	struct phantom_result r = classify(200, "application/json", "{\"success\": true, \"id\": 7}", NULL);
	assert_int_equal(r.outcome, PH_OK);
	assert_int_equal(r.id, 7);
	assert_string_equal(r.error, "");
	phantom_result_clear(&r);
	r = classify(400, "application/json",
		     "{\"failed\": true, \"existing_container_id\": 101, \"message\": \"duplicate with source_data_identifier\"}", NULL);
	assert_int_equal(r.outcome, PH_EXISTING);
	assert_int_equal(r.id, 101);
	assert_true(phantom_ok(&r));
	phantom_result_clear(&r);
	r = classify(200, NULL, "{\"failed\":true,\"existing_artifact_id\":\"12\",\"message\":\"artifact already exists\"}", NULL);
	assert_int_equal(r.outcome, PH_EXISTING);
	assert_int_equal(r.id, 12);
	phantom_result_clear(&r);
	/* empty or plain 2xx: success without id (the caller decides) */
	r = classify(200, "text/plain", "OK", NULL);
	assert_int_equal(r.outcome, PH_OK);
	assert_int_equal(r.id, 0);
	phantom_result_clear(&r);
	r = classify(204, NULL, "", NULL);
	assert_int_equal(r.outcome, PH_OK);
	phantom_result_clear(&r);
}

static void test_failures(void **state)
{
	(void)state;
	/* failed:true is authoritative even with 200 */
	struct phantom_result r = classify(200, "application/json", "{\"failed\": true, \"message\": \"Severity matching query does not exist.\"}", NULL);
	assert_int_equal(r.outcome, PH_PERMANENT);
	assert_string_equal(r.error, "HTTP 200: Severity matching query does not exist.");
	phantom_result_clear(&r);
	r = classify(400, "application/json", "{\"failed\": true, \"message\": \"bogus is not a known label.\"}", NULL);
	assert_int_equal(r.outcome, PH_PERMANENT);
	assert_string_equal(r.error, "HTTP 400: bogus is not a known label.");
	phantom_result_clear(&r);
	r = classify(401, "application/json", "{\"failed\":true,\"message\":\"Invalid token\"}", NULL);
	assert_int_equal(r.outcome, PH_AUTH);
	assert_string_equal(r.error, "SOAR auth failed (HTTP 401): Invalid token");
	phantom_result_clear(&r);
	r = classify(403, NULL, "", NULL);
	assert_int_equal(r.outcome, PH_AUTH);
	phantom_result_clear(&r);
	r = classify(404, "application/json", "{\"failed\": true}", NULL);
	assert_int_equal(r.outcome, PH_PERMANENT);
	assert_string_equal(r.error, "HTTP 404: request failed");
	phantom_result_clear(&r);
	r = classify(405, "text/plain", "", NULL);
	assert_int_equal(r.outcome, PH_PERMANENT);
	assert_string_equal(r.error, "HTTP 405: empty answer");
	phantom_result_clear(&r);
	r = classify(302, "text/html", "<a href=x>moved</a>", NULL);
	assert_int_equal(r.outcome, PH_PERMANENT);
	phantom_result_clear(&r);
}

static void test_transient(void **state)
{
	(void)state;
	const char *html = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
			   "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
			   "<script>var secret = 1;</script></body>\r\n</html>\r\n";
	struct phantom_result r = classify(502, "text/html", html, NULL);
	assert_int_equal(r.outcome, PH_TRANSIENT);
	assert_string_equal(r.error, "HTTP 502: 502 Bad Gateway 502 Bad Gateway nginx");
	phantom_result_clear(&r);
	r = classify(503, NULL, "", NULL);
	assert_int_equal(r.outcome, PH_TRANSIENT);
	assert_string_equal(r.error, "HTTP 503: empty answer");
	assert_int_equal(r.retry_after_ms, -1);
	phantom_result_clear(&r);
	r = classify(429, "application/json", "{\"failed\":true,\"message\":\"slow down\"}", "30");
	assert_int_equal(r.outcome, PH_TRANSIENT);
	assert_int_equal(r.retry_after_ms, 30000);
	phantom_result_clear(&r);
	r = classify(503, NULL, "x", "Wed, 21 Oct 2015 07:28:00 GMT"); /* in the past */
	assert_int_equal(r.retry_after_ms, 0);
	phantom_result_clear(&r);
	r = classify(500, "application/json", "{\"failed\": true, \"message\": \"boom\"}", "99999999");
	assert_int_equal(r.outcome, PH_TRANSIENT);
	assert_int_equal(r.retry_after_ms, 3600 * 1000);
	phantom_result_clear(&r);
	/* an HTML page with 200 is not Phantom */
	r = classify(200, "text/html", "<html><body>Please log in</body></html>", NULL);
	assert_int_equal(r.outcome, PH_TRANSIENT);
	assert_non_null(strstr(r.error, "Please log in"));
	phantom_result_clear(&r);
	/* JSON that is cut off is not success */
	r = classify(500, "application/json", "{\"failed\": tr", NULL);
	assert_int_equal(r.outcome, PH_TRANSIENT);
	phantom_result_clear(&r);
}

static void test_error_text_is_safe(void **state)
{
	(void)state;
	char big[4096];
	memset(big, 'A', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	struct phantom_result r = classify(500, "text/html", big, NULL);
	assert_true(strlen(r.error) < sizeof r.error);
	phantom_result_clear(&r);
	r = classify(400, "application/json", "{\"failed\":true,\"message\":\"bad\\u001b[31mred\\n\\u00e9\"}", NULL);
	assert_string_equal(r.error, "HTTP 400: bad [31mred ??");
	phantom_result_clear(&r);
	char out[64];
	const char *ent = "a &amp; b &lt;c&gt; &nbsp;&quot;d&quot; &bogus;";
	phantom_body_text(ent, strlen(ent), out, sizeof out);
	assert_string_equal(out, "a & b <c> \"d\" &bogus;");
	phantom_body_text("<style>p{}</style>  x  \t y<br/>z", 32, out, sizeof out);
	assert_string_equal(out, "x y z");
	phantom_body_text("abcdef", 6, out, 4);
	assert_string_equal(out, "abc");
	phantom_body_text("<script>never closed", 20, out, sizeof out);
	assert_string_equal(out, "");
}

static void test_backoff(void **state)
{
	(void)state;
	struct phantom_conf c = { .backoff_base_ms = 1000, .backoff_max_ms = 8000 };
	uint64_t rng = 42;
	for (int round = 0; round < 200; round++) {
		int64_t d1 = phantom_backoff_ms(&c, 1, -1, &rng);
		assert_true(d1 >= 500 && d1 <= 1000);
		int64_t d3 = phantom_backoff_ms(&c, 3, -1, &rng);
		assert_true(d3 >= 2000 && d3 <= 4000);
		int64_t d9 = phantom_backoff_ms(&c, 50, -1, &rng);
		assert_true(d9 >= 4000 && d9 <= 8000);
		assert_int_equal(phantom_backoff_ms(&c, 1, 30000, &rng), 30000);
	}
	/* jitter actually varies */
	int64_t a = phantom_backoff_ms(&c, 4, -1, &rng), b = a;
	for (int i = 0; i < 20 && b == a; i++)
		b = phantom_backoff_ms(&c, 4, -1, &rng);
	assert_true(a != b);
	uint64_t zero = 0;
	assert_true(phantom_backoff_ms(NULL, 1, -1, &zero) >= 1000);
}

static void test_config(void **state)
{
	(void)state;
	char *err = NULL;
	struct phantom_conf c = { 0 };
	assert_null(phantom_new(&c, &err));
	assert_non_null(err);
	free(err);
	c.base_url = "ftp://soar.example";
	assert_null(phantom_new(&c, &err));
	assert_non_null(strstr(err, "https://"));
	free(err);
	/* credentials in the URL are moved out of it */
	c.base_url = "https://:s3cr3t-token@soar.example:8443/rest/";
	struct phantom *ph = phantom_new(&c, &err);
	assert_non_null(ph);
	assert_string_equal(phantom_url(ph), "https://soar.example:8443/rest");
	assert_false(phantom_insecure(ph));
	phantom_free(ph);
	c.base_url = "https://user:pw@soar.example";
	c.insecure = true;
	ph = phantom_new(&c, &err);
	assert_string_equal(phantom_url(ph), "https://soar.example");
	assert_true(phantom_insecure(ph));
	phantom_free(ph);
	c.base_url = "https://soar.example";
	c.token = "bad\ntoken";
	assert_null(phantom_new(&c, &err));
	assert_null(strstr(err, "bad"));
	free(err);
}

/* Nothing listens on port 1 of loopback: a clear transient error, fast. */
static void test_connection_refused(void **state)
{
	(void)state;
	char *err = NULL;
	struct phantom_conf c = { .base_url = "http://127.0.0.1:1", .token = "tok-abcdef",
				  .connect_timeout_ms = 2000, .timeout_ms = 3000 };
	struct phantom *ph = phantom_new(&c, &err);
	assert_non_null(ph);
	struct phantom_result r = { 0 };
	json_t *cont = json_pack("{s:s}", "name", "x");
	int64_t t0 = mono_ns();
	phantom_container_create(ph, cont, &r);
	assert_true(mono_ns() - t0 < 3000000000LL);
	assert_int_equal(r.outcome, PH_TRANSIENT);
	assert_int_equal(r.status, 0);
	assert_true(strlen(r.error) > 0);
	assert_null(strstr(r.error, "tok-abcdef"));
	phantom_result_clear(&r);
	json_decref(cont);
	phantom_free(ph);
}

/* No request body carries U+0000: Phantom's PostgreSQL refuses it and the
 * request with it, for good. It goes out as U+FFFD. */
static void test_body_without_nul(void **state)
{
	(void)state;
	json_t *b = json_pack("{s:s#, s:[s#, s], s:{s:s#}}", "a", "x\0y", (size_t)3, "arr",
			      "\0", (size_t)1, "\\u0000", "o", "k", "\\\0", (size_t)2);
	char *s = phantom_body(b);
	assert_non_null(s);
	/* strict JSON (NUL refused) reads it, with U+FFFD where the NULs were */
	json_t *back = json_loads(s, 0, NULL);
	assert_non_null(back);
	assert_string_equal(json_string_value(json_object_get(back, "a")), "x\xef\xbf\xbdy");
	json_t *arr = json_object_get(back, "arr");
	assert_string_equal(json_string_value(json_array_get(arr, 0)), "\xef\xbf\xbd");
	/* a backslash followed by the text u0000 is not a NUL: unchanged */
	assert_string_equal(json_string_value(json_array_get(arr, 1)), "\\u0000");
	assert_string_equal(json_string_value(json_object_get(json_object_get(back, "o"), "k")),
			    "\\\xef\xbf\xbd");
	json_decref(back);
	free(s);
	json_decref(b);
	/* without a NUL: exactly what jansson writes */
	b = json_pack("{s:s}", "a", "\\u0000 plain");
	s = phantom_body(b);
	char *plain = json_dumps(b, JSON_COMPACT);
	assert_string_equal(s, plain);
	free(plain);
	free(s);
	json_decref(b);
}

static int setup(void **state)
{
	(void)state;
	return phantom_global_init();
}

static int teardown(void **state)
{
	(void)state;
	phantom_global_cleanup();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_success_and_duplicates),
		cmocka_unit_test(test_failures),
		cmocka_unit_test(test_transient),
		cmocka_unit_test(test_error_text_is_safe),
		cmocka_unit_test(test_backoff),
		cmocka_unit_test(test_config),
		cmocka_unit_test(test_connection_refused),
		cmocka_unit_test(test_body_without_nul),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
