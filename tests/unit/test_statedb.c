/* test_statedb.c — the durable outbox: schema and migrations, the
 * escalation life cycle, annotations turning into notes, grouping for
 * --forward-only, crash safety (a child killed inside a transaction at many
 * points), a full disk and an unwritable directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/unit/lib_common.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sqlite3.h>

#include "core/cef.h"
#include "core/statedb.h"
#include "core/util.h"

static char *tmp_dir(void)
{
	char tmpl[] = "/tmp/socterm-statedb.XXXXXX";
	assert_non_null(mkdtemp(tmpl));
	return xasprintf("%s/state", tmpl); /* not created yet: open creates it */
}

static void rm_dir(char *dir)
{
	char *slash = strrchr(dir, '/');
	*slash = '\0';
	char *cmd = xasprintf("rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(dir);
}

static struct statedb *open_ok(const char *dir)
{
	char *err = NULL;
	struct statedb *db = statedb_open(dir, &err);
	if (!db)
		print_error("open: %s\n", err);
	assert_non_null(db);
	return db;
}

static int64_t sql_int(struct statedb *db, const char *sql)
{
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(statedb_handle(db), sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int64_t v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static char *sql_text(struct statedb *db, const char *sql)
{
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(statedb_handle(db), sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	char *v = xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return v;
}

static struct statedb_item_in item(const char *id, const char *raw)
{
	struct statedb_item_in it = { id, raw, strlen(raw) };
	return it;
}

static void case_clear(struct statedb_case *c)
{
	statedb_case_clear(c);
}

static void test_open_creates_private_files(void **state)
{
	(void)state;
	char *dir = tmp_dir();
	struct statedb *db = open_ok(dir);
	struct stat sb;
	assert_int_equal(stat(dir, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0700);
	char *path = xasprintf("%s/socterm.db", dir);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(statedb_version(db), STATEDB_VERSION);
	char *mode = sql_text(db, "PRAGMA journal_mode");
	assert_string_equal(mode, "wal");
	free(mode);
	assert_int_equal(sql_int(db, "PRAGMA synchronous"), 2);
	char *inst = xstrdup(statedb_instance(db));
	assert_int_equal(strlen(inst), 16);
	statedb_close(db);
	db = open_ok(dir);
	assert_string_equal(statedb_instance(db), inst);
	statedb_close(db);
	free(inst);
	free(path);
	rm_dir(dir);
}

/* True if another process sees a lock on the file at path (fcntl locks are
 * the process's: only a child can ask whether the parent holds one). */
static bool locked_for_others(const char *path)
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int fd = open(path, O_RDWR | O_CLOEXEC);
		struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
		_exit(fd >= 0 && fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK ? 0 : 1);
	}
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* A second connection in the process (the forwarder's, next to the UI's)
 * must leave the first one's lock in place: without it, another process
 * closing the database deletes the WAL this process still writes. */
static void test_second_open_keeps_locks(void **state)
{
	(void)state;
	char *dir = tmp_dir();
	char *path = xasprintf("%s/socterm.db", dir);
	struct statedb *a = open_ok(dir);
	assert_true(locked_for_others(path));
	struct statedb *b = open_ok(dir);
	assert_true(locked_for_others(path));
	statedb_close(b);
	assert_true(locked_for_others(path));
	statedb_close(a);
	free(path);
	rm_dir(dir);
}

static void test_migration_and_newer_schema(void **state)
{
	(void)state;
	char *dir = tmp_dir();
	char *err = NULL;
	struct statedb *db = statedb_open_version(dir, 1, &err);
	assert_non_null(db);
	assert_int_equal(statedb_version(db), 1);
	/* a version-1 database with one queued escalation */
	assert_int_equal(sqlite3_exec(statedb_handle(db),
		"INSERT INTO escalations(created, updated, kind, name, sdi, state) VALUES (1, 1, 0, 'old', 'socterm-x', 0);"
		"INSERT INTO items(escalation_id, position, event_id, raw) VALUES (1, 0, 'e1', '{}');",
		NULL, NULL, NULL), SQLITE_OK);
	statedb_close(db);

	db = open_ok(dir);
	assert_int_equal(statedb_version(db), STATEDB_VERSION);
	struct statedb_case *cases;
	assert_int_equal(statedb_cases(db, 0, &cases), 1);
	assert_string_equal(cases[0].name, "old");
	assert_int_equal(cases[0].items, 1);
	statedb_cases_free(cases, 1);
	/* the new column works */
	assert_int_equal(sql_int(db, "SELECT count(*) FROM escalations WHERE group_key IS NULL"), 1);
	assert_int_equal(sqlite3_exec(statedb_handle(db), "PRAGMA user_version = 99", NULL, NULL, NULL), SQLITE_OK);
	statedb_close(db);

	assert_null(statedb_open(dir, &err));
	assert_non_null(strstr(err, "newer"));
	free(err);
	rm_dir(dir);
}

static void test_life_cycle(void **state)
{
	(void)state;
	char *dir = tmp_dir();
	struct statedb *ui = open_ok(dir);
	struct statedb *fw = open_ok(dir); /* the forwarder's own connection */

	assert_int_equal(statedb_annotate(ui, "e2", "looks bad", "alice"), 0);
	struct statedb_item_in items[] = { item("e1", "{\"rule\":\"a\"}"), item("e2", "{\"rule\":\"b\"}"),
					   item("e1", "{\"rule\":\"a\"}") };
	struct statedb_esc e = { .kind = ESC_NEW, .name = "case 1", .severity = "high", .label = "events" };
	int64_t id = statedb_queue(ui, &e, items, 3);
	assert_true(id > 0);

	struct statedb_case c;
	assert_int_equal(statedb_case_get(ui, id, &c), 0);
	assert_int_equal(c.state, ESC_QUEUED);
	assert_int_equal(c.items, 2); /* the repeated event once */
	assert_int_equal(c.notes, 1); /* e2 was annotated */
	const char *ids[] = { "e2", "e1" };
	char *sdi = cef_sdi(ids, 2);
	assert_string_equal(c.sdi, sdi);
	free(sdi);
	case_clear(&c);

	/* nothing due in the past of the queue time? it is due now */
	assert_int_equal(statedb_recover(fw), 0);
	struct statedb_work w;
	assert_int_equal(statedb_claim(fw, now_ns(), &w), 1);
	assert_int_equal(w.id, id);
	assert_int_equal(w.nitems, 2);
	assert_string_equal(w.items[1].event_id, "e2");
	assert_string_equal(w.items[1].raw, "{\"rule\":\"b\"}");
	assert_int_equal(w.nnotes, 1);
	assert_string_equal(w.notes[0].text, "looks bad");
	assert_string_equal(w.notes[0].author, "alice");
	assert_int_equal(statedb_state(ui, id), ESC_SENDING);
	/* claimed work is not claimed twice */
	struct statedb_work w2;
	assert_int_equal(statedb_claim(fw, now_ns(), &w2), 0);

	/* a transient failure: queued again, not due before next */
	int64_t next = now_ns() + 60 * 1000000000LL;
	assert_int_equal(statedb_mark_retry(fw, id, next, "HTTP 503: empty answer"), 0);
	assert_int_equal(statedb_claim(fw, now_ns(), &w2), 0);
	assert_int_equal(statedb_next_due(fw), next);
	assert_int_equal(statedb_case_get(ui, id, &c), 0);
	assert_int_equal(c.attempts, 1);
	assert_string_equal(c.last_error, "HTTP 503: empty answer");
	case_clear(&c);
	statedb_work_free(&w);

	/* the analyst retries now: the run of failures starts again, the
	 * attempts made so far are kept */
	assert_int_equal(statedb_retry(ui, id), 0);
	assert_int_equal(statedb_claim(fw, now_ns(), &w), 1);
	assert_int_equal(w.attempts, 1);
	assert_int_equal(w.failures, 0);
	int pos[] = { 0, 1 };
	assert_int_equal(statedb_set_container(fw, id, 101, pos, 2), 0);
	assert_int_equal(statedb_note_sent(fw, w.notes[0].id, 7), 0);
	/* a note added while sending brings the escalation back */
	assert_int_equal(statedb_annotate(ui, "e1", "also this", "bob"), 1);
	assert_int_equal(statedb_mark_sent(fw, id), 0);
	assert_int_equal(statedb_state(ui, id), ESC_QUEUED);
	statedb_work_free(&w);
	assert_int_equal(statedb_claim(fw, now_ns(), &w), 1);
	assert_int_equal(w.container_id, 101);
	assert_true(w.items[0].sent && w.items[1].sent);
	assert_int_equal(w.nnotes, 1);
	assert_string_equal(w.notes[0].text, "also this");
	assert_int_equal(statedb_note_sent(fw, w.notes[0].id, 8), 0);
	assert_int_equal(statedb_mark_sent(fw, id), 0);
	assert_int_equal(statedb_state(ui, id), ESC_SENT);
	statedb_work_free(&w);
	/* every attempt counted (failed, sent but re-queued, sent), and kept */
	assert_int_equal(statedb_case_get(ui, id, &c), 0);
	assert_int_equal(c.attempts, 3);
	case_clear(&c);

	/* annotating a sent event queues a note again; editing before it is
	 * sent updates the same note */
	assert_int_equal(statedb_annotate(ui, "e1", "edit 1", "bob"), 1);
	assert_int_equal(statedb_annotate(ui, "e1", "edit 2", "bob"), 1);
	assert_int_equal(statedb_case_get(ui, id, &c), 0);
	assert_int_equal(c.state, ESC_QUEUED);
	assert_int_equal(c.notes, 3);
	assert_int_equal(c.notes_sent, 2);
	case_clear(&c);

	/* sent escalations cannot be cancelled; queued ones can */
	assert_int_equal(statedb_claim(fw, now_ns(), &w), 1);
	assert_int_equal(statedb_note_sent(fw, w.notes[0].id, 9), 0);
	assert_int_equal(statedb_mark_sent(fw, id), 0);
	statedb_work_free(&w);
	assert_int_equal(statedb_cancel(ui, id), -1);
	assert_non_null(strstr(statedb_error(ui), "already sent"));
	assert_int_equal(statedb_retry(ui, id), -1);
	char want[64];
	snprintf(want, sizeof want, "escalation %lld is not failed or queued", (long long)id);
	assert_string_equal(statedb_error(ui), want);
	/* an id that does not exist is said so, not blamed on a state */
	assert_int_equal(statedb_retry(ui, 99), -1);
	assert_string_equal(statedb_error(ui), "no escalation 99");
	assert_int_equal(statedb_cancel(ui, 99), -1);
	assert_string_equal(statedb_error(ui), "no escalation 99");

	struct statedb_esc e2 = { .kind = ESC_EXISTING, .target_container = 101 };
	struct statedb_item_in one[] = { item("e3", "{}") };
	int64_t id2 = statedb_queue(ui, &e2, one, 1);
	assert_true(id2 > id);
	assert_int_equal(statedb_cancel(ui, id2), 0);
	assert_int_equal(statedb_claim(fw, now_ns(), &w), 0);
	int counts[5];
	assert_int_equal(statedb_counts(ui, counts), 0);
	assert_int_equal(counts[ESC_SENT], 1);
	assert_int_equal(counts[ESC_CANCELLED], 1);
	/* an existing-container escalation needs a target */
	e2.target_container = 0;
	assert_int_equal(statedb_queue(ui, &e2, one, 1), -1);

	/* failure is final until retried */
	int64_t id3 = statedb_queue(ui, &e, one, 1);
	assert_int_equal(statedb_claim(fw, now_ns(), &w), 1);
	assert_int_equal(statedb_mark_failed(fw, id3, "HTTP 400: bad label"), 0);
	statedb_work_free(&w);
	assert_int_equal(statedb_claim(fw, now_ns(), &w), 0);
	assert_int_equal(statedb_state(ui, id3), ESC_FAILED);
	assert_int_equal(statedb_retry(ui, id3), 0);
	assert_int_equal(statedb_claim(fw, now_ns(), &w), 1);
	assert_int_equal(w.attempts, 1);  /* the failed one */
	assert_int_equal(w.failures, 0);  /* a fresh run of retries */
	/* a crash while sending: recovery queues it again */
	assert_int_equal(statedb_recover(fw), 0);
	assert_int_equal(statedb_state(ui, id3), ESC_QUEUED);
	statedb_work_free(&w);

	struct statedb_case *cases;
	int n = statedb_cases(ui, 2, &cases);
	assert_int_equal(n, 2);
	assert_int_equal(cases[0].id, id3);
	statedb_cases_free(cases, n);

	statedb_close(fw);
	statedb_close(ui);
	rm_dir(dir);
}

struct collect {
	char buf[512];
	int n;
};

static void on_annotation(void *ctx, const char *id, const char *text, const char *author, int64_t t)
{
	struct collect *c = ctx;
	assert_true(t > 0);
	size_t l = strlen(c->buf);
	snprintf(c->buf + l, sizeof c->buf - l, "%s=%s/%s;", id, text, author ? author : "-");
	c->n++;
}

static void on_history(void *ctx, const char *line)
{
	struct collect *c = ctx;
	size_t l = strlen(c->buf);
	snprintf(c->buf + l, sizeof c->buf - l, "%s;", line);
	c->n++;
}

/* The run of failures drives backoff and --retry-max; attempts count them
 * all and survive success. A database of version 3 (attempts = the run)
 * keeps its counts. */
static void test_attempts_and_failures(void **state)
{
	(void)state;
	char *dir = tmp_dir();
	char *err = NULL;
	struct statedb *db = statedb_open_version(dir, 3, &err);
	assert_non_null(db);
	assert_int_equal(sqlite3_exec(statedb_handle(db),
		"INSERT INTO escalations(created, updated, kind, name, sdi, state, attempts, next_attempt_at)"
		" VALUES (1, 1, 0, 'old', 'socterm-x', 0, 2, 1);"
		"INSERT INTO items(escalation_id, position, event_id, raw) VALUES (1, 0, 'e1', '{}');",
		NULL, NULL, NULL), SQLITE_OK);
	statedb_close(db);
	db = open_ok(dir);
	struct statedb_work w;
	assert_int_equal(statedb_claim(db, now_ns(), &w), 1);
	assert_int_equal(w.attempts, 2);
	assert_int_equal(w.failures, 2);
	assert_int_equal(statedb_mark_retry(db, w.id, 1, "HTTP 503"), 0);
	statedb_work_free(&w);
	assert_int_equal(statedb_claim(db, now_ns(), &w), 1);
	assert_int_equal(w.attempts, 3);
	assert_int_equal(w.failures, 3);
	int pos[] = { 0 };
	assert_int_equal(statedb_set_container(db, w.id, 5, pos, 1), 0);
	assert_int_equal(statedb_mark_sent(db, w.id), 0);
	statedb_work_free(&w);
	struct statedb_case c;
	assert_int_equal(statedb_case_get(db, 1, &c), 0);
	assert_int_equal(c.state, ESC_SENT);
	assert_int_equal(c.attempts, 4);
	assert_null(c.last_error);
	statedb_case_clear(&c);
	assert_int_equal(sql_int(db, "SELECT failures FROM escalations WHERE id = 1"), 0);
	statedb_close(db);
	rm_dir(dir);
}

/* What the console reads to follow another process's sending: the outbox
 * fields, and "busy" at once instead of waiting for the other's lock. */
static void test_case_peek(void **state)
{
	(void)state;
	char *dir = tmp_dir();
	struct statedb *ui = open_ok(dir);
	struct statedb *fw = open_ok(dir);
	struct statedb_item_in one[] = { item("e1", "{}") };
	struct statedb_esc e = { .kind = ESC_NEW, .name = "n" };
	int64_t id = statedb_queue(ui, &e, one, 1);
	struct statedb_work w;
	assert_int_equal(statedb_claim(fw, now_ns(), &w), 1);
	int pos[] = { 0 };
	assert_int_equal(statedb_set_container(fw, id, 3001, pos, 1), 0);
	assert_int_equal(statedb_mark_sent(fw, id), 0);
	statedb_work_free(&w);

	struct statedb_case c;
	assert_int_equal(statedb_case_peek(ui, id, &c), 0);
	assert_int_equal(c.id, id);
	assert_int_equal(c.state, ESC_SENT);
	assert_int_equal(c.container_id, 3001);
	assert_int_equal(c.attempts, 1);
	assert_int_equal(c.items, 1);
	assert_string_equal(c.name, "n"); /* the whole row, as statedb_case_get() */
	statedb_case_clear(&c);
	assert_int_equal(statedb_case_peek(ui, id + 1, &c), -1);
	assert_string_equal(statedb_error(ui), "no escalation 2");

	/* while the other connection writes (WAL: readers go on) */
	assert_int_equal(sqlite3_exec(statedb_handle(fw), "BEGIN IMMEDIATE;"
				      " UPDATE escalations SET state = 0;", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(statedb_case_peek(ui, id, &c), 0);
	assert_int_equal(c.state, ESC_SENT); /* not committed yet */
	statedb_case_clear(&c);
	/* and the UI's own writes still wait for the lock as before */
	int64_t t0 = mono_ns();
	assert_int_equal(statedb_annotate(ui, "e1", "x", "a"), -1);
	assert_true(mono_ns() - t0 > 1000000000LL);
	assert_int_equal(sqlite3_exec(statedb_handle(fw), "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
	statedb_close(fw);
	statedb_close(ui);
	rm_dir(dir);
}

/* `socterm --status`: read-only, never creating, upgrading or writing. */
static void test_open_readonly(void **state)
{
	(void)state;
	char *dir = tmp_dir();
	char *err = NULL;
	struct stat sb;
	/* no state yet: NULL without an error, and nothing created */
	assert_null(statedb_open_readonly(dir, &err));
	assert_null(err);
	assert_int_equal(stat(dir, &sb), -1);

	struct statedb *db = statedb_open_version(dir, 2, &err);
	assert_non_null(db);
	assert_int_equal(sqlite3_exec(statedb_handle(db),
		"INSERT INTO escalations(created, updated, kind, name, sdi, state) VALUES (1, 1, 0, 'old', 'x', 0);",
		NULL, NULL, NULL), SQLITE_OK);
	statedb_close(db);

	struct statedb *ro = statedb_open_readonly(dir, &err);
	assert_non_null(ro);
	assert_null(err);
	int counts[5];
	assert_int_equal(statedb_counts(ro, counts), 0);
	assert_int_equal(counts[ESC_QUEUED], 1);
	/* not upgraded, and it cannot write */
	assert_int_equal(statedb_version(ro), 2);
	assert_int_equal(statedb_cancel(ro, 1), -1);
	assert_non_null(strstr(statedb_error(ro), "readonly"));
	statedb_close(ro);

	/* a reader next to a writer: the writer's WAL is left in place */
	struct statedb_item_in one[] = { item("e1", "{}") };
	struct statedb_esc e = { .kind = ESC_NEW, .name = "n" };
	struct statedb *w = open_ok(dir);
	int64_t id = statedb_queue(w, &e, one, 1);
	assert_true(id > 0);
	char *wal = xasprintf("%s/socterm.db-wal", dir);
	assert_int_equal(stat(wal, &sb), 0);
	ro = statedb_open_readonly(dir, &err);
	assert_non_null(ro);
	assert_int_equal(statedb_counts(ro, counts), 0);
	assert_int_equal(counts[ESC_QUEUED], 2);
	statedb_close(ro);
	assert_int_equal(stat(wal, &sb), 0);
	free(wal);
	statedb_close(w);

	/* a database from a newer socterm is refused, not read */
	w = open_ok(dir);
	assert_int_equal(sqlite3_exec(statedb_handle(w), "PRAGMA user_version = 99", NULL, NULL, NULL),
			 SQLITE_OK);
	statedb_close(w);
	assert_null(statedb_open_readonly(dir, &err));
	assert_non_null(err);
	assert_non_null(strstr(err, "newer"));
	free(err);
	rm_dir(dir);
}

static void test_annotations_and_history(void **state)
{
	(void)state;
	char *dir = tmp_dir();
	struct statedb *db = open_ok(dir);
	assert_int_equal(statedb_annotate(db, "a", "one", "alice"), 0);
	assert_int_equal(statedb_annotate(db, "b", "two", NULL), 0);
	assert_int_equal(statedb_annotate(db, "a", "uno", "alice"), 0);
	assert_int_equal(statedb_annotate(db, "c", "x", "bob"), 0);
	assert_int_equal(statedb_annotate(db, "c", "", "bob"), 0); /* removed */
	statedb_close(db);
	db = open_ok(dir);
	struct collect c = { "", 0 };
	assert_int_equal(statedb_annotations_load(db, on_annotation, &c), 0);
	assert_string_equal(c.buf, "b=two/-;a=uno/alice;");

	for (int i = 0; i < 10; i++) {
		char line[32];
		snprintf(line, sizeof line, "rule = %d", i);
		assert_int_equal(statedb_history_add(db, "filter", line, 4), 0);
		assert_int_equal(statedb_history_add(db, "filter", line, 4), 0); /* repeat */
	}
	assert_int_equal(statedb_history_add(db, "search", "shell", 4), 0);
	assert_int_equal(statedb_history_add(db, "search", "", 4), 0);
	struct collect h = { "", 0 };
	assert_int_equal(statedb_history_load(db, "filter", on_history, &h), 0);
	assert_string_equal(h.buf, "rule = 6;rule = 7;rule = 8;rule = 9;");
	struct collect s = { "", 0 };
	assert_int_equal(statedb_history_load(db, "search", on_history, &s), 0);
	assert_string_equal(s.buf, "shell;");
	statedb_close(db);
	rm_dir(dir);
}

static void on_item(void *ctx, const char *id, int64_t esc)
{
	struct collect *c = ctx;
	size_t l = strlen(c->buf);
	snprintf(c->buf + l, sizeof c->buf - l, "%s@%lld;", id, (long long)esc);
	c->n++;
}

/* The console learns which events were escalated from the items. */
static void test_items_load(void **state)
{
	(void)state;
	char *dir = tmp_dir();
	struct statedb *db = open_ok(dir);
	struct statedb_esc e = { .kind = ESC_NEW };
	struct statedb_item_in two[] = { item("a", "{}"), item("b", "{}") };
	struct statedb_item_in one[] = { item("b", "{}") };
	struct statedb_item_in other[] = { item("c", "{}") };
	assert_int_equal(statedb_queue(db, &e, two, 2), 1);
	assert_int_equal(statedb_queue(db, &e, one, 1), 2);
	assert_int_equal(statedb_queue(db, &e, other, 1), 3);
	assert_int_equal(statedb_cancel(db, 3), 0);
	struct collect all = { "", 0 };
	assert_int_equal(statedb_items_load(db, 0, on_item, &all), 0);
	assert_string_equal(all.buf, "a@1;b@1;b@2;c@3;");
	struct collect newest = { "", 0 };
	assert_int_equal(statedb_items_load(db, 2, on_item, &newest), 0);
	assert_string_equal(newest.buf, "b@2;c@3;");
	statedb_close(db);
	rm_dir(dir);
}

static struct statedb_fwd_in fwd(const char *id, const char *key)
{
	struct statedb_fwd_in f = { .item = { id, "{\"rule\":\"r\"}", 12 }, .name = "r",
				    .severity = "low", .group_key = key };
	return f;
}

static void test_forward_batch_grouping(void **state)
{
	(void)state;
	char *dir = tmp_dir();
	struct statedb *db = open_ok(dir);
	struct statedb_batch_opts o = { .window_ns = 3600 * 1000000000LL, .label = "events" };
	struct statedb_fwd_in v[] = { fwd("e1", "r|h1|c1"), fwd("e2", "r|h1|c1"), fwd("e3", "r|h2|c1"),
				      fwd("e1", "r|h1|c1") /* redelivered */ };
	struct statedb_batch_result r;
	assert_int_equal(statedb_forward_batch(db, v, 4, &o, &r), 0);
	assert_int_equal(r.created, 2);
	assert_int_equal(r.joined, 1);
	assert_int_equal(r.skipped, 1);
	struct statedb_case *cases;
	int n = statedb_cases(db, 0, &cases);
	assert_int_equal(n, 2);
	assert_int_equal(cases[1].items, 2); /* the h1 group, oldest */
	assert_int_equal(cases[0].items, 1);
	const char *ids[] = { "e1" };
	char *sdi = cef_sdi(ids, 1);
	assert_string_equal(cases[1].sdi, sdi);
	free(sdi);
	int64_t g1 = cases[1].id;
	statedb_cases_free(cases, n);

	/* the group's container is sent; a new event joins as an artifact */
	struct statedb_work w;
	assert_int_equal(statedb_claim(db, now_ns(), &w), 1);
	assert_int_equal(w.id, g1);
	int pos[] = { 0, 1 };
	assert_int_equal(statedb_set_container(db, g1, 55, pos, 2), 0);
	assert_int_equal(statedb_mark_sent(db, g1), 0);
	statedb_work_free(&w);
	struct statedb_fwd_in more[] = { fwd("e4", "r|h1|c1") };
	assert_int_equal(statedb_forward_batch(db, more, 1, &o, &r), 0);
	assert_int_equal(r.joined, 1);
	assert_int_equal(statedb_state(db, g1), ESC_QUEUED);
	assert_int_equal(statedb_claim(db, now_ns(), &w), 1);
	assert_int_equal(w.id, g1);
	assert_int_equal(w.container_id, 55);
	assert_int_equal(w.nitems, 3);
	assert_true(w.items[0].sent && w.items[1].sent && !w.items[2].sent);
	assert_string_equal(w.items[2].event_id, "e4");
	assert_int_equal(w.items[0].len, 0); /* sent items do not carry their bytes */
	statedb_work_free(&w);

	/* outside the window, or without grouping: a new escalation */
	assert_int_equal(sqlite3_exec(statedb_handle(db), "UPDATE escalations SET created = 0", NULL, NULL, NULL),
			 SQLITE_OK);
	struct statedb_fwd_in late[] = { fwd("e5", "r|h1|c1") };
	assert_int_equal(statedb_forward_batch(db, late, 1, &o, &r), 0);
	assert_int_equal(r.created, 1);
	struct statedb_fwd_in plain[] = { fwd("e6", "r|h1|c1"), fwd("e7", "r|h1|c1") };
	assert_int_equal(statedb_forward_batch(db, plain, 2, NULL, &r), 0);
	assert_int_equal(r.created, 2);
	statedb_close(db);
	rm_dir(dir);
}

/* ---- crash safety ---- */

static int steps_left;
static int die_in_progress(void *ctx)
{
	(void)ctx;
	if (--steps_left <= 0)
		raise(SIGKILL);
	return 0;
}

/* Child: queue one escalation of 40 events and be killed after `steps`
 * virtual-machine steps. Returns true if the child was killed. */
static bool crash_queue(const char *dir, int steps)
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char *err = NULL;
		struct statedb *db = statedb_open(dir, &err);
		if (!db)
			_exit(3);
		steps_left = steps;
		sqlite3_progress_handler(statedb_handle(db), 1, die_in_progress, NULL);
		struct statedb_item_in items[40];
		char ids[40][32];
		for (int i = 0; i < 40; i++) {
			snprintf(ids[i], sizeof ids[i], "ev-%d", i);
			items[i] = item(ids[i], "{\"rule\":\"crash test\",\"output\":\"xxxxxxxxxxxxxxxx\"}");
		}
		struct statedb_esc e = { .kind = ESC_NEW, .name = "crash" };
		_exit(statedb_queue(db, &e, items, 40) > 0 ? 0 : 4);
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (WIFSIGNALED(status)) {
		assert_int_equal(WTERMSIG(status), SIGKILL);
		return true;
	}
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	return false;
}

static void test_crash_inside_transaction(void **state)
{
	(void)state;
	char *dir = tmp_dir();
	statedb_close(open_ok(dir));
	int killed = 0, completed = 0;
	int64_t expect = 0;
	for (int steps = 1; steps < 200000 && completed < 2; steps = steps * 3 / 2 + 7) {
		if (crash_queue(dir, steps))
			killed++;
		else {
			completed++;
			expect++;
		}
		struct statedb *db = open_ok(dir);
		char *ic = sql_text(db, "PRAGMA integrity_check");
		assert_string_equal(ic, "ok");
		free(ic);
		/* all or nothing: every escalation has its 40 items */
		assert_int_equal(sql_int(db, "SELECT count(*) FROM escalations"), expect);
		assert_int_equal(sql_int(db, "SELECT count(*) FROM items"), expect * 40);
		statedb_close(db);
	}
	assert_true(killed >= 5);
	assert_int_equal(completed, 2);
	rm_dir(dir);
}

static void test_disk_full(void **state)
{
	(void)state;
	char *dir = tmp_dir();
	struct statedb *db = open_ok(dir);
	struct statedb_esc e = { .kind = ESC_NEW, .name = "fill" };
	char *big = xmalloc(20000);
	memset(big, 'x', 19999);
	big[19999] = '\0';
	struct statedb_item_in it = item("first", big);
	assert_true(statedb_queue(db, &e, &it, 1) > 0);
	int64_t pages = sql_int(db, "PRAGMA page_count");
	char *sql = xasprintf("PRAGMA max_page_count = %lld", (long long)pages + 30);
	assert_int_equal(sqlite3_exec(statedb_handle(db), sql, NULL, NULL, NULL), SQLITE_OK);
	free(sql);
	int ok = 0;
	int64_t r = 0;
	for (int i = 0; i < 100 && r >= 0; i++) {
		char id[32];
		snprintf(id, sizeof id, "ev-%d", i);
		struct statedb_item_in v[3] = { item(id, big), item("x1", big), item("x2", big) };
		r = statedb_queue(db, &e, v, 3);
		ok += r > 0;
	}
	assert_int_equal(r, -1);
	assert_non_null(strstr(statedb_error(db), "full"));
	assert_int_equal(sql_int(db, "SELECT count(*) FROM escalations"), 1 + ok);
	assert_int_equal(sql_int(db, "SELECT count(*) FROM items"), 1 + 3 * ok);
	statedb_close(db);
	db = open_ok(dir);
	char *ic = sql_text(db, "PRAGMA integrity_check");
	assert_string_equal(ic, "ok");
	free(ic);
	assert_true(statedb_queue(db, &e, &it, 1) > 0); /* space again */
	statedb_close(db);
	free(big);
	rm_dir(dir);
}

static void test_unwritable_directory(void **state)
{
	(void)state;
	char *err = NULL;
	char *dir = tmp_dir();
	const char *target = dir;
	if (geteuid() == 0) {
		/* root ignores modes; sysfs refuses new files even to root */
		if (access("/sys", F_OK) != 0) {
			printf("# no /sys: unwritable directory check not run as root\n");
			rm_dir(dir);
			return;
		}
		target = "/sys";
	} else {
		assert_int_equal(mkdir(dir, 0500), 0);
	}
	assert_null(statedb_open(target, &err));
	assert_non_null(err);
	assert_non_null(strstr(err, target));
	free(err);
	/* a state "directory" that is a file */
	char *file = xasprintf("%s.file", dir);
	FILE *f = fopen(file, "w");
	assert_non_null(f);
	fclose(f);
	assert_null(statedb_open(file, &err));
	assert_non_null(strstr(err, "not a directory"));
	free(err);
	unlink(file);
	free(file);
	chmod(dir, 0700);
	rm_dir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_creates_private_files),
		cmocka_unit_test(test_second_open_keeps_locks),
		cmocka_unit_test(test_migration_and_newer_schema),
		cmocka_unit_test(test_life_cycle),
		cmocka_unit_test(test_attempts_and_failures),
		cmocka_unit_test(test_case_peek),
		cmocka_unit_test(test_open_readonly),
		cmocka_unit_test(test_annotations_and_history),
		cmocka_unit_test(test_items_load),
		cmocka_unit_test(test_forward_batch_grouping),
		cmocka_unit_test(test_crash_inside_transaction),
		cmocka_unit_test(test_disk_full),
		cmocka_unit_test(test_unwritable_directory),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
