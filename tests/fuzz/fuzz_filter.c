/* fuzz_filter.c — libFuzzer target for the filter language (core/filter*.c).
 *
 * The input is an expression. If it does not compile, the error must come
 * with a message and a position inside the expression. If it compiles, it is
 * evaluated on a few parsed events of every shape (nulls, "<NA>", big ints,
 * arrays, objects, unknown priorities, odd tags, unparsed, UTF-8), and
 * `not (EXPR)` must select exactly the other events.
 *
 * FUZZ_MAX_LEN=2048
 */
#include <locale.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/event.h"
#include "core/filter.h"
#include "core/parse.h"
#include "core/spool.h"
#include "core/util.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const lines[] = {
	"{\"hostname\":\"web-1\",\"output\":\"10:00:00.000000000: Critical A shell was spawned "
	"(container=nginx-42 cmdline=bash -c 'id | sh')\",\"priority\":\"Critical\",\"rule\":"
	"\"Terminal shell in container\",\"source\":\"syscall\",\"tags\":[\"container\","
	"\"mitre_execution\",\"T1059\"],\"time\":\"2026-01-02T10:00:00.000000000Z\",\"output_fields\":"
	"{\"container.name\":\"nginx-42\",\"proc.name\":\"bash\",\"proc.cmdline\":\"bash -c 'id | sh'\","
	"\"proc.tty\":34816,\"user.loginuid\":-1,\"fd.sport\":true,\"proc.pname\":\"<NA>\","
	"\"proc.aname[2]\":null,\"proc.exepath\":\"\",\"evt.time\":1767348000123456789}}",
	"{\"hostname\":\"k8s\",\"output\":\"11:00:00.000000000: Notice Attach/Exec (ns=default)\","
	"\"priority\":\"notice\",\"rule\":\"Attach/Exec Pod\",\"source\":\"k8s_audit\",\"tags\":\"k8s\","
	"\"time\":\"2026-01-02T11:00:00+01:00\",\"output_fields\":{\"ka.uri.param[command]\":\"sh\","
	"\"ka.req.pod.volumes.hostpath\":[\"/etc\"],\"ka.user.extra\":{\"arn\":[\"x\"]},"
	"\"jevt.value\":\"[{\\\"a\\\":1}]\",\"ka.response.code\":\"201\",\"ratio\":0.25}}",
	"{\"priority\":\"Severe\",\"rule\":\"Unknown\",\"tags\":[1,null,\"x\"],\"output_fields\":null,"
	"\"time\":\"2025-12-31T12:00:00Z\"}",
	"{\"priority\":4,\"rule\":\"\\u00c4rger \\u2713\",\"hostname\":\"WEB-1\",\"output\":\"x\\u0000y\","
	"\"tags\":[],\"output_fields\":{\"proc.pid\":18446744073709551615,\"n\":-9223372036854775808,"
	"\"s\":\"1e3\",\"b\":\"true\",\"c\":\"a\\u0000b\"}}",
	"{\"uuid\":\"3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b\",\"priority\":\"Debug\",\"rule\":\"r\","
	"\"output\":\"\\u001b[31mred\\u001b[0m\",\"output_fields\":{\"x.y\":false}}",
	"not json {{{",
};

#define NEV (sizeof(lines) / sizeof(lines[0]))

static struct event *evs[NEV];

static const char *note_of(void *arg, const struct event *ev)
{
	(void)arg;
	return ev == evs[0] ? "escalated: case 42" : ev == evs[3] ? "" : NULL;
}

static struct filter_ctx cx = { .note = note_of };

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	setlocale(LC_ALL, "C.UTF-8");
	setenv("TZ", "UTC", 1);
	tzset();
	parse_init();
	spool_use_memory();
	for (size_t i = 0; i < NEV; i++)
		evs[i] = event_parse(lines[i], strlen(lines[i]), i % 2 ? "falco.notice.x" : NULL, 1);
	evs[0]->state |= ES_MARKED | ES_ANNOTATED;
	evs[2]->state |= ES_ESCALATED;
	cx.now_ns = 1767349000000000000LL;
	return 0;
}

static void check_interned(size_t before)
{
	size_t after;
	intern_stats(&after, NULL);
	if (after != before) {
		fprintf(stderr, "fuzz_filter: %zu interned strings before, %zu after\n", before, after);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t strings_before;
	intern_stats(&strings_before, NULL);
	char *expr = xstrndup((const char *)data, size);  /* stops at a NUL */
	size_t len = strlen(expr);
	char *err = NULL;
	size_t pos = SIZE_MAX;
	struct filter *f = filter_compile(expr, &err, &pos);
	if (!f) {
		if (!err || !*err || pos > len) {
			fprintf(stderr, "fuzz_filter: bad error \"%s\" at %zu (length %zu)\n",
				err ? err : "(null)", pos, len);
			abort();
		}
		free(err);
		free(expr);
		check_interned(strings_before);
		return 0;
	}
	if (strcmp(filter_source(f), expr) != 0)
		abort();
	(void)filter_uses_time(f);
	(void)filter_uses_state(f);

	/* White space ends any unquoted value, so the wrapped text parses EXPR
	 * exactly as before; it can only fail by nesting one level too deep. */
	char *neg_text = xasprintf("not (%s\n)", expr);
	struct filter *neg = filter_compile(neg_text, NULL, NULL);
	bool blank = strspn(expr, " \t\n\r\f\v") == len;
	for (size_t i = 0; i < NEV; i++) {
		bool m = filter_match(f, evs[i], &cx);
		if (neg && filter_match(neg, evs[i], &cx) == m) {
			fprintf(stderr, "fuzz_filter: '%s' and its negation agree on event %zu\n", expr, i);
			abort();
		}
		if (blank && !m)
			abort();
	}
	filter_free(neg);
	free(neg_text);
	filter_free(f);
	free(expr);
	check_interned(strings_before);
	return 0;
}
