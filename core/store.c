/* store.c — see store.h.
 *
 * Two sorted pointer arrays (all held events, and the shown subset) plus an
 * open-addressing id index. Events almost always arrive in time order, so
 * inserting is an append; a late event (a redelivery, a slow host) costs a
 * memmove of the events after it. Eviction removes from the front in O(1).
 * Unmarking never evicts at once (the caller may still hold the event). */
#include "core/store.h"
#include "core/event.h"
#include "core/util.h"

#include <stdlib.h>
#include <string.h>

/* A sorted array with a movable front, so evicting the oldest event is O(1). */
struct vec {
	struct event **buf;
	size_t off, len, cap;
};

#define AT(vec, i) ((vec)->buf[(vec)->off + (i)])

struct store {
	struct vec all, shown;
	struct event **idx;   /* id index, open addressing, NULL = empty */
	size_t idxcap;        /* power of two */
	size_t capacity;
	store_pred pred;
	void *pred_ctx;
	store_evict_cb on_evict;
	void *evict_ctx;
	struct store_counts c;
};

/* ---- sorted vectors ---------------------------------------------------------- */

static int key_cmp(const struct event *e, int64_t t, uint64_t seq)
{
	if (e->time_ns != t)
		return e->time_ns < t ? -1 : 1;
	return e->seq < seq ? -1 : e->seq > seq;
}

static size_t vec_lower_bound(const struct vec *v, int64_t t, uint64_t seq)
{
	/* Fast path: most lookups and inserts are at the end. */
	if (!v->len || key_cmp(AT(v, v->len - 1), t, seq) < 0)
		return v->len;
	size_t lo = 0, hi = v->len;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (key_cmp(AT(v, mid), t, seq) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Makes room for one more element at the end. */
static void vec_reserve1(struct vec *v)
{
	if (v->off + v->len < v->cap)
		return;
	if (v->off && v->off >= v->cap / 4) {
		memmove(v->buf, v->buf + v->off, v->len * sizeof(*v->buf));
		v->off = 0;
		return;
	}
	v->buf = xgrow(v->buf, &v->cap, v->off + v->len + 1, sizeof(*v->buf));
}

static void vec_insert(struct vec *v, struct event *ev)
{
	size_t at = vec_lower_bound(v, ev->time_ns, ev->seq);
	vec_reserve1(v);
	struct event **p = &AT(v, 0);
	memmove(p + at + 1, p + at, (v->len - at) * sizeof(*p));
	p[at] = ev;
	v->len++;
}

/* Removes element `at`, moving whichever side is shorter. */
static void vec_remove_at(struct vec *v, size_t at)
{
	struct event **p = &AT(v, 0);
	if (at < v->len / 2) {
		memmove(p + 1, p, at * sizeof(*p));
		v->off++;
	} else {
		memmove(p + at, p + at + 1, (v->len - at - 1) * sizeof(*p));
	}
	if (--v->len == 0)
		v->off = 0;
}

static void vec_remove(struct vec *v, const struct event *ev)
{
	size_t at = vec_lower_bound(v, ev->time_ns, ev->seq);
	if (at < v->len && AT(v, at) == ev)
		vec_remove_at(v, at);
}

static void vec_clear(struct vec *v)
{
	v->off = v->len = 0;
}

static void vec_push(struct vec *v, struct event *ev)
{
	vec_reserve1(v);
	AT(v, v->len) = ev;
	v->len++;
}

/* ---- id index -------------------------------------------------------------------- */

static size_t id_hash(const uint8_t id[16])
{
	uint64_t h;
	memcpy(&h, id, sizeof(h));
	return (size_t)(h ^ (h >> 29));
}

static size_t idx_find_slot(const struct store *st, const uint8_t id[16])
{
	size_t mask = st->idxcap - 1;
	size_t i = id_hash(id) & mask;
	while (st->idx[i] && memcmp(st->idx[i]->id, id, 16) != 0)
		i = (i + 1) & mask;
	return i;
}

static void idx_grow(struct store *st)
{
	struct event **old = st->idx;
	size_t oldcap = st->idxcap;
	st->idxcap = oldcap ? oldcap * 2 : 1024;
	st->idx = xcalloc(st->idxcap, sizeof(*st->idx));
	for (size_t i = 0; i < oldcap; i++)
		if (old[i])
			st->idx[idx_find_slot(st, old[i]->id)] = old[i];
	free(old);
}

static void idx_remove(struct store *st, const struct event *ev)
{
	size_t mask = st->idxcap - 1;
	size_t i = idx_find_slot(st, ev->id);
	if (st->idx[i] != ev)
		return;
	st->idx[i] = NULL;
	/* Backward-shift deletion keeps probe chains intact without tombstones. */
	for (size_t j = (i + 1) & mask; st->idx[j]; j = (j + 1) & mask) {
		size_t home = id_hash(st->idx[j]->id) & mask;
		bool movable = (j > i) ? (home <= i || home > j) : (home <= i && home > j);
		if (movable) {
			st->idx[i] = st->idx[j];
			st->idx[j] = NULL;
			i = j;
		}
	}
}

/* ---- store ------------------------------------------------------------------------ */

struct store *store_new(size_t capacity)
{
	struct store *st = xcalloc(1, sizeof(*st));
	st->capacity = capacity ? capacity : 1;
	idx_grow(st);
	return st;
}

static void drop(struct store *st, struct event *ev)
{
	if (st->on_evict)
		st->on_evict(st->evict_ctx, ev);
	idx_remove(st, ev);
	event_free(ev);
}

void store_free(struct store *st)
{
	if (!st)
		return;
	for (size_t i = 0; i < st->all.len; i++) {
		if (st->on_evict)
			st->on_evict(st->evict_ctx, AT(&st->all, i));
		event_free(AT(&st->all, i));
	}
	free(st->all.buf);
	free(st->shown.buf);
	free(st->idx);
	free(st);
}

/* Evicts the oldest unmarked events until within capacity. */
static void evict(struct store *st)
{
	size_t i = 0;
	while (st->all.len > st->capacity) {
		while (i < st->all.len && (AT(&st->all, i)->state & ES_MARKED))
			i++;
		if (i >= st->all.len)
			return; /* everything left is marked: marks are never evicted */
		struct event *ev = AT(&st->all, i);
		vec_remove_at(&st->all, i);
		vec_remove(&st->shown, ev);
		st->c.evicted++;
		drop(st, ev);
	}
}

void store_set_capacity(struct store *st, size_t capacity)
{
	st->capacity = capacity ? capacity : 1;
	evict(st);
}

bool store_add(struct store *st, struct event *ev)
{
	size_t slot = idx_find_slot(st, ev->id);
	if (st->idx[slot]) {
		st->c.duplicates++;
		event_free(ev);
		return false;
	}
	if ((st->c.held + 1) * 2 > st->idxcap) {
		idx_grow(st);
		slot = idx_find_slot(st, ev->id);
	}
	st->idx[slot] = ev;
	vec_insert(&st->all, ev);
	st->c.total++;
	if (ev->flags & EV_UNPARSED)
		st->c.unparsed++;
	if (!st->pred || st->pred(st->pred_ctx, ev))
		vec_insert(&st->shown, ev);
	st->c.held = st->all.len;
	evict(st);
	st->c.held = st->all.len;
	return true;
}

size_t store_len(const struct store *st)
{
	return st->all.len;
}

struct event *store_get(const struct store *st, size_t i)
{
	return i < st->all.len ? AT(&st->all, i) : NULL;
}

size_t store_lower_bound(const struct store *st, int64_t time_ns, uint64_t seq)
{
	return vec_lower_bound(&st->all, time_ns, seq);
}

struct event *store_by_id(const struct store *st, const uint8_t id[16])
{
	return st->idx[idx_find_slot(st, id)];
}

void store_refilter(struct store *st)
{
	vec_clear(&st->shown);
	for (size_t i = 0; i < st->all.len; i++) {
		/* Events are scattered on the heap: fetch ahead, a predicate over a
		 * million of them is otherwise bound by memory latency. */
		if (i + 16 < st->all.len)
			__builtin_prefetch(AT(&st->all, i + 16));
		struct event *ev = AT(&st->all, i);
		if (!st->pred || st->pred(st->pred_ctx, ev))
			vec_push(&st->shown, ev);
	}
}

void store_set_predicate(struct store *st, store_pred fn, void *ctx)
{
	st->pred = fn;
	st->pred_ctx = ctx;
	store_refilter(st);
}

size_t store_shown_len(const struct store *st)
{
	return st->shown.len;
}

struct event *store_shown_get(const struct store *st, size_t i)
{
	return i < st->shown.len ? AT(&st->shown, i) : NULL;
}

size_t store_shown_lower_bound(const struct store *st, int64_t time_ns, uint64_t seq)
{
	return vec_lower_bound(&st->shown, time_ns, seq);
}

void store_mark(struct store *st, struct event *ev, bool on)
{
	bool was = ev->state & ES_MARKED;
	if (on == was)
		return;
	if (on) {
		ev->state |= ES_MARKED;
		st->c.marked++;
	} else {
		/* Not evicted now even if over capacity: the caller still
		 * holds it. The next store_add() catches up. */
		ev->state &= (uint8_t)~ES_MARKED;
		st->c.marked--;
	}
}

void store_unmark_all(struct store *st)
{
	for (size_t i = 0; i < st->all.len; i++)
		AT(&st->all, i)->state &= (uint8_t)~ES_MARKED;
	st->c.marked = 0;
}

void store_counts(const struct store *st, struct store_counts *out)
{
	*out = st->c;
	out->held = st->all.len;
	out->shown = st->shown.len;
}

void store_on_evict(struct store *st, store_evict_cb cb, void *ctx)
{
	st->on_evict = cb;
	st->evict_ctx = ctx;
}
