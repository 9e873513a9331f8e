/*
 * spool.h — where the original bytes of every held event live.
 *
 * Export and the raw view need each event's bytes exactly as they arrived,
 * but keeping ~1 KB per event in memory would blow the memory budget. The
 * spool appends them to unlinked temporary segment files (O_TMPFILE, 0600,
 * gone when the process exits) and reads them back on demand. A segment is
 * deleted once no held event refers to it. If the disk refuses a write (full,
 * read-only), the bytes are kept in memory instead and spool_stats() counts
 * the failure: nothing is lost.
 *
 * Ownership: spool_put() returns a reference owned by the caller (normally
 * stored in an event) and released with spool_release().
 * Thread safety: all functions may be called from any thread.
 */
#ifndef SOCTERM_SPOOL_H
#define SOCTERM_SPOOL_H

#include <stddef.h>
#include <stdint.h>

struct sbuf;

struct spool_ref {
	uint32_t seg;   /* segment id, 0 = empty reference */
	uint32_t off;
	uint32_t len;
};

struct spool_stats {
	uint64_t segments;     /* live segments */
	uint64_t disk_bytes;   /* bytes in live file segments */
	uint64_t mem_bytes;    /* bytes kept in memory (write failures, or no dir) */
	uint64_t write_errors;
	char last_error[128];
};

/* Sets the directory for segment files (NULL: $TMPDIR, else /tmp). Optional:
 * without it the first put uses the default. Returns 0, or -1 if the
 * directory cannot hold temporary files (the spool then uses memory). */
int spool_init(const char *dir);
/* Keeps everything in memory (tests, or --spool=memory). */
void spool_use_memory(void);
struct spool_ref spool_put(const void *p, size_t n);
/* Appends the bytes of r to b. Returns 0, or -1 on a read error. */
int spool_get(struct spool_ref r, struct sbuf *b);
void spool_release(struct spool_ref r);
void spool_stats(struct spool_stats *out);
/* Frees everything (tests and clean shutdown). */
void spool_shutdown(void);

#endif
