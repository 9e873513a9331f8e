/*
 * escalate-cli — drives the escalation outbox and the forwarder without the
 * console, for tests and demos.
 *
 *   escalate-cli --state DIR queue [--each | --batch [--group-window DUR]]
 *                [--name NAME] [--case] [--existing CID] [--severity S]
 *                [--annotate TEXT [--author A]]      < events.jsonl
 *   escalate-cli --state DIR annotate EVENT_ID TEXT [--author A]
 *   escalate-cli --state DIR [PHANTOM OPTIONS] run [--timeout DUR]
 *   escalate-cli --state DIR list
 *   escalate-cli --state DIR retry ESC_ID | cancel ESC_ID
 *   escalate-cli id < events.jsonl                     (prints each event id)
 *
 * Phantom options: --url URL --token-file F | --user U --password-file F,
 * --ca FILE, --insecure, --connect-timeout-ms N, --timeout-ms N,
 * --retry-max N, --backoff-ms BASE[,MAX]. Secrets are read from files,
 * never taken from the command line.
 *
 * queue: one escalation of all lines (default), one per line (--each), or
 * the --forward-only batch path (--batch, grouped by rule|host|container
 * within --group-window). An event id is the falcosidekick "uuid" when the
 * line has one, otherwise 32 hex digits of XXH3-128 of the line.
 * run: starts the forwarder and prints every state change as
 *   change esc=ID state=STATE container=CID attempts=N error=TEXT
 * until nothing is queued (or --timeout), then one line per escalation:
 *   case esc=ID state=STATE container=CID items=SENT/N notes=SENT/N error=TEXT
 * Exit status: 0 all sent, 1 some failed or cancelled, 2 timeout, 3 usage/setup.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "core/cef.h"
#include "core/forwarder.h"
#include "core/phantom.h"
#include "core/statedb.h"
#include "core/util.h"

static char *read_secret(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		die(3, "cannot read %s: %s", path, strerror(errno));
	char buf[4096];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	return xstrdup(buf);
}

struct line {
	char *raw;
	size_t len;
	char id[40];
	json_t *ev;
};

static void event_id(struct line *l)
{
	const char *uuid = json_string_value(json_object_get(l->ev, "uuid"));
	if (uuid && strlen(uuid) < sizeof l->id) {
		snprintf(l->id, sizeof l->id, "%s", uuid);
		return;
	}
	XXH128_hash_t h = XXH3_128bits(l->raw, l->len);
	snprintf(l->id, sizeof l->id, "%016llx%016llx", (unsigned long long)h.high64,
		 (unsigned long long)h.low64);
}

static size_t read_lines(struct line **out)
{
	struct line *v = NULL;
	size_t n = 0, cap = 0;
	char *buf = NULL;
	size_t bcap = 0;
	ssize_t len;
	while ((len = getline(&buf, &bcap, stdin)) > 0) {
		while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
			len--;
		if (len == 0)
			continue;
		v = xgrow(v, &cap, n + 1, sizeof *v);
		struct line *l = &v[n++];
		l->raw = xstrndup(buf, (size_t)len);
		l->len = (size_t)len;
		l->ev = cef_event_load(l->raw, l->len);
		event_id(l);
	}
	free(buf);
	*out = v;
	return n;
}

static void free_lines(struct line *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].raw);
		json_decref(v[i].ev);
	}
	free(v);
}

static char *group_key(json_t *ev)
{
	const char *rule = json_string_value(json_object_get(ev, "rule"));
	const char *host = json_string_value(json_object_get(ev, "hostname"));
	json_t *f = json_object_get(ev, "output_fields");
	const char *cont = json_string_value(json_object_get(f, "container.id"));
	return xasprintf("%s|%s|%s", rule ? rule : "", host ? host : "", cont ? cont : "");
}

struct opts {
	const char *state, *name, *severity, *annotate, *author;
	bool each, batch, as_case;
	long long existing;
	int64_t group_window, timeout;
	struct phantom_conf pc;
	char *token, *password;
};

static int cmd_queue(struct opts *o, struct statedb *db)
{
	struct line *v;
	size_t n = read_lines(&v);
	if (n == 0) {
		fprintf(stderr, "escalate-cli: no events on stdin\n");
		return 3;
	}
	for (size_t i = 0; o->annotate && i < n; i++)
		if (statedb_annotate(db, v[i].id, o->annotate, o->author) < 0)
			die(3, "annotate: %s", statedb_error(db));
	int rc = 0;
	if (o->batch) {
		struct statedb_fwd_in *in = xcalloc(n, sizeof *in);
		char **keys = xcalloc(n, sizeof *keys);
		for (size_t i = 0; i < n; i++) {
			keys[i] = group_key(v[i].ev);
			in[i].item = (struct statedb_item_in){ v[i].id, v[i].raw, v[i].len };
			in[i].name = json_string_value(json_object_get(v[i].ev, "rule"));
			in[i].group_key = keys[i];
		}
		struct statedb_batch_opts bo = { .window_ns = o->group_window,
						 .container_type = o->as_case ? "case" : NULL };
		struct statedb_batch_result r;
		if (statedb_forward_batch(db, in, n, &bo, &r) != 0) {
			fprintf(stderr, "escalate-cli: %s\n", statedb_error(db));
			rc = 3;
		} else {
			printf("batch created=%zu joined=%zu skipped=%zu\n", r.created, r.joined, r.skipped);
		}
		for (size_t i = 0; i < n; i++)
			free(keys[i]);
		free(keys);
		free(in);
	} else {
		struct statedb_esc e = {
			.kind = o->existing ? ESC_EXISTING : ESC_NEW, .target_container = o->existing,
			.name = o->name, .severity = o->severity, .container_type = o->as_case ? "case" : NULL,
		};
		size_t groups = o->each ? n : 1, per = o->each ? 1 : n;
		for (size_t g = 0; g < groups && rc == 0; g++) {
			struct statedb_item_in *items = xcalloc(per, sizeof *items);
			for (size_t i = 0; i < per; i++) {
				struct line *l = &v[g * per + i];
				items[i] = (struct statedb_item_in){ l->id, l->raw, l->len };
			}
			int64_t id = statedb_queue(db, &e, items, per);
			free(items);
			if (id < 0) {
				fprintf(stderr, "escalate-cli: %s\n", statedb_error(db));
				rc = 3;
			} else {
				printf("queued esc=%lld events=%zu\n", (long long)id, per);
			}
		}
	}
	free_lines(v, n);
	return rc;
}

static void print_cases(struct statedb *db, int *failed)
{
	struct statedb_case *c;
	int n = statedb_cases(db, 0, &c);
	if (n < 0)
		die(3, "cases: %s", statedb_error(db));
	for (int i = n - 1; i >= 0; i--) {
		printf("case esc=%lld state=%s container=%lld items=%d/%d notes=%d/%d attempts=%d error=%s\n",
		       (long long)c[i].id, esc_state_name(c[i].state), c[i].container_id, c[i].items_sent,
		       c[i].items, c[i].notes_sent, c[i].notes, c[i].attempts,
		       c[i].last_error ? c[i].last_error : "");
		if (failed && (c[i].state == ESC_FAILED || c[i].state == ESC_CANCELLED))
			(*failed)++;
	}
	statedb_cases_free(c, n);
}

static bool outbox_busy(struct statedb *db)
{
	int counts[5];
	if (statedb_counts(db, counts) != 0)
		die(3, "counts: %s", statedb_error(db));
	return counts[ESC_QUEUED] + counts[ESC_SENDING] > 0;
}

static void print_changes(struct forwarder *f)
{
	struct fwd_change *c;
	size_t n = forwarder_changes(f, &c);
	for (size_t i = 0; i < n; i++)
		printf("change esc=%lld state=%s container=%lld attempts=%d error=%s\n",
		       (long long)c[i].esc_id, esc_state_name(c[i].state), c[i].container_id,
		       c[i].attempts, c[i].error);
	free(c);
	fflush(stdout);
}

static int cmd_run(struct opts *o, struct statedb *db)
{
	struct forwarder_opts fo = { .state_dir = o->state, .phantom = o->pc.base_url ? &o->pc : NULL };
	char *err = NULL;
	struct forwarder *f = forwarder_new(&fo, &err);
	if (!f || forwarder_start(f, &err) != 0)
		die(3, "%s", err);
	int64_t deadline = mono_ns() + (o->timeout > 0 ? o->timeout : 60 * 1000000000LL);
	int rc = 2;
	forwarder_kick(f);
	while (mono_ns() < deadline) {
		struct pollfd p = { .fd = forwarder_wake_fd(f), .events = POLLIN };
		poll(&p, 1, 100);
		print_changes(f);
		struct fwd_stats st;
		forwarder_stats(f, &st);
		if (st.locked_elsewhere)
			continue;
		if (!outbox_busy(db)) {
			rc = 0;
			break;
		}
	}
	forwarder_stop(f, 2 * 1000000000LL);
	print_changes(f);
	struct fwd_stats st;
	forwarder_stats(f, &st);
	printf("stats sent=%llu retried=%llu failed=%llu requests=%llu queued=%d last_error=%s\n",
	       (unsigned long long)st.sent, (unsigned long long)st.retried,
	       (unsigned long long)st.failed, (unsigned long long)st.requests, st.queued, st.last_error);
	forwarder_free(f);
	int failed = 0;
	print_cases(db, &failed);
	if (rc == 0 && failed)
		rc = 1;
	return rc;
}

static void usage(void) __attribute__((noreturn));
static void usage(void)
{
	fprintf(stderr, "usage: escalate-cli --state DIR [options] queue|run|list|annotate ...\n"
			"       escalate-cli id < events.jsonl\n");
	exit(3);
}

static int64_t duration(const char *s)
{
	int64_t ns;
	if (parse_duration(s, &ns) != 0)
		die(3, "bad duration '%s'", s);
	return ns;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "state", 1, 0, 's' }, { "url", 1, 0, 'u' }, { "token-file", 1, 0, 'T' },
		{ "user", 1, 0, 'U' }, { "password-file", 1, 0, 'P' }, { "ca", 1, 0, 'C' },
		{ "insecure", 0, 0, 'k' }, { "connect-timeout-ms", 1, 0, 'c' }, { "timeout-ms", 1, 0, 't' },
		{ "retry-max", 1, 0, 'r' }, { "backoff-ms", 1, 0, 'b' }, { "each", 0, 0, 'e' },
		{ "batch", 0, 0, 'B' }, { "group-window", 1, 0, 'g' }, { "name", 1, 0, 'n' },
		{ "case", 0, 0, 'K' }, { "existing", 1, 0, 'x' }, { "severity", 1, 0, 'v' },
		{ "annotate", 1, 0, 'a' }, { "author", 1, 0, 'A' }, { "timeout", 1, 0, 'W' },
		{ 0, 0, 0, 0 },
	};
	struct opts o = { .author = "tester" };
	int c;
	/* "+": options may follow the command too, so parse in two passes */
	while (optind < argc) {
		if ((c = getopt_long(argc, argv, "+", lo, NULL)) == -1) {
			optind++;
			continue;
		}
		switch (c) {
		case 's': o.state = optarg; break;
		case 'u': o.pc.base_url = optarg; break;
		case 'T': o.token = read_secret(optarg); o.pc.token = o.token; break;
		case 'U': o.pc.user = optarg; break;
		case 'P': o.password = read_secret(optarg); o.pc.password = o.password; break;
		case 'C': o.pc.ca_file = optarg; break;
		case 'k': o.pc.insecure = true; break;
		case 'c': o.pc.connect_timeout_ms = atoll(optarg); break;
		case 't': o.pc.timeout_ms = atoll(optarg); break;
		case 'r': o.pc.retry_max = atoi(optarg); break;
		case 'b': {
			char *comma;
			o.pc.backoff_base_ms = strtoll(optarg, &comma, 10);
			if (*comma == ',')
				o.pc.backoff_max_ms = atoll(comma + 1);
			break;
		}
		case 'e': o.each = true; break;
		case 'B': o.batch = true; break;
		case 'g': o.group_window = duration(optarg); break;
		case 'n': o.name = optarg; break;
		case 'K': o.as_case = true; break;
		case 'x': o.existing = atoll(optarg); break;
		case 'v': o.severity = optarg; break;
		case 'a': o.annotate = optarg; break;
		case 'A': o.author = optarg; break;
		case 'W': o.timeout = duration(optarg); break;
		default: usage();
		}
	}
	/* the non-option words, in order */
	const char *words[4] = { 0 };
	int nw = 0;
	for (int i = 1; i < argc && nw < 4; i++) {
		if (argv[i][0] == '-') {
			for (const struct option *p = lo; p->name; p++)
				if (strcmp(argv[i] + 2, p->name) == 0 && p->has_arg)
					i++;
			continue;
		}
		words[nw++] = argv[i];
	}
	if (nw == 0)
		usage();
	if (phantom_global_init() != 0)
		die(3, "curl_global_init failed");
	if (strcmp(words[0], "id") == 0) {
		struct line *v;
		size_t n = read_lines(&v);
		for (size_t i = 0; i < n; i++)
			printf("%s\n", v[i].id);
		free_lines(v, n);
		return 0;
	}
	if (!o.state)
		usage();
	char *err = NULL;
	struct statedb *db = statedb_open(o.state, &err);
	if (!db)
		die(3, "%s", err);
	setvbuf(stdout, NULL, _IOLBF, 0);
	int rc;
	if (strcmp(words[0], "queue") == 0)
		rc = cmd_queue(&o, db);
	else if (strcmp(words[0], "run") == 0)
		rc = cmd_run(&o, db);
	else if (strcmp(words[0], "list") == 0) {
		print_cases(db, NULL);
		rc = 0;
	} else if (strcmp(words[0], "annotate") == 0 && nw == 3) {
		int k = statedb_annotate(db, words[1], words[2], o.author);
		if (k < 0)
			die(3, "annotate: %s", statedb_error(db));
		printf("annotated notes=%d\n", k);
		rc = 0;
	} else if ((strcmp(words[0], "retry") == 0 || strcmp(words[0], "cancel") == 0) && nw == 2) {
		int64_t id = atoll(words[1]);
		int k = words[0][0] == 'r' ? statedb_retry(db, id) : statedb_cancel(db, id);
		if (k != 0)
			die(1, "%s", statedb_error(db));
		printf("%s esc=%lld\n", words[0], (long long)id);
		rc = 0;
	} else
		usage();
	statedb_close(db);
	free(o.token);
	free(o.password);
	phantom_global_cleanup();
	return rc;
}
