/*
 * store.h — the bounded in-memory timeline and its filtered view.
 *
 * Events are kept in (time, arrival) order. Past `capacity` the oldest events
 * are evicted, except marked ones, which are never evicted. An id index
 * drops exact duplicates (same stable id: a redelivery or a double publish).
 * The "shown" view is the subset matching the current predicate, kept up to
 * date as events arrive and leave, so the UI can page through it directly.
 *
 * Positions (size_t indexes) are valid until the next store_add() or
 * store_set_predicate(); hold on to an event across frames with its key
 * (time_ns, seq) and store_find()/store_shown_find().
 *
 * Ownership: store_add() takes ownership of the event; the store frees
 * evicted events and everything in store_free(). Pointers returned by the
 * getters are borrowed.
 * Thread safety: none; one thread (the UI thread) owns a store.
 */
#ifndef SOCTERM_STORE_H
#define SOCTERM_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct event;
struct store;

/* Returns true if ev should be shown. */
typedef bool (*store_pred)(void *ctx, const struct event *ev);

struct store_counts {
	uint64_t total;       /* events accepted since start */
	uint64_t held;        /* events in memory now */
	uint64_t shown;
	uint64_t evicted;
	uint64_t unparsed;    /* unparsed records accepted since start */
	uint64_t duplicates;  /* dropped as exact duplicates */
	uint64_t marked;
};

struct store *store_new(size_t capacity);
void store_free(struct store *st);
void store_set_capacity(struct store *st, size_t capacity);

/* Adds ev (ownership passes to the store). Returns false if it was a
 * duplicate (then it has been freed already). */
bool store_add(struct store *st, struct event *ev);

size_t store_len(const struct store *st);
struct event *store_get(const struct store *st, size_t i);
/* First position whose key is >= (time_ns, seq). */
size_t store_lower_bound(const struct store *st, int64_t time_ns, uint64_t seq);
struct event *store_by_id(const struct store *st, const uint8_t id[16]);

/* The shown view. A NULL predicate shows everything. Setting a predicate
 * re-evaluates every held event. */
void store_set_predicate(struct store *st, store_pred fn, void *ctx);
/* Re-evaluates the predicate (e.g. after marks changed and the filter uses
 * is:marked, or for since: filters as time passes). */
void store_refilter(struct store *st);
size_t store_shown_len(const struct store *st);
struct event *store_shown_get(const struct store *st, size_t i);
size_t store_shown_lower_bound(const struct store *st, int64_t time_ns, uint64_t seq);

/* Marks: mark state lives in ev->state; the store keeps the count and pins
 * marked events against eviction. */
void store_mark(struct store *st, struct event *ev, bool on);
void store_unmark_all(struct store *st);

void store_counts(const struct store *st, struct store_counts *out);

/* Called for every event about to be evicted or freed (e.g. to drop UI
 * references). Optional. */
typedef void (*store_evict_cb)(void *ctx, struct event *ev);
void store_on_evict(struct store *st, store_evict_cb cb, void *ctx);

#endif
