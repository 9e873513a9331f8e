/* natsbare.c — the benchmark baseline: the least a NATS + jansson consumer
 * of Falco events can do. It subscribes, parses each message with jansson,
 * pulls out rule, priority, time and output_fields, frees the tree and
 * counts. No storage, no UI. Prints the same result line as
 * `socterm --count` so bench.sh can compare them:
 *   events=N elapsed_ms=N rate=N
 *
 * usage: natsbare URL SUBJECT   (exits 2 s after the last message) */
#include <jansson.h>
#include <nats/nats.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static _Atomic long long count, first_ns, last_ns;
static _Atomic long long sink;

static long long mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void on_msg(natsConnection *nc, natsSubscription *sub, natsMsg *m, void *arg)
{
	(void)nc;
	(void)sub;
	(void)arg;
	json_t *root = json_loadb(natsMsg_GetData(m), (size_t)natsMsg_GetDataLength(m), 0, NULL);
	if (root) {
		const char *rule = json_string_value(json_object_get(root, "rule"));
		const char *prio = json_string_value(json_object_get(root, "priority"));
		const char *t = json_string_value(json_object_get(root, "time"));
		json_t *of = json_object_get(root, "output_fields");
		sink += (rule ? (long long)strlen(rule) : 0) + (prio ? prio[0] : 0) + (t ? t[0] : 0) +
			(long long)json_object_size(of);
		json_decref(root);
	}
	natsMsg_Destroy(m);
	long long now = mono();
	long long zero = 0;
	atomic_compare_exchange_strong(&first_ns, &zero, now);
	last_ns = now;
	count++;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: natsbare URL SUBJECT\n");
		return 64;
	}
	json_object_seed(0);
	natsConnection *nc = NULL;
	natsSubscription *sub = NULL;
	if (natsConnection_ConnectTo(&nc, argv[1]) != NATS_OK ||
	    natsConnection_Subscribe(&sub, nc, argv[2], on_msg, NULL) != NATS_OK) {
		fprintf(stderr, "natsbare: cannot subscribe\n");
		return 69;
	}
	natsSubscription_SetPendingLimits(sub, -1, -1);
	natsConnection_Flush(nc);
	printf("ready\n");
	fflush(stdout);
	for (;;) {
		usleep(100000);
		if (first_ns && mono() - last_ns > 2000000000LL)
			break;
	}
	double secs = (double)(last_ns - first_ns) / 1e9;
	printf("events=%lld elapsed_ms=%.0f rate=%.0f\n", (long long)count, secs * 1000,
	       secs > 0 ? (double)count / secs : 0.0);
	natsSubscription_Destroy(sub);
	natsConnection_Destroy(nc);
	nats_Close();
	return 0;
}
