/*
 * filter.h — the filter language: compiled once, evaluated fast.
 *
 * One compiled filter serves the live filter, search, mark-by-filter and
 * `--forward-only --filter EXPR`. An expression is a boolean combination of
 * terms; see "Language" below (also the reference for socterm(1)).
 *
 * Ownership: filter_compile() returns a filter owned by the caller, released
 * with filter_free(); on error it returns NULL and sets *err to a malloc'd
 * message the caller frees. The filter holds references on the interned
 * strings it compares against (intern.h), so comparisons by id stay exact even
 * after every event that used a string is gone and new events bring it back.
 * filter_source() and filter_keywords() return borrowed pointers.
 *
 * Thread safety: compiling and freeing may happen on any thread. A compiled
 * filter is immutable: filter_match() may be called on the same filter from
 * any number of threads at once (PCRE2 match data, JIT stack and the output
 * text buffer are per thread). Reading `event.state` (is:marked ...) is the
 * caller's business: evaluate state terms on the thread that owns the state.
 *
 * Language
 * --------
 * Combining: `and` (or `&`, `&&`, or just writing terms one after another),
 * `or` (or `|`, `||`), `not` (or `!`), parentheses. `not` binds tighter than
 * `and`, `and` tighter than `or`. Keywords are case-insensitive. An empty
 * expression matches everything.
 *
 * Bare words and quoted strings that are not a field comparison are a
 * case-insensitive (ASCII letters) substring search over rule, hostname and
 * the full output text. Quote a search for `and`, `or`, `not`, or text with
 * spaces, parentheses, `|`, `&`, `=`, `~`, `<`, `>` or `!=`. A leading `-`
 * is part of the word (`-rf` searches for "-rf"), not a negation.
 *
 * Terms (FIELD OP VALUE; spaces around OP are allowed):
 *   priority (ordered) = != < <= > >=  emergency alert critical error warning
 *                      notice informational (info) debug, and unknown; also
 *                      the syslog short forms emerg crit err warn. Greater
 *                      means more severe. Priorities Falco does not define
 *                      rank ABOVE emergency, so a threshold such as
 *                      `priority>=warning` never hides them; select them
 *                      with `priority=unknown`. `priority~RE` matches the
 *                      text as received.
 *   rule source hostname (host) subject output (full text) message (output
 *   without Falco's "time: Priority " prefix), note (the annotation text):
 *                      text fields: = != ~ !~ ~* !~* and the word
 *                      operators below
 *   any output_fields key by its Falco name (it has a dot: container.name,
 *   proc.aname[2], ka.uri.param[command] - brackets are part of the name), or
 *   field:NAME for any key (field:"a key" when quoted):
 *                      = != ~ !~ ~* !~* < <= > >= and the word operators
 *   tag:NAME, tag:GLOB (mitre_*), tag OP VALUE: tags, case-insensitive; a
 *                      term holds if ANY tag matches; `tag exists`.
 *   since:DURATION     15m 2h 1d 90s 1w (or since:TIME), relative to
 *                      filter_ctx.now_ns.
 *   time OP TIME       2026-01-02, 2026-01-02T10:00, ...T10:00:05,
 *                      ...T10:00:05.123, with Z, +02:00 or -0500; local
 *                      time when no zone is given. A time stands for its
 *                      whole precision: `time<=2026-01-02` includes all of
 *                      that day, `time=2026-01-02T10:00` the whole minute.
 *   id = ID            the event id (uuid or 32 hex digits); globs and ~.
 *   is:marked is:annotated is:escalated (state), is:unparsed is:repaired.
 *
 * Operators:
 *   =, ==   exact, case-sensitive. A value with an unescaped `*` (any run)
 *           or `?` (one character) is a glob matched against the whole value;
 *           write `\*` and `\?` for literal ones.
 *   !=      not (=): also true when the field is absent.
 *   ~  !~   PCRE2 regex (unanchored), case-sensitive unless (?i); ~* and !~*
 *           are the case-insensitive forms; !~ is not (~), true when the
 *           field is absent. A regex that exceeds the match limit
 *           (pathological backtracking) does not match.
 *   < <= > >=  numeric. Integers compare exactly over 64 bits, reals as
 *           reals; a string value that looks like a number compares as that
 *           number. Numeric equality too: `proc.tty = 34816` matches the
 *           number 34816 and the string "34816". `true`/`false` match JSON
 *           booleans (and the strings "true"/"false").
 *   contains, icontains, startswith, endswith   (Falco's words) a literal
 *           substring, prefix or suffix; icontains ignores ASCII case.
 *   in      `FIELD in (V1, V2 ...)` is FIELD=V1 or FIELD=V2 ... (globs
 *           allowed, commas optional).
 *   exists, missing   `FIELD exists`, `FIELD missing`. Missing means the key
 *           is absent or JSON null. "" is a value (it exists), and the
 *           literal string "<NA>" is an ordinary string:
 *           `proc.pname = "<NA>"` matches it, `proc.pname missing` does not.
 *   Arrays and objects compare (=, ~, globs) as their compact JSON text.
 *
 * Values: unquoted (up to white space, `|`, `&` or an unbalanced `)`), or
 * "..." / '...' with escapes \" \' \\ \n \t \r \xNN \uNNNN; other escapes
 * are kept as written, so regexes such as "\d+\." work inside quotes.
 *
 * Errors: "<what went wrong> at N", N the 0-based byte offset of the
 * offending token (for a missing value, of the operator). Text quoted from
 * the expression has its control bytes shown as \xNN.
 */
#ifndef SOCTERM_FILTER_H
#define SOCTERM_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/event.h"

struct filter;

/* Per-evaluation context, owned by the caller. May be NULL: since: then uses
 * the current clock and no event has a note. */
struct filter_ctx {
	int64_t now_ns;            /* for since:; 0 = the current clock */
	/* annotation text of an event (NULL if none); may be NULL itself */
	const char *(*note)(void *arg, const struct event *ev);
	void *note_arg;
};

/* Compiles expr (NULL or "" match everything). Returns NULL on error with
 * *err (malloc'd, caller frees) and *err_pos set; err and err_pos may be
 * NULL. */
struct filter *filter_compile(const char *expr, char **err, size_t *err_pos);
bool filter_match(const struct filter *f, const struct event *ev, const struct filter_ctx *cx);
/* NULL is ok. */
void filter_free(struct filter *f);
/* The text the filter was compiled from (borrowed, lives with f). */
const char *filter_source(const struct filter *f);
/* since: present: the result changes as time passes. */
bool filter_uses_time(const struct filter *f);
/* is:marked/annotated/escalated or note present: re-evaluate on marks/notes. */
bool filter_uses_state(const struct filter *f);

/* For highlighting what a search found: calls fn with each bare word or
 * quoted search string of f (ASCII lower-case, as matched) that is not
 * under a `not`. */
void filter_each_word(const struct filter *f, void (*fn)(void *ctx, const char *lc, size_t n),
		      void *ctx);

/* For tab completion: NULL-terminated, static. Field names, prefixes
 * ("tag:", "is:marked", "since:", "field:"), priority names and operator
 * words ("and", "or", "not", "exists", "missing"). */
const char *const *filter_keywords(void);

#endif
