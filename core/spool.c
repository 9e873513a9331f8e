/* spool.c — see spool.h.
 *
 * Segments are appended through a 256 KiB write buffer (one write() per
 * buffer, not per event); reading bytes still buffered flushes them first.
 * Each segment counts the references handed out; a full segment whose
 * count drops to zero is closed, which frees its disk space since the file
 * was never linked. One lock guards the table; pread()
 * is done under it too (reads are small and come from the page cache). */
#include "core/spool.h"
#include "core/util.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SEG_SIZE (64u << 20)
#define WBUF_SIZE (256u << 10)

struct seg {
	int fd;              /* -1 for a memory segment */
	char *mem;           /* memory segment bytes */
	uint32_t size;       /* bytes appended */
	uint32_t flushed;    /* bytes on disk (file segments) */
	uint32_t cap;        /* capacity */
	uint64_t refs;
	bool sealed;         /* no more appends */
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct seg **segs;     /* indexed by id - base */
static size_t nsegs, segcap;
static uint32_t base = 1;     /* id of segs[0] */
static uint32_t cur;          /* current append segment id, 0 = none */
static char *dir;
static bool memory_only;
static char wbuf[WBUF_SIZE];
static uint32_t wbuf_len;     /* bytes of cur not yet written */
static struct spool_stats st;

static struct seg *seg_get(uint32_t id)
{
	if (id < base || id - base >= nsegs)
		return NULL;
	return segs[id - base];
}

static void note_error(const char *what, int err)
{
	st.write_errors++;
	snprintf(st.last_error, sizeof(st.last_error), "%s: %s", what, strerror(err));
}

int spool_init(const char *d)
{
	pthread_mutex_lock(&lock);
	free(dir);
	const char *tmp = getenv("TMPDIR");
	dir = xstrdup(d ? d : (tmp && *tmp ? tmp : "/tmp"));
	memory_only = false;
	int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	int rc = 0;
	if (fd < 0) {
		note_error(dir, errno);
		rc = -1;
	} else {
		close(fd);
	}
	pthread_mutex_unlock(&lock);
	return rc;
}

void spool_use_memory(void)
{
	pthread_mutex_lock(&lock);
	memory_only = true;
	pthread_mutex_unlock(&lock);
}

/* Turns a file segment into a memory one after a write error, keeping what
 * reached the disk and (for the current segment) what was still buffered. */
static void seg_to_memory(struct seg *s, bool with_wbuf)
{
	s->mem = xmalloc(s->cap);
	if (s->flushed && pread(s->fd, s->mem, s->flushed, 0) != (ssize_t)s->flushed)
		memset(s->mem, '?', s->flushed);
	if (with_wbuf) {
		memcpy(s->mem + s->flushed, wbuf, wbuf_len);
		wbuf_len = 0;
	}
	close(s->fd);
	s->fd = -1;
	st.disk_bytes -= s->size;
	st.mem_bytes += s->cap;
}

/* Caller holds lock. Writes the buffered bytes of the current segment. */
static void flush_locked(void)
{
	struct seg *s = seg_get(cur);
	if (!s || s->fd < 0 || !wbuf_len)
		return;
	ssize_t w = pwrite(s->fd, wbuf, wbuf_len, s->flushed);
	if (w != (ssize_t)wbuf_len) {
		note_error("spool write", w < 0 ? errno : ENOSPC);
		seg_to_memory(s, true);
		return;
	}
	s->flushed += wbuf_len;
	wbuf_len = 0;
}

static void seg_close(uint32_t id)
{
	struct seg *s = seg_get(id);
	if (s->fd >= 0) {
		close(s->fd);
		st.disk_bytes -= s->size;
	} else {
		st.mem_bytes -= s->cap;
	}
	free(s->mem);
	free(s);
	segs[id - base] = NULL;
	st.segments--;
	/* Trim freed slots at the front so the table does not grow forever. */
	size_t k = 0;
	while (k < nsegs && !segs[k])
		k++;
	if (k) {
		memmove(segs, segs + k, (nsegs - k) * sizeof(*segs));
		nsegs -= k;
		base += (uint32_t)k;
	}
}

/* Caller holds lock. Starts a new segment able to hold n bytes. */
static struct seg *seg_new(size_t n)
{
	if (cur) {
		flush_locked();
		struct seg *old = seg_get(cur);
		old->sealed = true;
		if (!old->refs)
			seg_close(cur);
	}
	struct seg *s = xcalloc(1, sizeof(*s));
	s->cap = (uint32_t)MAX(n, SEG_SIZE);
	s->fd = -1;
	if (!memory_only) {
		if (!dir)
			dir = xstrdup(getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
		s->fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
		if (s->fd < 0)
			note_error(dir, errno);
	}
	if (s->fd < 0) {
		s->mem = xmalloc(s->cap);
		st.mem_bytes += s->cap;
	}
	segs = xgrow(segs, &segcap, nsegs + 1, sizeof(*segs));
	segs[nsegs++] = s;
	cur = base + (uint32_t)nsegs - 1;
	st.segments++;
	return s;
}

struct spool_ref spool_put(const void *p, size_t n)
{
	struct spool_ref r = { 0, 0, 0 };
	if (n > UINT32_MAX - 1)
		n = UINT32_MAX - 1;
	pthread_mutex_lock(&lock);
	struct seg *s = seg_get(cur);
	if (!s || (size_t)s->cap - s->size < n)
		s = seg_new(n);
	r.seg = cur;
	r.off = s->size;
	r.len = (uint32_t)n;
	if (s->fd >= 0 && wbuf_len + n > WBUF_SIZE)
		flush_locked();
	if (s->fd >= 0 && n > WBUF_SIZE) {
		ssize_t w = pwrite(s->fd, p, n, s->flushed);
		if (w == (ssize_t)n) {
			s->flushed += (uint32_t)n;
		} else {
			note_error("spool write", w < 0 ? errno : ENOSPC);
			seg_to_memory(s, false);
		}
	} else if (s->fd >= 0) {
		memcpy(wbuf + wbuf_len, p, n);
		wbuf_len += (uint32_t)n;
	}
	if (s->fd >= 0)
		st.disk_bytes += n;
	else
		memcpy(s->mem + s->size, p, n);
	s->size += (uint32_t)n;
	s->refs++;
	pthread_mutex_unlock(&lock);
	return r;
}

int spool_get(struct spool_ref r, struct sbuf *b)
{
	if (!r.seg)
		return 0;
	pthread_mutex_lock(&lock);
	struct seg *s = seg_get(r.seg);
	if (!s) {
		pthread_mutex_unlock(&lock);
		return -1;
	}
	if (s->fd < 0) {
		sbuf_add(b, s->mem + r.off, r.len);
		pthread_mutex_unlock(&lock);
		return 0;
	}
	if (r.seg == cur && r.off + r.len > s->flushed)
		flush_locked();
	if (s->fd < 0) {
		sbuf_add(b, s->mem + r.off, r.len);
		pthread_mutex_unlock(&lock);
		return 0;
	}
	/* Read under the lock: a write error elsewhere may turn this segment
	 * into a memory one and close its fd. Reads are small and cached. */
	size_t start = b->len;
	b->s = xgrow(b->s, &b->cap, b->len + r.len + 1, 1);
	size_t done = 0;
	int rc = 0;
	while (done < r.len) {
		ssize_t got = pread(s->fd, b->s + start + done, r.len - done,
				    (off_t)r.off + (off_t)done);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			rc = -1;
			done = 0;
			break;
		}
		done += (size_t)got;
	}
	b->len = start + done;
	b->s[b->len] = '\0';
	pthread_mutex_unlock(&lock);
	return rc;
}

void spool_release(struct spool_ref r)
{
	if (!r.seg)
		return;
	pthread_mutex_lock(&lock);
	struct seg *s = seg_get(r.seg);
	if (s && s->refs && --s->refs == 0 && r.seg != cur)
		seg_close(r.seg);
	pthread_mutex_unlock(&lock);
}

void spool_stats(struct spool_stats *out)
{
	pthread_mutex_lock(&lock);
	*out = st;
	pthread_mutex_unlock(&lock);
}

void spool_shutdown(void)
{
	pthread_mutex_lock(&lock);
	for (size_t i = 0; i < nsegs; i++) {
		if (!segs[i])
			continue;
		if (segs[i]->fd >= 0)
			close(segs[i]->fd);
		free(segs[i]->mem);
		free(segs[i]);
	}
	free(segs);
	segs = NULL;
	nsegs = segcap = 0;
	base += 1;
	cur = 0;
	wbuf_len = 0;
	free(dir);
	dir = NULL;
	memset(&st, 0, sizeof(st));
	pthread_mutex_unlock(&lock);
}
