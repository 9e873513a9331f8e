/* fuzz_config.c — libFuzzer target: the input is a config file.
 *
 * Properties checked (abort on violation):
 *   - a rejected file gives exactly one error line, free of control bytes
 *     (it is printed to a terminal);
 *   - an accepted file prints (--print-config) as a config file that is
 *     accepted again and prints the same settings. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *print_values(const struct config *c)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	if (!f)
		abort();
	config_print_values(c, f);
	fclose(f);
	/* Drop comment lines: the header and masked secrets. */
	char *w = buf;
	for (const char *r = buf; *r;) {
		size_t len = strcspn(r, "\n") + (r[strcspn(r, "\n")] == '\n');
		if (*r != '#') {
			memmove(w, r, len);
			w += len;
		}
		r += len;
	}
	*w = '\0';
	return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config c;
	char *err = NULL;
	config_init(&c);
	int rc = config_parse_buffer(&c, "fuzz.conf", (const char *)data, size, true, 0600, &err);
	if (rc != EXIT_OK) {
		if (!err || strchr(err, '\n') || !log_text_clean(err) || strncmp(err, "fuzz.conf:", 10))
			abort();
		free(err);
		config_free(&c);
		return 0;
	}
	if (err)
		abort();
	/* With origins too, to exercise that path. */
	FILE *devnull = fopen("/dev/null", "w");
	if (devnull) {
		config_print(&c, devnull);
		fclose(devnull);
	}
	char *first = print_values(&c);
	struct config back;
	config_init(&back);
	if (config_parse_buffer(&back, "printed", first, strlen(first), true, 0600, &err) != EXIT_OK) {
		fprintf(stderr, "printed config rejected: %s\n%s", err, first);
		abort();
	}
	char *second = print_values(&back);
	if (strcmp(first, second) != 0) {
		fprintf(stderr, "round trip changed the config:\n%s---\n%s", first, second);
		abort();
	}
	free(first);
	free(second);
	config_free(&back);
	config_free(&c);
	return 0;
}
