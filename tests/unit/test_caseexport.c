/* test_caseexport.c — the outbox as JSON lines: a new escalation carries
 * its container with one artifact per event (SDI = event id) and the
 * annotations, an escalation into an existing container carries artifacts
 * for it, states, links and times are there, and events that are not JSON
 * are mapped as the forwarder maps them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/caseexport.h"
#include "core/statedb.h"
#include "core/util.h"

static char *tmp_dir(void)
{
	char tmpl[] = "/tmp/socterm-caseexport.XXXXXX";
	assert_non_null(mkdtemp(tmpl));
	return xstrdup(tmpl);
}

static void rm_dir(char *dir)
{
	char *cmd = xasprintf("rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(dir);
}

static struct statedb_item_in item(const char *id, const char *raw)
{
	struct statedb_item_in it = { id, raw, strlen(raw) };
	return it;
}

/* Exports into memory and parses the lines. */
static json_t *export_lines(struct statedb *db, const char *base, size_t *count)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	char *err = NULL;
	struct cef_params d = { .label = "events", .sensitivity = "red" };
	assert_int_equal(caseexport_write(db, &d, base, f, count, &err), 0);
	fclose(f);
	json_t *lines = json_array();
	for (char *l = strtok(buf, "\n"); l; l = strtok(NULL, "\n")) {
		json_error_t je;
		json_t *j = json_loads(l, 0, &je);
		if (!j)
			fail_msg("not JSON: %s (%s)", l, je.text);
		json_array_append_new(lines, j);
	}
	free(buf);
	return lines;
}

static void test_export(void **state)
{
	(void)state;
	char *dir = tmp_dir();
	char *err = NULL;
	struct statedb *db = statedb_open(dir, &err);
	assert_non_null(db);
	const char *e1 = "{\"rule\":\"Shell\",\"priority\":\"Warning\",\"time\":\"2024-05-01T10:00:00.5Z\","
			 "\"output\":\"x\",\"hostname\":\"h1\"}";
	const char *e2 = "{\"rule\":\"Shell\",\"priority\":\"Critical\",\"time\":\"2024-05-01T10:00:01Z\","
			 "\"output\":\"y\",\"hostname\":\"h2\"}";
	struct statedb_item_in two[] = { item("id-a", e1), item("id-b", e2) };
	struct statedb_esc nw = { .kind = ESC_NEW, .name = "Shell on h1", .severity = "high",
				  .container_type = "case" };
	assert_int_equal(statedb_queue(db, &nw, two, 2), 1);
	assert_int_equal(statedb_annotate(db, "id-b", "looks bad", "alice"), 1);
	struct statedb_item_in odd[] = { item("id-c", "not json \x01") };
	struct statedb_esc ex = { .kind = ESC_EXISTING, .target_container = 42 };
	assert_int_equal(statedb_queue(db, &ex, odd, 1), 2);

	size_t n = 0;
	json_t *lines = export_lines(db, "https://soar.example/rest/", &n);
	assert_int_equal(n, 2);
	assert_int_equal(json_array_size(lines), 2);

	json_t *a = json_array_get(lines, 0);
	assert_int_equal(json_integer_value(json_object_get(a, "escalation")), 1);
	assert_string_equal(json_string_value(json_object_get(a, "state")), "queued");
	assert_string_equal(json_string_value(json_object_get(a, "kind")), "new");
	assert_string_equal(json_string_value(json_object_get(a, "container_type")), "case");
	assert_string_equal(json_string_value(json_object_get(a, "sensitivity")), "red");
	assert_true(json_is_null(json_object_get(a, "link")));
	assert_true(json_is_null(json_object_get(a, "container_id")));
	json_t *c = json_object_get(a, "container");
	assert_string_equal(json_string_value(json_object_get(c, "name")), "Shell on h1");
	assert_string_equal(json_string_value(json_object_get(c, "severity")), "high");
	assert_string_equal(json_string_value(json_object_get(c, "label")), "events");
	assert_string_equal(json_string_value(json_object_get(c, "source_data_identifier")),
			    json_string_value(json_object_get(a, "source_data_identifier")));
	json_t *arts = json_object_get(c, "artifacts");
	assert_int_equal(json_array_size(arts), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(arts, 0),
								"source_data_identifier")), "id-a");
	assert_string_equal(json_string_value(json_object_get(json_array_get(arts, 1),
								"source_data_identifier")), "id-b");
	json_t *ann = json_object_get(a, "annotations");
	assert_int_equal(json_array_size(ann), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(ann, 0), "event_id")), "id-b");
	assert_string_equal(json_string_value(json_object_get(json_array_get(ann, 0), "text")), "looks bad");
	assert_string_equal(json_string_value(json_object_get(json_array_get(ann, 0), "author")), "alice");
	const char *created = json_string_value(json_object_get(a, "created"));
	assert_non_null(created);
	assert_int_equal(strlen(created), strlen("2024-05-01T10:00:00.000000Z"));

	json_t *b = json_array_get(lines, 1);
	assert_string_equal(json_string_value(json_object_get(b, "kind")), "existing");
	assert_string_equal(json_string_value(json_object_get(b, "state")), "queued");
	assert_true(json_is_null(json_object_get(b, "last_error")));
	assert_true(json_is_null(json_object_get(b, "next_attempt")));
	assert_int_equal(json_integer_value(json_object_get(b, "target_container")), 42);
	assert_string_equal(json_string_value(json_object_get(b, "link")),
			    "https://soar.example/mission/42");
	assert_null(json_object_get(b, "container"));
	json_t *barts = json_object_get(b, "artifacts");
	assert_int_equal(json_array_size(barts), 1);
	json_t *art = json_array_get(barts, 0);
	assert_int_equal(json_integer_value(json_object_get(art, "container_id")), 42);
	assert_true(json_is_true(json_object_get(art, "run_automation")));
	/* not JSON: kept verbatim, as the forwarder sends it */
	assert_string_equal(json_string_value(json_object_get(json_object_get(art, "data"), "socterm.raw")),
			    "not json \x01");
	json_decref(lines);

	/* cancelled ones are listed too, with their state */
	assert_int_equal(statedb_cancel(db, 1), 0);
	lines = export_lines(db, NULL, &n);
	assert_string_equal(json_string_value(json_object_get(json_array_get(lines, 0), "state")),
			    "cancelled");
	assert_true(json_is_null(json_object_get(json_array_get(lines, 1), "link")));
	json_decref(lines);
	statedb_close(db);
	rm_dir(dir);
}

static void test_link(void **state)
{
	(void)state;
	char *l = caseexport_link("https://soar:8443/rest", 7);
	assert_string_equal(l, "https://soar:8443/mission/7");
	free(l);
	l = caseexport_link("https://soar//", 8);
	assert_string_equal(l, "https://soar/mission/8");
	free(l);
	assert_null(caseexport_link("https://soar", 0));
	assert_null(caseexport_link(NULL, 3));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_export),
		cmocka_unit_test(test_link),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
