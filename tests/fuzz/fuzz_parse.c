/* fuzz_parse.c — libFuzzer target for the Falco event parser (core/parse.c)
 * and the compact event's accessors.
 *
 * Any input must give an event (parsed or unparsed) whose raw bytes are the
 * input exactly (less trailing newlines), whose output template expands,
 * whose every field formats, and whose display text, once sanitised, is
 * clean for the terminal.
 *
 * FUZZ_MAX_LEN=8192
 */
#include <locale.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/event.h"
#include "core/parse.h"
#include "core/sanitize.h"
#include "core/spool.h"
#include "core/util.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	setlocale(LC_ALL, "C.UTF-8");
	parse_init();
	spool_use_memory();
	return 0;
}

static void check_clean(const char *s, size_t n)
{
	struct sbuf out = SBUF_INIT;
	sanitize(s, n, SAN_ONELINE, &out);
	size_t at;
	const char *why = sanitize_check_output(out.s ? out.s : "", out.len, SAN_ONELINE, &at);
	if (why) {
		fprintf(stderr, "fuzz_parse: sanitized text not clean: %s at %zu\n", why, at);
		abort();
	}
	sbuf_free(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data;
	struct event *ev = event_parse(in, size, "falco.fuzz", 1);
	size_t want = size;
	while (want && (in[want - 1] == '\n' || in[want - 1] == '\r'))
		want--;
	struct sbuf b = SBUF_INIT;
	if (event_raw(ev, &b) != 0 || b.len != want || (want && memcmp(b.s, in, want) != 0)) {
		fprintf(stderr, "fuzz_parse: raw bytes not kept\n");
		abort();
	}
	sbuf_reset(&b);
	event_output(ev, &b);
	check_clean(b.s ? b.s : "", b.len);
	sbuf_reset(&b);
	event_message(ev, &b);
	for (size_t i = 0; i < event_nfields(ev); i++) {
		struct fval v;
		event_field(ev, i, &v);
		sbuf_reset(&b);
		fval_format(&v, &b);
		size_t kn;
		const char *k = intern_str(event_field_key(ev, i), &kn);
		check_clean(k, kn);
		if (!event_get(ev, event_field_key(ev, i), NULL))
			abort();
	}
	const char *t = NULL;
	size_t tn;
	while ((t = event_tag_next(ev, t, &tn)))
		check_clean(t, tn);
	char id[40];
	event_id_text(ev, id);
	uint8_t back[16];
	if (event_id_parse(id, back) != 0 || memcmp(back, ev->id, 16) != 0)
		abort();
	sbuf_free(&b);
	event_free(ev);
	return 0;
}
