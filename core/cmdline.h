/*
 * cmdline.h — splitting a `:` command line into words, and file names as
 * the analyst types them.
 *
 * Ownership: words are appended to a caller-owned struct strv (vocab.h);
 * the offsets array and returned strings are malloc'd, the caller frees them.
 * Thread safety: pure functions (cmdline_path reads $HOME).
 */
#ifndef SOCTERM_CMDLINE_H
#define SOCTERM_CMDLINE_H

#include <stddef.h>

struct strv;

/* Shell-like words of s: white space separates them, "..." and '...' quote
 * (a backslash inside double quotes escapes " and \), a backslash outside
 * quotes escapes the next character. The byte offset where each word starts
 * goes to (*at)[i]. Returns the number of words, or -1 with *err (malloc'd)
 * and *err_at for an unclosed quote. */
int cmdline_words(const char *s, struct strv *words, size_t **at, char **err, size_t *err_at);

/* "~/x" -> "$HOME/x" (other names unchanged). Caller frees. */
char *cmdline_path(const char *name);

#endif
