/* statedb.c — see statedb.h. */
#include "core/statedb.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "core/cef.h"
#include "core/util.h"

#define BUSY_TIMEOUT_MS 5000
#define BUSY_TIMEOUT_RO_MS 1000 /* --status: a reader waits only for a WAL reset */

#define STMT_CACHE 64

struct statedb {
	sqlite3 *h;
	char *path;
	char instance[24];
	char err[256];
	/* Prepared statements by SQL text; every SQL string here is a literal,
	 * so its address identifies it. Parsing SQL again for each of the
	 * forwarder's several statements per event dominated its cost. */
	struct {
		const char *sql;
		sqlite3_stmt *st;
	} cache[STMT_CACHE];
};

const char *esc_state_name(enum esc_state s)
{
	static const char *const n[] = { "queued", "sending", "sent", "failed", "cancelled" };
	return (unsigned)s < ARRAY_LEN(n) ? n[s] : "?";
}

/* ---- plumbing -------------------------------------------------------------- */

static int fail(struct statedb *db, const char *what)
{
	snprintf(db->err, sizeof db->err, "%s: %s", what, sqlite3_errmsg(db->h));
	return -1;
}

static int exec(struct statedb *db, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(db->h, sql, NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(db->err, sizeof db->err, "%s", msg ? msg : sqlite3_errmsg(db->h));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

/* A statement for sql, from the cache when it has been prepared before.
 * Give it back with done(). */
static sqlite3_stmt *prep(struct statedb *db, const char *sql)
{
	size_t i;
	for (i = 0; i < STMT_CACHE && db->cache[i].sql; i++) {
		if (db->cache[i].sql == sql) {
			sqlite3_stmt *st = db->cache[i].st;
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			return st;
		}
	}
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v3(db->h, sql, -1, i < STMT_CACHE ? SQLITE_PREPARE_PERSISTENT : 0, &st,
			       NULL) != SQLITE_OK) {
		fail(db, "prepare");
		return NULL;
	}
	if (i < STMT_CACHE) {
		db->cache[i].sql = sql;
		db->cache[i].st = st;
	}
	return st;
}

/* Ends the use of a statement from prep(): cached ones are reset (which
 * also ends their read transaction), others finalized. */
static void done(struct statedb *db, sqlite3_stmt *st)
{
	for (size_t i = 0; i < STMT_CACHE && db->cache[i].sql; i++) {
		if (db->cache[i].st == st) {
			sqlite3_reset(st);
			return;
		}
	}
	sqlite3_finalize(st);
}

static int begin(struct statedb *db)
{
	return exec(db, "BEGIN IMMEDIATE");
}

static int commit(struct statedb *db)
{
	if (exec(db, "COMMIT") == 0)
		return 0;
	char keep[sizeof db->err];
	memcpy(keep, db->err, sizeof keep);
	sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
	memcpy(db->err, keep, sizeof keep);
	return -1;
}

/* Rolls back, keeping the error text of what failed. */
static int rollback(struct statedb *db)
{
	char keep[sizeof db->err];
	memcpy(keep, db->err, sizeof keep);
	sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
	memcpy(db->err, keep, sizeof keep);
	return -1;
}

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

/* Runs a statement to completion: 0, or -1 with the error recorded. */
static int step_done(struct statedb *db, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return fail(db, what);
	return 0;
}

static char *col_text(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);
	return s ? xstrdup((const char *)s) : NULL;
}

/* A one-shot statement with up to three integer parameters. */
static int exec_ints(struct statedb *db, const char *sql, int64_t a, int64_t b, int64_t c)
{
	sqlite3_stmt *st = prep(db, sql);
	if (!st)
		return -1;
	int n = sqlite3_bind_parameter_count(st);
	if (n >= 1)
		sqlite3_bind_int64(st, 1, a);
	if (n >= 2)
		sqlite3_bind_int64(st, 2, b);
	if (n >= 3)
		sqlite3_bind_int64(st, 3, c);
	int rc = step_done(db, st, "update");
	done(db, st);
	return rc;
}

/* ---- schema ---------------------------------------------------------------- */

static const char *const migrations[] = {
	/* 0 -> 1 */
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"CREATE TABLE annotations(event_id TEXT PRIMARY KEY, text TEXT NOT NULL, author TEXT,"
	" created INTEGER NOT NULL, updated INTEGER NOT NULL);"
	"CREATE TABLE escalations(id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" created INTEGER NOT NULL, updated INTEGER NOT NULL, kind INTEGER NOT NULL,"
	" target_container INTEGER, name TEXT, severity TEXT, label TEXT, sensitivity TEXT,"
	" container_type TEXT, sdi TEXT NOT NULL, state INTEGER NOT NULL,"
	" container_id INTEGER, attempts INTEGER NOT NULL DEFAULT 0,"
	" next_attempt_at INTEGER NOT NULL DEFAULT 0, last_error TEXT,"
	" promoted INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX esc_due ON escalations(state, next_attempt_at);"
	"CREATE TABLE items(escalation_id INTEGER NOT NULL REFERENCES escalations(id) ON DELETE CASCADE,"
	" position INTEGER NOT NULL, event_id TEXT NOT NULL, raw BLOB NOT NULL,"
	" sent INTEGER NOT NULL DEFAULT 0, artifact_id INTEGER,"
	" PRIMARY KEY(escalation_id, position));"
	"CREATE TABLE notes(id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" escalation_id INTEGER NOT NULL REFERENCES escalations(id) ON DELETE CASCADE,"
	" event_id TEXT NOT NULL, author TEXT, text TEXT NOT NULL, created INTEGER NOT NULL,"
	" sent INTEGER NOT NULL DEFAULT 0, note_id INTEGER);"
	"CREATE TABLE history(id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL,"
	" line TEXT NOT NULL, time INTEGER NOT NULL);"
	"CREATE INDEX history_kind ON history(kind, id);",
	/* 1 -> 2: grouping for --forward-only, and finding an event's escalations */
	"ALTER TABLE escalations ADD COLUMN group_key TEXT;"
	"CREATE INDEX esc_group ON escalations(group_key, created) WHERE group_key IS NOT NULL;"
	"CREATE INDEX items_event ON items(event_id);",
	/* 2 -> 3: when a note was last posted, to let an unanswered post settle */
	"ALTER TABLE notes ADD COLUMN attempt_at INTEGER NOT NULL DEFAULT 0;",
	/* 3 -> 4: attempts counts every attempt for good; the failures in a
	 * row (what backoff and --retry-max go by) get their own column. Until
	 * now attempts was exactly that run of failures. */
	("ALTER TABLE escalations ADD COLUMN failures INTEGER NOT NULL DEFAULT 0;"
	 "UPDATE escalations SET failures = attempts;"),
};

static int user_version(struct statedb *db)
{
	sqlite3_stmt *st = prep(db, "PRAGMA user_version");
	if (!st)
		return -1;
	int v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
	done(db, st);
	return v;
}

static int migrate(struct statedb *db, int target)
{
	if (begin(db))
		return -1;
	int v = user_version(db);
	if (v < 0)
		return rollback(db);
	if (v > (int)ARRAY_LEN(migrations)) {
		snprintf(db->err, sizeof db->err,
			 "%s has schema version %d, newer than this socterm (%d)", db->path, v,
			 (int)ARRAY_LEN(migrations));
		return rollback(db);
	}
	for (; v < target; v++) {
		if (exec(db, migrations[v]))
			return rollback(db);
		char sql[48];
		snprintf(sql, sizeof sql, "PRAGMA user_version = %d", v + 1);
		if (exec(db, sql))
			return rollback(db);
	}
	return commit(db);
}

/* The instance id: created once, random. */
static int load_instance(struct statedb *db)
{
	sqlite3_stmt *st = prep(db, "SELECT value FROM meta WHERE key = 'instance'");
	if (!st)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(db->instance, sizeof db->instance, "%s", (const char *)sqlite3_column_text(st, 0));
		done(db, st);
		return 0;
	}
	done(db, st);
	uint64_t r = 0;
	if (getrandom(&r, sizeof r, 0) != (ssize_t)sizeof r)
		r = (uint64_t)now_ns() ^ ((uint64_t)getpid() << 32);
	snprintf(db->instance, sizeof db->instance, "%016llx", (unsigned long long)r);
	st = prep(db, "INSERT OR IGNORE INTO meta(key, value) VALUES ('instance', ?)");
	if (!st)
		return -1;
	bind_text(st, 1, db->instance);
	int rc = step_done(db, st, "instance");
	done(db, st);
	return rc;
}

/* Creates the directory (0700) and the file (0600) before SQLite does, so
 * neither depends on the umask; SQLite gives -wal/-shm the file's mode.
 * An existing file is left alone: close() of any descriptor of it drops
 * every POSIX lock this process holds on it, those of connections already
 * open included (the UI's or --forward-only's when the forwarder opens its
 * own). Without its shared lock, another process closing the database (say
 * `socterm --status`) takes the exclusive lock, checkpoints and unlinks the
 * WAL, and this process goes on committing into the unlinked file: nobody
 * else sees those commits, and a kill -9 loses them. */
static int prepare_files(const char *dir, const char *path, char **err)
{
	struct stat sb;
	if (stat(dir, &sb) != 0) {
		if (mkdir_p(dir, 0700) != 0) {
			*err = xasprintf("cannot create state directory %s: %s", dir, strerror(errno));
			return -1;
		}
	} else if (!S_ISDIR(sb.st_mode)) {
		*err = xasprintf("state directory %s is not a directory", dir);
		return -1;
	}
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 && errno != EEXIST) {
		*err = xasprintf("cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	if (fd >= 0)
		close(fd); /* new, so nobody here has it open yet */
	return 0;
}

/* A connection to path (taken over: freed with the db, or on failure). */
static struct statedb *open_handle(char *path, int flags, int busy_ms, char **err)
{
	struct statedb *db = xcalloc(1, sizeof *db);
	db->path = path;
	int rc = sqlite3_open_v2(path, &db->h, flags | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		*err = xasprintf("cannot open %s: %s", path, db->h ? sqlite3_errmsg(db->h) : sqlite3_errstr(rc));
		statedb_close(db);
		return NULL;
	}
	sqlite3_busy_timeout(db->h, busy_ms);
	sqlite3_extended_result_codes(db->h, 1);
	return db;
}

struct statedb *statedb_open_version(const char *dir, int version, char **err)
{
	*err = NULL;
	char *path = xasprintf("%s/socterm.db", dir);
	if (prepare_files(dir, path, err)) {
		free(path);
		return NULL;
	}
	struct statedb *db = open_handle(path, SQLITE_OPEN_READWRITE, BUSY_TIMEOUT_MS, err);
	if (!db)
		return NULL;
	if (exec(db, "PRAGMA journal_mode = WAL") || exec(db, "PRAGMA synchronous = FULL") ||
	    exec(db, "PRAGMA foreign_keys = ON") || migrate(db, version) ||
	    (version >= 1 && load_instance(db))) {
		*err = xasprintf("%s: %s", path, db->err);
		statedb_close(db);
		return NULL;
	}
	return db;
}

/* No state yet: no file, or one that was created but never set up. */
static bool no_state_yet(const char *path)
{
	struct stat sb;
	return stat(path, &sb) != 0 ? errno == ENOENT : sb.st_size == 0;
}

struct statedb *statedb_open_readonly(const char *dir, char **err)
{
	*err = NULL;
	char *path = xasprintf("%s/socterm.db", dir);
	if (no_state_yet(path)) {
		free(path);
		return NULL;
	}
	struct statedb *db = open_handle(path, SQLITE_OPEN_READONLY, BUSY_TIMEOUT_RO_MS, err);
	if (!db)
		return NULL;
	/* the last connection to close would checkpoint and remove the WAL,
	 * under the feet of a forwarder that lost its locks (prepare_files) */
	sqlite3_db_config(db->h, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
	int v = user_version(db);
	if (v < 0 || v > STATEDB_VERSION) {
		*err = v < 0 ? xasprintf("%s: %s", path, db->err)
			     : xasprintf("%s has schema version %d, newer than this socterm (%d)", path, v,
					 STATEDB_VERSION);
		statedb_close(db);
		return NULL;
	}
	if (v == 0) { /* created, never set up: nothing to read */
		statedb_close(db);
		return NULL;
	}
	return db;
}

int statedb_relax_durability(struct statedb *db)
{
	return exec(db, "PRAGMA synchronous = NORMAL");
}

struct statedb *statedb_open(const char *dir, char **err)
{
	return statedb_open_version(dir, STATEDB_VERSION, err);
}

void statedb_close(struct statedb *db)
{
	if (!db)
		return;
	for (size_t i = 0; i < STMT_CACHE && db->cache[i].sql; i++)
		sqlite3_finalize(db->cache[i].st);
	sqlite3_close_v2(db->h);
	free(db->path);
	free(db);
}

const char *statedb_error(const struct statedb *db)
{
	return db->err;
}

int statedb_version(struct statedb *db)
{
	return user_version(db);
}

const char *statedb_instance(const struct statedb *db)
{
	return db->instance;
}

sqlite3 *statedb_handle(struct statedb *db)
{
	return db->h;
}

/* ---- annotations ----------------------------------------------------------- */

/* Queues (or refreshes) a note of this event for every escalation holding
 * it; sent escalations go back to the queue. Returns the count or -1. */
static int queue_event_notes(struct statedb *db, const char *event_id, const char *text,
			     const char *author, int64_t now)
{
	sqlite3_stmt *q = prep(db, "SELECT DISTINCT e.id, e.state FROM escalations e JOIN items i"
				   " ON i.escalation_id = e.id WHERE i.event_id = ? AND e.state != 4");
	if (!q)
		return -1;
	bind_text(q, 1, event_id);
	int count = 0, rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		int64_t esc = sqlite3_column_int64(q, 0);
		int state = sqlite3_column_int(q, 1);
		sqlite3_stmt *u = prep(db, "UPDATE notes SET text = ?, author = ?, created = ?"
					   " WHERE escalation_id = ? AND event_id = ? AND sent = 0");
		if (!u)
			break;
		bind_text(u, 1, text);
		bind_text(u, 2, author);
		sqlite3_bind_int64(u, 3, now);
		sqlite3_bind_int64(u, 4, esc);
		bind_text(u, 5, event_id);
		int r = step_done(db, u, "note");
		done(db, u);
		if (r)
			break;
		if (sqlite3_changes(db->h) == 0) {
			u = prep(db, "INSERT INTO notes(escalation_id, event_id, author, text, created)"
				     " VALUES (?, ?, ?, ?, ?)");
			if (!u)
				break;
			sqlite3_bind_int64(u, 1, esc);
			bind_text(u, 2, event_id);
			bind_text(u, 3, author);
			bind_text(u, 4, text);
			sqlite3_bind_int64(u, 5, now);
			r = step_done(db, u, "note");
			done(db, u);
			if (r)
				break;
		}
		if (state == ESC_SENT &&
		    exec_ints(db, "UPDATE escalations SET state = 0, next_attempt_at = 0, updated = ?"
				  " WHERE id = ?", now, esc, 0))
			break;
		count++;
	}
	if (rc != SQLITE_DONE) {
		if (rc != SQLITE_ROW)
			fail(db, "notes");
		done(db, q);
		return -1;
	}
	done(db, q);
	return count;
}

int statedb_annotate(struct statedb *db, const char *event_id, const char *text, const char *author)
{
	int64_t now = now_ns();
	if (begin(db))
		return -1;
	sqlite3_stmt *st;
	int count = 0;
	if (!text || !*text) {
		st = prep(db, "DELETE FROM annotations WHERE event_id = ?");
		if (!st)
			return rollback(db);
		bind_text(st, 1, event_id);
		int rc = step_done(db, st, "annotation");
		done(db, st);
		if (rc)
			return rollback(db);
		st = prep(db, "DELETE FROM notes WHERE event_id = ? AND sent = 0");
		if (!st)
			return rollback(db);
		bind_text(st, 1, event_id);
		rc = step_done(db, st, "annotation");
		done(db, st);
		if (rc)
			return rollback(db);
	} else {
		st = prep(db, "INSERT INTO annotations(event_id, text, author, created, updated)"
			      " VALUES (?1, ?2, ?3, ?4, ?4) ON CONFLICT(event_id) DO UPDATE SET"
			      " text = excluded.text, author = excluded.author, updated = excluded.updated");
		if (!st)
			return rollback(db);
		bind_text(st, 1, event_id);
		bind_text(st, 2, text);
		bind_text(st, 3, author);
		sqlite3_bind_int64(st, 4, now);
		int rc = step_done(db, st, "annotation");
		done(db, st);
		if (rc)
			return rollback(db);
		count = queue_event_notes(db, event_id, text, author, now);
		if (count < 0)
			return rollback(db);
	}
	return commit(db) ? -1 : count;
}

int statedb_annotations_load(struct statedb *db, statedb_annotation_cb cb, void *ctx)
{
	sqlite3_stmt *st = prep(db, "SELECT event_id, text, author, updated FROM annotations ORDER BY updated");
	if (!st)
		return -1;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		cb(ctx, (const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1),
		   (const char *)sqlite3_column_text(st, 2), sqlite3_column_int64(st, 3));
	done(db, st);
	return rc == SQLITE_DONE ? 0 : fail(db, "annotations");
}

/* ---- queuing --------------------------------------------------------------- */

static int64_t insert_escalation(struct statedb *db, const struct statedb_esc *e, const char *sdi,
				 int64_t now)
{
	sqlite3_stmt *st = prep(db,
		"INSERT INTO escalations(created, updated, kind, target_container, name, severity,"
		" label, sensitivity, container_type, sdi, state, container_id, group_key)"
		" VALUES (?1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 0, ?10, ?11)");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int(st, 2, e->kind);
	if (e->kind == ESC_EXISTING) {
		sqlite3_bind_int64(st, 3, e->target_container);
		sqlite3_bind_int64(st, 10, e->target_container);
	}
	bind_text(st, 4, e->name);
	bind_text(st, 5, e->severity);
	bind_text(st, 6, e->label);
	bind_text(st, 7, e->sensitivity);
	bind_text(st, 8, e->container_type);
	bind_text(st, 9, sdi);
	bind_text(st, 11, e->group_key);
	int rc = step_done(db, st, "queue");
	done(db, st);
	return rc ? -1 : sqlite3_last_insert_rowid(db->h);
}

static int insert_item(struct statedb *db, int64_t esc, int position, const struct statedb_item_in *it)
{
	sqlite3_stmt *st = prep(db, "INSERT INTO items(escalation_id, position, event_id, raw) VALUES (?, ?, ?, ?)");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, esc);
	sqlite3_bind_int(st, 2, position);
	bind_text(st, 3, it->event_id);
	sqlite3_bind_blob64(st, 4, it->raw ? it->raw : "", it->len, SQLITE_TRANSIENT);
	int rc = step_done(db, st, "queue item");
	done(db, st);
	return rc;
}

/* Notes for the annotated events of a new escalation. */
static int queue_annotations(struct statedb *db, int64_t esc, int64_t now)
{
	sqlite3_stmt *st = prep(db,
		"INSERT INTO notes(escalation_id, event_id, author, text, created)"
		" SELECT ?1, a.event_id, a.author, a.text, ?2 FROM annotations a"
		" WHERE a.event_id IN (SELECT event_id FROM items WHERE escalation_id = ?1)");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, esc);
	sqlite3_bind_int64(st, 2, now);
	int rc = step_done(db, st, "queue notes");
	done(db, st);
	return rc;
}

int64_t statedb_queue(struct statedb *db, const struct statedb_esc *e,
		      const struct statedb_item_in *items, size_t n)
{
	if (n == 0 || (e->kind == ESC_EXISTING && e->target_container <= 0)) {
		snprintf(db->err, sizeof db->err, "nothing to escalate");
		return -1;
	}
	const char **ids = xcalloc(n, sizeof *ids);
	for (size_t i = 0; i < n; i++)
		ids[i] = items[i].event_id;
	char *sdi = e->sdi ? xstrdup(e->sdi) : cef_sdi(ids, n);
	int64_t now = now_ns(), esc = -1;
	if (begin(db))
		goto out;
	esc = insert_escalation(db, e, sdi, now);
	int pos = 0;
	for (size_t i = 0; esc > 0 && i < n; i++) {
		bool dup = false;
		for (size_t j = 0; j < i && !dup; j++)
			dup = strcmp(ids[i], ids[j]) == 0;
		if (!dup && insert_item(db, esc, pos++, &items[i]))
			esc = -1;
	}
	if (esc < 0 || queue_annotations(db, esc, now)) {
		rollback(db);
		esc = -1;
	} else if (commit(db)) {
		esc = -1;
	}
out:
	free(sdi);
	free(ids);
	return esc;
}

static bool event_in_outbox(struct statedb *db, const char *event_id, int *err)
{
	sqlite3_stmt *st = prep(db, "SELECT 1 FROM items i JOIN escalations e ON e.id = i.escalation_id"
				    " WHERE i.event_id = ? AND e.state != 4 LIMIT 1");
	if (!st) {
		*err = 1;
		return false;
	}
	bind_text(st, 1, event_id);
	int rc = sqlite3_step(st);
	done(db, st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		*err = fail(db, "lookup");
	return rc == SQLITE_ROW;
}

/* Joins the event to the newest open escalation of its group. 1 joined,
 * 0 no such escalation, -1 error. */
static int join_group(struct statedb *db, const struct statedb_fwd_in *in, int64_t since, int64_t now)
{
	sqlite3_stmt *st = prep(db, "SELECT id, state FROM escalations WHERE group_key = ? AND kind = 0"
				    " AND created >= ? AND state IN (0, 1, 2) ORDER BY created DESC LIMIT 1");
	if (!st)
		return -1;
	bind_text(st, 1, in->group_key);
	sqlite3_bind_int64(st, 2, since);
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		done(db, st);
		return rc == SQLITE_DONE ? 0 : fail(db, "group");
	}
	int64_t esc = sqlite3_column_int64(st, 0);
	int state = sqlite3_column_int(st, 1);
	done(db, st);
	st = prep(db, "SELECT coalesce(max(position), -1) + 1 FROM items WHERE escalation_id = ?");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, esc);
	int pos = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	done(db, st);
	if (insert_item(db, esc, pos, &in->item) || queue_annotations(db, esc, now))
		return -1;
	if (state == ESC_SENT &&
	    exec_ints(db, "UPDATE escalations SET state = 0, next_attempt_at = 0, updated = ? WHERE id = ?",
		      now, esc, 0))
		return -1;
	return 1;
}

int statedb_forward_batch(struct statedb *db, const struct statedb_fwd_in *v, size_t n,
			  const struct statedb_batch_opts *o, struct statedb_batch_result *res)
{
	static const struct statedb_batch_opts none;
	struct statedb_batch_result r = { 0, 0, 0 };
	if (!o)
		o = &none;
	int64_t now = now_ns();
	if (begin(db))
		return -1;
	for (size_t i = 0; i < n; i++) {
		int err = 0;
		if (event_in_outbox(db, v[i].item.event_id, &err)) {
			r.skipped++;
			continue;
		}
		if (err)
			return rollback(db);
		if (o->window_ns > 0 && v[i].group_key) {
			int j = join_group(db, &v[i], now - o->window_ns, now);
			if (j < 0)
				return rollback(db);
			if (j == 1) {
				r.joined++;
				continue;
			}
		}
		struct statedb_esc e = {
			.kind = ESC_NEW, .name = v[i].name, .severity = v[i].severity,
			.label = o->label, .sensitivity = o->sensitivity,
			.container_type = o->container_type,
			.group_key = o->window_ns > 0 ? v[i].group_key : NULL,
		};
		const char *ids[] = { v[i].item.event_id };
		char *sdi = cef_sdi(ids, 1);
		int64_t esc = insert_escalation(db, &e, sdi, now);
		free(sdi);
		if (esc < 0 || insert_item(db, esc, 0, &v[i].item) || queue_annotations(db, esc, now))
			return rollback(db);
		r.created++;
	}
	if (commit(db))
		return -1;
	if (res)
		*res = r;
	return 0;
}

/* ---- cases ----------------------------------------------------------------- */

#define CASE_COLUMNS \
	"SELECT e.id, e.created, e.updated, e.next_attempt_at, e.kind, e.state, e.container_id," \
	" e.target_container, e.attempts," \
	" (SELECT count(*) FROM items WHERE escalation_id = e.id)," \
	" (SELECT count(*) FROM items WHERE escalation_id = e.id AND sent = 1)," \
	" (SELECT count(*) FROM notes WHERE escalation_id = e.id)," \
	" (SELECT count(*) FROM notes WHERE escalation_id = e.id AND sent = 1)," \
	" e.name, e.severity, e.sdi, e.last_error, e.label, e.sensitivity, e.container_type" \
	" FROM escalations e "

static void read_case(sqlite3_stmt *st, struct statedb_case *c)
{
	c->id = sqlite3_column_int64(st, 0);
	c->created_ns = sqlite3_column_int64(st, 1);
	c->updated_ns = sqlite3_column_int64(st, 2);
	c->next_attempt_ns = sqlite3_column_int64(st, 3);
	c->kind = (enum esc_kind)sqlite3_column_int(st, 4);
	c->state = (enum esc_state)sqlite3_column_int(st, 5);
	c->container_id = sqlite3_column_int64(st, 6);
	c->target_container = sqlite3_column_int64(st, 7);
	c->attempts = sqlite3_column_int(st, 8);
	c->items = sqlite3_column_int(st, 9);
	c->items_sent = sqlite3_column_int(st, 10);
	c->notes = sqlite3_column_int(st, 11);
	c->notes_sent = sqlite3_column_int(st, 12);
	c->name = col_text(st, 13);
	c->severity = col_text(st, 14);
	c->sdi = col_text(st, 15);
	c->last_error = col_text(st, 16);
	c->label = col_text(st, 17);
	c->sensitivity = col_text(st, 18);
	c->container_type = col_text(st, 19);
}

void statedb_case_clear(struct statedb_case *c)
{
	free(c->name);
	free(c->severity);
	free(c->sdi);
	free(c->last_error);
	free(c->label);
	free(c->sensitivity);
	free(c->container_type);
	memset(c, 0, sizeof *c);
}

int statedb_cases(struct statedb *db, int limit, struct statedb_case **out)
{
	*out = NULL;
	sqlite3_stmt *st = prep(db, CASE_COLUMNS "ORDER BY e.id DESC LIMIT ?");
	if (!st)
		return -1;
	sqlite3_bind_int(st, 1, limit > 0 ? limit : -1);
	struct statedb_case *v = NULL;
	size_t n = 0, cap = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		v = xgrow(v, &cap, n + 1, sizeof *v);
		read_case(st, &v[n++]);
	}
	done(db, st);
	if (rc != SQLITE_DONE) {
		statedb_cases_free(v, (int)n);
		return fail(db, "cases");
	}
	*out = v;
	return (int)n;
}

/* One case by id. busy_ms: how long to wait for a lock held elsewhere
 * (returns 1 when it is still held then). */
static int case_lookup(struct statedb *db, int64_t id, struct statedb_case *out, int busy_ms)
{
	memset(out, 0, sizeof *out);
	sqlite3_stmt *st = prep(db, CASE_COLUMNS "WHERE e.id = ?");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_busy_timeout(db->h, busy_ms);
	int rc = sqlite3_step(st);
	sqlite3_busy_timeout(db->h, BUSY_TIMEOUT_MS);
	if (rc == SQLITE_ROW)
		read_case(st, out);
	done(db, st);
	if (rc == SQLITE_ROW)
		return 0;
	if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
		return 1;
	if (rc == SQLITE_DONE)
		snprintf(db->err, sizeof db->err, "no escalation %lld", (long long)id);
	else
		fail(db, "case");
	return -1;
}

int statedb_case_get(struct statedb *db, int64_t id, struct statedb_case *out)
{
	return case_lookup(db, id, out, BUSY_TIMEOUT_MS);
}

int statedb_case_peek(struct statedb *db, int64_t id, struct statedb_case *out)
{
	/* the caller is the UI thread: a lock held elsewhere is tried again later */
	return case_lookup(db, id, out, 0);
}

void statedb_cases_free(struct statedb_case *v, int n)
{
	for (int i = 0; i < n; i++)
		statedb_case_clear(&v[i]);
	free(v);
}

int statedb_case_events(struct statedb *db, int64_t id, statedb_raw_cb cb, void *ctx)
{
	sqlite3_stmt *st = prep(db, "SELECT event_id, raw FROM items WHERE escalation_id = ?"
				    " ORDER BY position");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		cb(ctx, (const char *)sqlite3_column_text(st, 0), sqlite3_column_blob(st, 1),
		   (size_t)sqlite3_column_bytes(st, 1));
	int r = rc == SQLITE_DONE ? 0 : fail(db, "items");
	done(db, st);
	return r;
}

int statedb_items_load(struct statedb *db, int limit, statedb_item_cb cb, void *ctx)
{
	sqlite3_stmt *st = prep(db, "SELECT i.event_id, i.escalation_id FROM items i WHERE"
				    " i.escalation_id IN (SELECT id FROM escalations ORDER BY id DESC LIMIT ?)"
				    " ORDER BY i.escalation_id, i.position");
	if (!st)
		return -1;
	sqlite3_bind_int(st, 1, limit > 0 ? limit : -1);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		cb(ctx, (const char *)sqlite3_column_text(st, 0), sqlite3_column_int64(st, 1));
	int r = rc == SQLITE_DONE ? 0 : fail(db, "items");
	done(db, st);
	return r;
}

static int change_state(struct statedb *db, int64_t id, const char *sql, const char *refusal)
{
	if (exec_ints(db, sql, now_ns(), id, 0))
		return -1;
	if (sqlite3_changes(db->h) == 0) {
		/* an id that is not there is a typo, not a state to explain */
		if ((int)statedb_state(db, id) < 0)
			snprintf(db->err, sizeof db->err, "no escalation %lld", (long long)id);
		else
			snprintf(db->err, sizeof db->err, "escalation %lld %s", (long long)id, refusal);
		return -1;
	}
	return 0;
}

int statedb_retry(struct statedb *db, int64_t id)
{
	/* attempts stay: they count every attempt, this one's included */
	return change_state(db, id,
		"UPDATE escalations SET state = 0, failures = 0, next_attempt_at = 0, last_error = NULL,"
		" updated = ?1 WHERE id = ?2 AND state IN (0, 3)",
		"is not failed or queued");
}

int statedb_cancel(struct statedb *db, int64_t id)
{
	return change_state(db, id,
		"UPDATE escalations SET state = 4, updated = ?1 WHERE id = ?2 AND state IN (0, 1, 3)",
		"is already sent or cancelled");
}

int statedb_counts(struct statedb *db, int counts[5])
{
	memset(counts, 0, 5 * sizeof *counts);
	sqlite3_stmt *st = prep(db, "SELECT state, count(*) FROM escalations GROUP BY state");
	if (!st)
		return -1;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int s = sqlite3_column_int(st, 0);
		if (s >= 0 && s < 5)
			counts[s] = sqlite3_column_int(st, 1);
	}
	done(db, st);
	return rc == SQLITE_DONE ? 0 : fail(db, "counts");
}

/* ---- forwarder ------------------------------------------------------------- */

int statedb_recover(struct statedb *db)
{
	return exec_ints(db, "UPDATE escalations SET state = 0, updated = ? WHERE state = 1", now_ns(), 0, 0);
}

static int load_items(struct statedb *db, struct statedb_work *w)
{
	/* bytes only where still needed: unsent items, and events with a note
	 * to send (its rule and time go into the note) */
	sqlite3_stmt *st = prep(db, "SELECT position, event_id, CASE WHEN sent = 0 OR event_id IN"
				    " (SELECT event_id FROM notes WHERE escalation_id = ?1 AND sent = 0)"
				    " THEN raw END, sent, artifact_id FROM items WHERE escalation_id = ?1"
				    " ORDER BY position");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, w->id);
	size_t cap = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		w->items = xgrow(w->items, &cap, w->nitems + 1, sizeof *w->items);
		struct statedb_work_item *it = &w->items[w->nitems++];
		memset(it, 0, sizeof *it);
		it->position = sqlite3_column_int(st, 0);
		it->event_id = col_text(st, 1);
		const void *raw = sqlite3_column_blob(st, 2);
		it->len = (size_t)sqlite3_column_bytes(st, 2);
		it->raw = xmalloc(it->len + 1);
		if (raw)
			memcpy(it->raw, raw, it->len);
		it->raw[it->len] = '\0';
		it->sent = sqlite3_column_int(st, 3) != 0;
		it->artifact_id = sqlite3_column_int64(st, 4);
	}
	done(db, st);
	return rc == SQLITE_DONE ? 0 : fail(db, "items");
}

static int load_notes(struct statedb *db, struct statedb_work *w)
{
	sqlite3_stmt *st = prep(db, "SELECT id, event_id, author, text, attempt_at FROM notes"
				    " WHERE escalation_id = ? AND sent = 0 ORDER BY id");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, w->id);
	size_t cap = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		w->notes = xgrow(w->notes, &cap, w->nnotes + 1, sizeof *w->notes);
		struct statedb_work_note *n = &w->notes[w->nnotes++];
		memset(n, 0, sizeof *n);
		n->id = sqlite3_column_int64(st, 0);
		n->event_id = col_text(st, 1);
		n->author = col_text(st, 2);
		n->text = col_text(st, 3);
		n->attempt_ns = sqlite3_column_int64(st, 4);
	}
	done(db, st);
	return rc == SQLITE_DONE ? 0 : fail(db, "notes");
}

int statedb_claim(struct statedb *db, int64_t now, struct statedb_work *w)
{
	memset(w, 0, sizeof *w);
	if (begin(db))
		return -1;
	sqlite3_stmt *st = prep(db,
		"SELECT id, kind, target_container, container_id, name, severity, label, sensitivity,"
		" container_type, sdi, attempts, promoted, failures FROM escalations"
		/* The oldest of: fresh (next_attempt_at 0) and due retries, each an
		 * index seek; "ORDER BY id" over the due range sorted the whole
		 * queue on every claim, too slow with a large backlog. */
		" WHERE id = (SELECT min(id) FROM ("
		"  SELECT min(id) AS id FROM escalations WHERE state = 0 AND next_attempt_at = 0"
		"  UNION ALL SELECT min(id) FROM escalations"
		"  WHERE state = 0 AND next_attempt_at > 0 AND next_attempt_at <= ?))");
	if (!st)
		return rollback(db);
	sqlite3_bind_int64(st, 1, now);
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		done(db, st);
		if (rc != SQLITE_DONE) {
			fail(db, "claim");
			return rollback(db);
		}
		return commit(db) ? -1 : 0;
	}
	w->id = sqlite3_column_int64(st, 0);
	w->kind = (enum esc_kind)sqlite3_column_int(st, 1);
	w->target_container = sqlite3_column_int64(st, 2);
	w->container_id = sqlite3_column_int64(st, 3);
	w->name = col_text(st, 4);
	w->severity = col_text(st, 5);
	w->label = col_text(st, 6);
	w->sensitivity = col_text(st, 7);
	w->container_type = col_text(st, 8);
	w->sdi = col_text(st, 9);
	w->attempts = sqlite3_column_int(st, 10);
	w->promoted = sqlite3_column_int(st, 11) != 0;
	w->failures = sqlite3_column_int(st, 12);
	done(db, st);
	if (load_items(db, w) || load_notes(db, w) ||
	    exec_ints(db, "UPDATE escalations SET state = 1, updated = ? WHERE id = ?", now_ns(), w->id, 0)) {
		rollback(db);
		statedb_work_free(w);
		return -1;
	}
	if (commit(db)) {
		statedb_work_free(w);
		return -1;
	}
	return 1;
}

void statedb_work_free(struct statedb_work *w)
{
	for (size_t i = 0; i < w->nitems; i++) {
		free(w->items[i].event_id);
		free(w->items[i].raw);
	}
	for (size_t i = 0; i < w->nnotes; i++) {
		free(w->notes[i].event_id);
		free(w->notes[i].author);
		free(w->notes[i].text);
	}
	free(w->items);
	free(w->notes);
	free(w->name);
	free(w->severity);
	free(w->label);
	free(w->sensitivity);
	free(w->container_type);
	free(w->sdi);
	memset(w, 0, sizeof *w);
}

int64_t statedb_next_due(struct statedb *db)
{
	sqlite3_stmt *st = prep(db, "SELECT min(next_attempt_at) FROM escalations WHERE state = 0");
	if (!st)
		return -1;
	int rc = sqlite3_step(st);
	int64_t v = INT64_MAX;
	if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		v = sqlite3_column_int64(st, 0);
	done(db, st);
	return rc == SQLITE_ROW ? v : fail(db, "next due");
}

enum esc_state statedb_state(struct statedb *db, int64_t id)
{
	sqlite3_stmt *st = prep(db, "SELECT state FROM escalations WHERE id = ?");
	if (!st)
		return (enum esc_state)-1;
	sqlite3_bind_int64(st, 1, id);
	int s = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
	done(db, st);
	return (enum esc_state)s;
}

int statedb_set_container(struct statedb *db, int64_t id, long long cid, const int *pos, size_t n)
{
	if (begin(db))
		return -1;
	if (exec_ints(db, "UPDATE escalations SET container_id = ?, updated = ? WHERE id = ?", cid, now_ns(), id))
		return rollback(db);
	for (size_t i = 0; i < n; i++)
		if (exec_ints(db, "UPDATE items SET sent = 1 WHERE escalation_id = ? AND position = ?", id, pos[i], 0))
			return rollback(db);
	return commit(db);
}

int statedb_item_sent(struct statedb *db, int64_t id, int position, long long artifact_id)
{
	return exec_ints(db, "UPDATE items SET sent = 1, artifact_id = ? WHERE escalation_id = ? AND position = ?",
			 artifact_id, id, position);
}

int statedb_note_sent(struct statedb *db, int64_t note_id, long long phantom_note_id)
{
	return exec_ints(db, "UPDATE notes SET sent = 1, note_id = ? WHERE id = ?", phantom_note_id, note_id, 0);
}

int statedb_note_attempt(struct statedb *db, int64_t note_id, int64_t when_ns)
{
	return exec_ints(db, "UPDATE notes SET attempt_at = ? WHERE id = ?", when_ns, note_id, 0);
}

int statedb_set_promoted(struct statedb *db, int64_t id)
{
	return exec_ints(db, "UPDATE escalations SET promoted = 1, updated = ? WHERE id = ?", now_ns(), id, 0);
}

int statedb_mark_sent(struct statedb *db, int64_t id)
{
	return exec_ints(db,
		"UPDATE escalations SET state = CASE WHEN"
		" EXISTS(SELECT 1 FROM items WHERE escalation_id = ?2 AND sent = 0) OR"
		" EXISTS(SELECT 1 FROM notes WHERE escalation_id = ?2 AND sent = 0) THEN 0 ELSE 2 END,"
		" attempts = attempts + 1, failures = 0, next_attempt_at = 0, last_error = NULL,"
		" updated = ?1 WHERE id = ?2 AND state = 1", now_ns(), id, 0);
}

static int mark_with_error(struct statedb *db, const char *sql, int64_t id, int64_t next, const char *error)
{
	sqlite3_stmt *st = prep(db, sql);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, now_ns());
	sqlite3_bind_int64(st, 2, id);
	bind_text(st, 3, error);
	if (sqlite3_bind_parameter_count(st) >= 4)
		sqlite3_bind_int64(st, 4, next);
	int rc = step_done(db, st, "mark");
	done(db, st);
	return rc;
}

int statedb_mark_retry(struct statedb *db, int64_t id, int64_t next_ns, const char *error)
{
	return mark_with_error(db,
		"UPDATE escalations SET state = 0, attempts = attempts + 1, failures = failures + 1,"
		" last_error = ?3, next_attempt_at = ?4, updated = ?1 WHERE id = ?2 AND state = 1",
		id, next_ns, error);
}

int statedb_mark_failed(struct statedb *db, int64_t id, const char *error)
{
	return mark_with_error(db,
		"UPDATE escalations SET state = 3, attempts = attempts + 1, failures = failures + 1,"
		" last_error = ?3, updated = ?1 WHERE id = ?2 AND state = 1", id, 0, error);
}

/* ---- histories ------------------------------------------------------------- */

int statedb_history_add(struct statedb *db, const char *kind, const char *line, int cap)
{
	if (!line || !*line)
		return 0;
	if (begin(db))
		return -1;
	sqlite3_stmt *st = prep(db, "SELECT line FROM history WHERE kind = ? ORDER BY id DESC LIMIT 1");
	if (!st)
		return rollback(db);
	bind_text(st, 1, kind);
	bool same = sqlite3_step(st) == SQLITE_ROW &&
		    strcmp((const char *)sqlite3_column_text(st, 0), line) == 0;
	done(db, st);
	if (!same) {
		st = prep(db, "INSERT INTO history(kind, line, time) VALUES (?, ?, ?)");
		if (!st)
			return rollback(db);
		bind_text(st, 1, kind);
		bind_text(st, 2, line);
		sqlite3_bind_int64(st, 3, now_ns());
		int rc = step_done(db, st, "history");
		done(db, st);
		if (rc)
			return rollback(db);
	}
	st = prep(db, "DELETE FROM history WHERE kind = ?1 AND id NOT IN"
		      " (SELECT id FROM history WHERE kind = ?1 ORDER BY id DESC LIMIT ?2)");
	if (!st)
		return rollback(db);
	bind_text(st, 1, kind);
	sqlite3_bind_int(st, 2, cap > 0 ? cap : 1000);
	int rc = step_done(db, st, "history");
	done(db, st);
	if (rc)
		return rollback(db);
	return commit(db);
}

int statedb_history_load(struct statedb *db, const char *kind, statedb_history_cb cb, void *ctx)
{
	sqlite3_stmt *st = prep(db, "SELECT line FROM history WHERE kind = ? ORDER BY id");
	if (!st)
		return -1;
	bind_text(st, 1, kind);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		cb(ctx, (const char *)sqlite3_column_text(st, 0));
	done(db, st);
	return rc == SQLITE_DONE ? 0 : fail(db, "history");
}
