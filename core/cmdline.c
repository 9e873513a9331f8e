/* cmdline.c — see cmdline.h. */
#include "core/cmdline.h"
#include "core/util.h"
#include "core/vocab.h"

#include <stdlib.h>
#include <string.h>

int cmdline_words(const char *s, struct strv *words, size_t **at, char **err, size_t *err_at)
{
	size_t cap = 0, n = 0;
	*at = NULL;
	struct sbuf w = SBUF_INIT;
	size_t i = 0, len = strlen(s);
	for (;;) {
		while (i < len && (s[i] == ' ' || s[i] == '\t'))
			i++;
		if (i >= len)
			break;
		size_t start = i;
		sbuf_reset(&w);
		while (i < len && s[i] != ' ' && s[i] != '\t') {
			char q = s[i];
			if (q == '"' || q == '\'') {
				size_t open = i++;
				while (i < len && s[i] != q) {
					if (q == '"' && s[i] == '\\' && (s[i + 1] == '"' || s[i + 1] == '\\'))
						i++;
					sbuf_addc(&w, s[i++]);
				}
				if (i >= len) {
					*err = xasprintf("unclosed %s quote", q == '"' ? "double" : "single");
					*err_at = open;
					sbuf_free(&w);
					free(*at);
					*at = NULL;
					return -1;
				}
				i++;
			} else if (q == '\\' && i + 1 < len) {
				sbuf_addc(&w, s[i + 1]);
				i += 2;
			} else {
				sbuf_addc(&w, s[i++]);
			}
		}
		strv_add(words, sbuf_str(&w), w.len);
		*at = xgrow(*at, &cap, n + 1, sizeof(**at));
		(*at)[n++] = start;
	}
	sbuf_free(&w);
	return (int)n;
}

char *cmdline_path(const char *name)
{
	const char *home = getenv("HOME");
	if (name[0] == '~' && (name[1] == '/' || name[1] == '\0') && home && *home)
		return xasprintf("%s%s", home, name + 1);
	return xstrdup(name);
}
