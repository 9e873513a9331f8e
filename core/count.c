/* count.c — see count.h. */
#include "core/count.h"
#include "core/event.h"
#include "core/evq.h"
#include "core/intern.h"
#include "core/sig.h"
#include "core/source.h"
#include "core/store.h"
#include "core/util.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define IDLE_NS (2 * 1000000000LL)

/* VmRSS and VmHWM of this process in KiB. */
static void mem_kb(long *rss, long *hwm)
{
	*rss = *hwm = 0;
	FILE *f = fopen("/proc/self/status", "r");
	if (!f)
		return;
	char line[256];
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "VmRSS:", 6) == 0)
			*rss = atol(line + 6);
		else if (strncmp(line, "VmHWM:", 6) == 0)
			*hwm = atol(line + 6);
	}
	fclose(f);
}

int count_run(struct source *src, struct evq *q, size_t capacity)
{
	struct store *st = store_new(capacity);
	int sfd = sig_open();
	long rss0, hwm0;
	mem_kb(&rss0, &hwm0);
	int64_t first = 0, last = 0;
	struct event *batch[4096];
	fprintf(stderr, "ready\n"); /* the source is started: benchmarks may publish */
	bool gather = false, connected = false;
	for (;;) {
		/* After taking events, let the next ones gather for 5 ms: one
		 * wake-up per batch rather than a context switch per event. */
		struct pollfd p[2] = { { gather ? -1 : evq_fd(q), POLLIN, 0 }, { sfd, POLLIN, 0 } };
		poll(p, 2, gather ? 5 : 200);
		if ((p[1].revents & POLLIN) && sig_next(sfd))
			break;
		evq_clear(q);
		size_t n;
		gather = false;
		while ((n = evq_pop(q, batch, ARRAY_LEN(batch))) > 0) {
			gather = true;
			int64_t now = mono_ns();
			if (!first)
				first = now;
			last = now;
			for (size_t i = 0; i < n; i++) {
				source_consumed(src, batch[i]);
				store_add(st, batch[i]);
			}
		}
		struct source_stats ss;
		source_stats(src, &ss);
		if (!connected && (ss.state == CONN_CONNECTED || ss.state == CONN_READING)) {
			/* JetStream: the durable is bound, so "new events only"
			 * starts here; a script may publish from now on. */
			connected = true;
			fprintf(stderr, "connected\n");
		}
		if (ss.state == CONN_EOF && evq_len(q) == 0)
			break;
		if (first && mono_ns() - last > IDLE_NS)
			break;
	}
	struct store_counts c;
	store_counts(st, &c);
	struct source_stats ss;
	source_stats(src, &ss);
	long rss, hwm;
	mem_kb(&rss, &hwm);
	double secs = first ? (double)(last - first) / 1e9 : 0;
	printf("events=%llu unparsed=%llu duplicates=%llu dropped=%llu held=%llu elapsed_ms=%.0f "
	       "rate=%.0f rss_kb=%ld hwm_kb=%ld bytes_per_event=%.0f\n",
	       (unsigned long long)c.total, (unsigned long long)c.unparsed,
	       (unsigned long long)c.duplicates, (unsigned long long)ss.dropped,
	       (unsigned long long)c.held, secs * 1000, secs > 0 ? (double)c.total / secs : 0.0,
	       rss, hwm, c.held ? (double)(rss - rss0) * 1024.0 / (double)c.held : 0.0);
	fflush(stdout);
	close(sfd);
	store_free(st);
	return 0;
}
