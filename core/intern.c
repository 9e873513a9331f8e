/* intern.c — see intern.h.
 *
 * Layout: entries live in fixed chunks of 64Ki that never move, so reading an
 * id is two loads and needs no lock. The hash index (bucket heads chained
 * through entry.next) and the free list are only touched under `lock`.
 * Reference counts are atomic; the last unref takes the lock and re-checks
 * the count, since a concurrent intern_put may have revived the string. */
#include "core/intern.h"
#include "core/util.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#define CHUNK_BITS 16
#define CHUNK_SIZE (1u << CHUNK_BITS)
#define NCHUNKS ((ISTR_MAX >> CHUNK_BITS) + 1)

struct ientry {
	char *s;            /* NULL when the slot is free */
	uint32_t len;
	uint32_t hash;
	_Atomic uint32_t refs;
	uint32_t next;      /* bucket chain, or free list when s == NULL */
};

static struct ientry *_Atomic chunks[NCHUNKS];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static uint32_t *buckets;
static uint32_t nbuckets;   /* power of two */
static uint32_t nlive;
static uint32_t nextid = 1; /* next never-used id */
static uint32_t freelist;   /* head of recycled ids */
static size_t livebytes;

static struct ientry *entry(istr id)
{
	struct ientry *c = atomic_load_explicit(&chunks[id >> CHUNK_BITS], memory_order_acquire);
	return &c[id & (CHUNK_SIZE - 1)];
}

static uint32_t hash_bytes(const char *s, size_t n)
{
	return (uint32_t)XXH3_64bits(s, n);
}

static void rehash(void)
{
	uint32_t nb = nbuckets ? nbuckets * 2 : 1024;
	uint32_t *nbk = xcalloc(nb, sizeof(*nbk));
	for (uint32_t b = 0; b < nbuckets; b++) {
		uint32_t id = buckets[b];
		while (id) {
			struct ientry *e = entry(id);
			uint32_t next = e->next;
			uint32_t h = e->hash & (nb - 1);
			e->next = nbk[h];
			nbk[h] = id;
			id = next;
		}
	}
	free(buckets);
	buckets = nbk;
	nbuckets = nb;
}

/* Caller holds lock. */
static istr lookup(const char *s, size_t n, uint32_t h)
{
	if (!nbuckets)
		return 0;
	for (uint32_t id = buckets[h & (nbuckets - 1)]; id; id = entry(id)->next) {
		struct ientry *e = entry(id);
		if (e->hash == h && e->len == n && memcmp(e->s, s, n) == 0)
			return id;
	}
	return 0;
}

/* Caller holds lock. */
static istr alloc_id(void)
{
	if (freelist) {
		istr id = freelist;
		freelist = entry(id)->next;
		return id;
	}
	if (nextid > ISTR_MAX) {
		/* 268M distinct live strings: the process cannot go on sensibly. */
		die(70, "string table full");
	}
	istr id = nextid++;
	uint32_t c = id >> CHUNK_BITS;
	if (!atomic_load_explicit(&chunks[c], memory_order_relaxed))
		atomic_store_explicit(&chunks[c], xcalloc(CHUNK_SIZE, sizeof(struct ientry)),
				      memory_order_release);
	return id;
}

istr intern_put(const char *s, size_t n)
{
	if (n > UINT32_MAX - 1)
		n = UINT32_MAX - 1;
	uint32_t h = hash_bytes(s, n);
	pthread_mutex_lock(&lock);
	istr id = lookup(s, n, h);
	if (id) {
		atomic_fetch_add_explicit(&entry(id)->refs, 1, memory_order_relaxed);
		pthread_mutex_unlock(&lock);
		return id;
	}
	if (nlive >= nbuckets)
		rehash();
	id = alloc_id();
	struct ientry *e = entry(id);
	char *copy = xmalloc(n + 1);
	memcpy(copy, s, n);
	copy[n] = '\0';
	e->s = copy;
	e->len = (uint32_t)n;
	e->hash = h;
	atomic_store_explicit(&e->refs, 1, memory_order_relaxed);
	e->next = buckets[h & (nbuckets - 1)];
	buckets[h & (nbuckets - 1)] = id;
	nlive++;
	livebytes += n;
	pthread_mutex_unlock(&lock);
	return id;
}

istr intern_cstr(const char *s)
{
	return intern_put(s, strlen(s));
}

istr intern_find(const char *s, size_t n)
{
	uint32_t h = hash_bytes(s, n);
	pthread_mutex_lock(&lock);
	istr id = lookup(s, n, h);
	pthread_mutex_unlock(&lock);
	return id;
}

void intern_ref(istr id)
{
	if (id)
		atomic_fetch_add_explicit(&entry(id)->refs, 1, memory_order_relaxed);
}

/* Caller holds lock; unlinks id from its bucket and frees it if still dead. */
static void release(istr id)
{
	struct ientry *e = entry(id);
	if (atomic_load_explicit(&e->refs, memory_order_relaxed) != 0 || !e->s)
		return;
	uint32_t *link = &buckets[e->hash & (nbuckets - 1)];
	while (*link != id)
		link = &entry(*link)->next;
	*link = e->next;
	livebytes -= e->len;
	nlive--;
	free(e->s);
	e->s = NULL;
	e->next = freelist;
	freelist = id;
}

void intern_unref(istr id)
{
	if (!id)
		return;
	if (atomic_fetch_sub_explicit(&entry(id)->refs, 1, memory_order_acq_rel) != 1)
		return;
	pthread_mutex_lock(&lock);
	release(id);
	pthread_mutex_unlock(&lock);
}

const char *intern_str(istr id, size_t *len)
{
	if (!id) {
		if (len)
			*len = 0;
		return "";
	}
	struct ientry *e = entry(id);
	if (len)
		*len = e->len;
	return e->s;
}

void intern_stats(size_t *count, size_t *bytes)
{
	pthread_mutex_lock(&lock);
	if (count)
		*count = nlive;
	if (bytes)
		*bytes = livebytes;
	pthread_mutex_unlock(&lock);
}
