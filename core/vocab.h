/*
 * vocab.h — what the console has seen in events (output_fields keys, tags,
 * rules, hosts, sources), and tab-completion candidates for the filter
 * language built from it and from filter_keywords().
 *
 * Learning is bounded: each kind keeps at most a fixed number of distinct
 * words (VOCAB_MAX_*), so a flood of unique values cannot grow memory; the
 * words seen first stay. Words are held as interned ids with a reference, so
 * learning an event costs a few hash probes and no allocation once a word
 * is known.
 *
 * Ownership: the caller owns the vocab (vocab_free()). Candidates appended to
 * a struct strv are malloc'd; strv_free() releases them.
 * Thread safety: none; one thread (the UI thread) owns a vocab.
 */
#ifndef SOCTERM_VOCAB_H
#define SOCTERM_VOCAB_H

#include <stdbool.h>
#include <stddef.h>

struct event;
struct vocab;

#define VOCAB_MAX_KEYS 1024
#define VOCAB_MAX_TAGS 512
#define VOCAB_MAX_VALUES 512   /* each of rules, hosts, sources */

/* A growable array of malloc'd strings. */
struct strv {
	char **v;
	size_t n, cap;
};
void strv_add(struct strv *s, const char *str, size_t n);
/* Sorts and drops duplicates. */
void strv_sort_uniq(struct strv *s);
void strv_free(struct strv *s);

struct vocab *vocab_new(void);
void vocab_free(struct vocab *v);
/* Learns the words of one event. */
void vocab_note(struct vocab *v, const struct event *ev);
/* Number of distinct output_fields keys and tags known (for tests). */
size_t vocab_nkeys(const struct vocab *v);
size_t vocab_ntags(const struct vocab *v);

/* Appends the output_fields keys seen that start with `prefix`. */
void vocab_keys(const struct vocab *v, const char *prefix, struct strv *out);

/* Completion candidates for the word `text` of a filter expression, which
 * starts at byte `start` of `line`; `quoted` says the word is inside a quote
 * the user opened (readline then closes it). After `FIELD OP`, the values
 * seen for priority, tag, rule, hostname and source; `tag:` and `field:`
 * prefixed words; else field names, keywords and keys seen. Every candidate
 * starts with `text`, except values that need quoting when the user has
 * not opened a quote: those come quoted ("Terminal shell in container").
 * Sorted, without duplicates. */
void vocab_complete_filter(const struct vocab *v, const char *line, size_t start,
			   const char *text, bool quoted, struct strv *out);

#endif
