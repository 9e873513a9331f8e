/*
 * natscount — a tiny NATS subscriber for tests: counts the messages on a
 * subject until the stream goes idle, then prints the count and every
 * distinct subject it saw.
 *
 *   natscount --url nats://127.0.0.1:4222 [--subject 'falco.>'] [--idle 1s]
 *             [--timeout 30s] [--expect N] [--ready FILE] [--dump FILE]
 *   natscount --url URL --stream-info NAME     (prints the JetStream stream's message count)
 *
 * It stops at --expect messages, after --idle without a message once some
 * arrived, or at --timeout.
 *
 * Output (stdout): "count=N subjects=K dropped=D", then one "N<TAB>subject"
 * line per subject, sorted by subject. With --dump every payload is written
 * to FILE followed by a newline, in arrival order.
 *
 * The message callback runs on the library's delivery thread; the main
 * thread only reads the counters under the same mutex.
 */
#include "core/util.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <nats/nats.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROG "natscount"

struct subj {
	char *name;
	uint64_t n;
};

struct counter {
	pthread_mutex_t mu;
	uint64_t count;
	int64_t last_ns;
	struct subj *subj;
	size_t nsubj, cap;
	FILE *dump;
};

__attribute__((format(printf, 1, 2), noreturn))
static void fatal(const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, PROG ": ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static void on_msg(natsConnection *nc, natsSubscription *sub, natsMsg *msg, void *cl)
{
	struct counter *c = cl;
	const char *s = natsMsg_GetSubject(msg);
	(void)nc, (void)sub;
	pthread_mutex_lock(&c->mu);
	c->count++;
	c->last_ns = mono_ns();
	size_t i;
	for (i = 0; i < c->nsubj; i++)
		if (strcmp(c->subj[i].name, s) == 0)
			break;
	if (i == c->nsubj) {
		c->subj = xgrow(c->subj, &c->cap, c->nsubj + 1, sizeof(*c->subj));
		c->subj[c->nsubj++] = (struct subj){ xstrdup(s), 0 };
	}
	c->subj[i].n++;
	if (c->dump) {
		fwrite(natsMsg_GetData(msg), 1, (size_t)natsMsg_GetDataLength(msg), c->dump);
		fputc('\n', c->dump);
	}
	pthread_mutex_unlock(&c->mu);
	natsMsg_Destroy(msg);
}

static int cmp_subj(const void *a, const void *b)
{
	return strcmp(((const struct subj *)a)->name, ((const struct subj *)b)->name);
}

static int64_t dur(const char *opt, const char *s)
{
	int64_t ns;
	if (parse_duration(s, &ns) != 0)
		fatal("%s: bad duration %s", opt, s);
	return ns;
}

static int stream_info(natsConnection *nc, const char *name)
{
	jsCtx *js = NULL;
	jsStreamInfo *si = NULL;
	jsErrCode jerr = 0;
	if (natsConnection_JetStream(&js, nc, NULL) != NATS_OK)
		fatal("no JetStream context");
	natsStatus st = js_GetStreamInfo(&si, js, name, NULL, &jerr);
	if (st != NATS_OK)
		fatal("stream %s: %s (%d)", name, natsStatus_GetText(st), (int)jerr);
	printf("stream_msgs=%" PRIu64 " stream_bytes=%" PRIu64 "\n", si->State.Msgs, si->State.Bytes);
	jsStreamInfo_Destroy(si);
	jsCtx_Destroy(js);
	return 0;
}

int main(int argc, char **argv)
{
	enum { O_URL = 256, O_SUBJECT, O_IDLE, O_TIMEOUT, O_EXPECT, O_READY, O_DUMP, O_STREAM_INFO };
	static const struct option lo[] = {
		{ "url", required_argument, NULL, O_URL }, { "subject", required_argument, NULL, O_SUBJECT },
		{ "idle", required_argument, NULL, O_IDLE }, { "timeout", required_argument, NULL, O_TIMEOUT },
		{ "expect", required_argument, NULL, O_EXPECT }, { "ready", required_argument, NULL, O_READY },
		{ "dump", required_argument, NULL, O_DUMP }, { "stream-info", required_argument, NULL, O_STREAM_INFO },
		{ NULL, 0, NULL, 0 },
	};
	const char *url = NULL, *subject = "falco.>", *ready = NULL, *dump = NULL, *stream = NULL;
	int64_t idle = 2000000000LL, timeout = 60000000000LL;
	uint64_t expect = 0;
	int c;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case O_URL: url = optarg; break;
		case O_SUBJECT: subject = optarg; break;
		case O_IDLE: idle = dur("--idle", optarg); break;
		case O_TIMEOUT: timeout = dur("--timeout", optarg); break;
		case O_EXPECT: expect = strtoull(optarg, NULL, 10); break;
		case O_READY: ready = optarg; break;
		case O_DUMP: dump = optarg; break;
		case O_STREAM_INFO: stream = optarg; break;
		default:
			fprintf(stderr, "usage: " PROG " --url URL [--subject S] [--idle DUR] [--timeout DUR] "
					"[--expect N] [--ready FILE] [--dump FILE] | --stream-info NAME\n");
			return 2;
		}
	}
	if (!url)
		fatal("--url is required");

	natsConnection *nc = NULL;
	natsStatus st = natsConnection_ConnectTo(&nc, url);
	if (st != NATS_OK)
		fatal("connect %s: %s", url, natsStatus_GetText(st));
	if (stream) {
		int rc = stream_info(nc, stream);
		natsConnection_Destroy(nc);
		nats_Close();
		return rc;
	}

	struct counter cnt;
	memset(&cnt, 0, sizeof(cnt));
	pthread_mutex_init(&cnt.mu, NULL);
	if (dump && !(cnt.dump = fopen(dump, "w")))
		fatal("%s: %s", dump, strerror(errno));

	natsSubscription *sub = NULL;
	if ((st = natsConnection_Subscribe(&sub, nc, subject, on_msg, &cnt)) != NATS_OK)
		fatal("subscribe %s: %s", subject, natsStatus_GetText(st));
	/* never drop: a test that counts must see every message */
	natsSubscription_SetPendingLimits(sub, -1, -1);
	if ((st = natsConnection_Flush(nc)) != NATS_OK)
		fatal("flush: %s", natsStatus_GetText(st));
	if (ready) {
		FILE *f = fopen(ready, "w");
		if (!f)
			fatal("%s: %s", ready, strerror(errno));
		fputs("ready\n", f);
		fclose(f);
	}

	int64_t start = mono_ns();
	for (;;) {
		nats_Sleep(10);
		pthread_mutex_lock(&cnt.mu);
		uint64_t n = cnt.count;
		int64_t last = cnt.last_ns;
		pthread_mutex_unlock(&cnt.mu);
		int64_t now = mono_ns();
		/* idle counts from the last message; before the first one only
		 * the overall timeout applies */
		if ((expect && n >= expect) || (n && now - last >= idle) || now - start >= timeout)
			break;
	}

	natsSubscription_Unsubscribe(sub);
	int64_t dropped = 0;
	natsSubscription_GetDropped(sub, &dropped);
	natsSubscription_Destroy(sub);
	natsConnection_Destroy(nc);
	nats_CloseAndWait(2000);

	qsort(cnt.subj, cnt.nsubj, sizeof(*cnt.subj), cmp_subj);
	printf("count=%" PRIu64 " subjects=%zu dropped=%" PRId64 "\n", cnt.count, cnt.nsubj, dropped);
	for (size_t i = 0; i < cnt.nsubj; i++) {
		printf("%" PRIu64 "\t%s\n", cnt.subj[i].n, cnt.subj[i].name);
		free(cnt.subj[i].name);
	}
	free(cnt.subj);
	if (cnt.dump)
		fclose(cnt.dump);
	pthread_mutex_destroy(&cnt.mu);
	return 0;
}
