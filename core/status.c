/* status.c — see status.h. */
#include "core/status.h"
#include "core/config.h"
#include "core/statedb.h"
#include "core/util.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define STATUS_FILE "status.json"
#define STALE_NS (10 * 1000000000LL) /* written every second: 10 s is dead */

/* Field 22 of /proc/PID/stat: the process start time in clock ticks since
 * boot. Together with the pid it names one process. 0 if unknown. */
static unsigned long long pid_start(int pid)
{
	char path[64], buf[1024];
	snprintf(path, sizeof path, "/proc/%d/stat", pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	char *p = strrchr(buf, ')'); /* the command name may hold spaces */
	if (!p)
		return 0;
	unsigned long long v = 0;
	for (int field = 2; *p && field < 22; p++)
		if (*p == ' ')
			field++;
	sscanf(p, "%llu", &v);
	return v;
}

static void iso_time(int64_t ns, char *out, size_t n)
{
	time_t t = (time_t)(ns / 1000000000LL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static json_t *source_json(const struct status_snapshot *s)
{
	const struct source_stats *t = &s->src;
	return json_pack("{s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:b, s:b}",
			 "kind", s->source_kind ? s->source_kind : "", "name", t->name,
			 "state", conn_state_name(t->state), "last_error", t->last_error,
			 "received", (json_int_t)t->received, "dropped", (json_int_t)t->dropped,
			 "reconnects", (json_int_t)t->reconnects, "pending", (json_int_t)t->pending,
			 "redelivered", (json_int_t)t->redelivered, "lossy", t->lossy,
			 "durable", t->durable);
}

static json_t *forwarder_json(const struct fwd_stats *f)
{
	return json_pack("{s:s, s:b, s:b, s:b, s:I, s:I, s:I, s:I, s:i, s:I, s:s}",
			 "url", f->url, "configured", f->configured,
			 "locked_elsewhere", f->locked_elsewhere, "insecure", f->insecure,
			 "sent", (json_int_t)f->sent, "retried", (json_int_t)f->retried,
			 "failed", (json_int_t)f->failed, "requests", (json_int_t)f->requests,
			 "queued", f->queued, "pause_until_ns", (json_int_t)f->pause_until_ns,
			 "last_error", f->last_error);
}

static json_t *counters_json(const struct fwd_counters *c)
{
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I}",
			 "received", (json_int_t)c->received, "filtered", (json_int_t)c->filtered,
			 "queued", (json_int_t)c->queued, "joined", (json_int_t)c->joined,
			 "deduplicated", (json_int_t)c->deduplicated,
			 "commit_errors", (json_int_t)c->commit_errors);
}

int status_write(const char *dir, const struct status_snapshot *s, char **err)
{
	int64_t now = now_ns();
	json_t *o = json_pack("{s:i, s:I, s:b, s:I, s:I, s:s?, s:I, s:I}",
			      "pid", (int)getpid(), "pid_start", (json_int_t)pid_start(getpid()),
			      "running", s->running, "started_ns", (json_int_t)s->started_ns,
			      "updated_ns", (json_int_t)now, "filter", s->filter,
			      "unsent", (json_int_t)s->unsent,
			      "lag_ns", (json_int_t)(s->oldest_unsent_ns ? now - s->oldest_unsent_ns : 0));
	json_object_set_new(o, "source", source_json(s));
	json_object_set_new(o, "forwarder", forwarder_json(&s->fwd));
	json_object_set_new(o, "counters", counters_json(&s->c));
	char *text = json_dumps(o, JSON_INDENT(2) | JSON_ENSURE_ASCII);
	json_decref(o);
	char *tmp = xasprintf("%s/%s.tmp", dir, STATUS_FILE);
	char *path = xasprintf("%s/%s", dir, STATUS_FILE);
	int rc = -1;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd >= 0 && text && write_all(fd, text, strlen(text)) == 0 && write_all(fd, "\n", 1) == 0 &&
	    close(fd) == 0) {
		fd = -1;
		rc = rename(tmp, path);
	}
	if (rc != 0) {
		*err = xasprintf("cannot write %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		unlink(tmp);
	}
	free(text);
	free(tmp);
	free(path);
	return rc;
}

int status_read_unsent(struct statedb *db, int64_t *count, int64_t *oldest_ns)
{
	/* Not in statedb.h: a read-only diagnostic over the esc_due index. */
	sqlite3_stmt *st = NULL;
	*count = 0;
	*oldest_ns = 0;
	if (sqlite3_prepare_v2(statedb_handle(db),
			       "SELECT count(*), coalesce(min(created), 0) FROM escalations"
			       " WHERE state IN (?1, ?2)", -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int(st, 1, ESC_QUEUED);
	sqlite3_bind_int(st, 2, ESC_SENDING);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*count = sqlite3_column_int64(st, 0);
		*oldest_ns = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

/* ---- socterm --status ------------------------------------------------------ */

static json_int_t num(json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

static const char *str(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

static void duration_text(int64_t ns, char *out, size_t n)
{
	int64_t s = ns / 1000000000LL;
	if (s < 60)
		snprintf(out, n, "%.1fs", (double)ns / 1e9);
	else if (s < 3600)
		snprintf(out, n, "%lldm%02llds", (long long)(s / 60), (long long)(s % 60));
	else
		snprintf(out, n, "%lldh%02lldm", (long long)(s / 3600), (long long)(s % 3600 / 60));
}

/* Prints the status file. Returns true if the forwarder is alive. */
static bool print_file(json_t *o, FILE *out)
{
	int pid = (int)num(o, "pid");
	bool alive = pid > 0 && (kill(pid, 0) == 0 || errno == EPERM) &&
		     pid_start(pid) == (unsigned long long)num(o, "pid_start");
	int64_t now = now_ns(), updated = num(o, "updated_ns");
	bool fresh = now - updated < STALE_NS;
	bool running = json_is_true(json_object_get(o, "running")) && alive;
	char t[40], d[40];
	iso_time(num(o, "started_ns"), t, sizeof t);
	if (running && fresh) {
		duration_text(now - num(o, "started_ns"), d, sizeof d);
		fprintf(out, "forwarder: running, pid %d, since %s (up %s)\n", pid, t, d);
	} else if (running) {
		duration_text(now - updated, d, sizeof d);
		fprintf(out, "forwarder: NOT RESPONDING, pid %d, no status for %s\n", pid, d);
	} else {
		iso_time(updated, t, sizeof t);
		fprintf(out, "forwarder: not running (last seen %s, pid %d)\n", t, pid);
	}
	json_t *s = json_object_get(o, "source"), *f = json_object_get(o, "forwarder");
	json_t *c = json_object_get(o, "counters");
	fprintf(out, "source: %s (%s): %s", str(s, "name"), str(s, "kind"), str(s, "state"));
	if (num(s, "pending"))
		fprintf(out, ", catching up: %lld pending", (long long)num(s, "pending"));
	if (json_is_true(json_object_get(s, "lossy")))
		fprintf(out, ", %lld dropped (core NATS: losses possible)", (long long)num(s, "dropped"));
	fprintf(out, "\n");
	if (*str(s, "last_error"))
		fprintf(out, "source error: %s\n", str(s, "last_error"));
	fprintf(out, "phantom: %s%s%s\n", *str(f, "url") ? str(f, "url") : "(not configured)",
		json_is_true(json_object_get(f, "locked_elsewhere")) ?
			" (another forwarder holds the state directory: queuing only)" : "",
		json_is_true(json_object_get(f, "insecure")) ? " (TLS verification off)" : "");
	const char *flt = str(o, "filter");
	fprintf(out, "filter: %s\n", *flt ? flt : "(none: every event)");
	fprintf(out, "received %lld, filtered out %lld, queued %lld, grouped %lld, deduplicated %lld\n",
		(long long)num(c, "received"), (long long)num(c, "filtered"),
		(long long)num(c, "queued"), (long long)num(c, "joined"),
		(long long)num(c, "deduplicated"));
	duration_text(num(o, "lag_ns"), d, sizeof d);
	fprintf(out, "forwarded %lld, retried %lld, failed %lld, requests %lld, queue depth %lld, lag %s\n",
		(long long)num(f, "sent"), (long long)num(f, "retried"), (long long)num(f, "failed"),
		(long long)num(f, "requests"), (long long)num(o, "unsent"), d);
	if (*str(f, "last_error"))
		fprintf(out, "last Phantom error: %s\n", str(f, "last_error"));
	return running && fresh;
}

/* Read-only: --status never creates, upgrades or checkpoints the database
 * of a forwarder that may be running. */
static void print_outbox(const char *dir, FILE *out)
{
	char *err = NULL;
	struct statedb *db = statedb_open_readonly(dir, &err);
	int counts[5];
	if (!db && !err) {
		fprintf(out, "outbox: none yet (no state database in %s)\n", dir);
	} else if (!db || statedb_counts(db, counts) != 0) {
		fprintf(out, "outbox: cannot read: %s\n", db ? statedb_error(db) : err);
	} else {
		fprintf(out, "outbox: %d queued, %d sending, %d sent, %d failed, %d cancelled\n",
			counts[ESC_QUEUED], counts[ESC_SENDING], counts[ESC_SENT], counts[ESC_FAILED],
			counts[ESC_CANCELLED]);
	}
	free(err);
	statedb_close(db);
}

int status_run(const struct config *cfg, FILE *out)
{
	char *path = xasprintf("%s/%s", cfg->state_dir, STATUS_FILE);
	json_error_t je;
	json_t *o = json_load_file(path, 0, &je);
	bool ok = false;
	if (!o && access(cfg->state_dir, F_OK) != 0) {
		fprintf(out, "forwarder: not running (no state directory %s: nothing has run there)\n",
			cfg->state_dir);
	} else if (!o) {
		fprintf(out, "forwarder: not running (no %s)\n", path);
	} else {
		ok = print_file(o, out);
		json_decref(o);
	}
	free(path);
	print_outbox(cfg->state_dir, out);
	return ok ? EXIT_OK : EXIT_UNAVAILABLE;
}
