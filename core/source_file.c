/* source_file.c — Falco JSON lines from a file or stdin, so that
 * `falco -o json_output=true | socterm -` works, with `--follow` behaving
 * like `tail -F` (keeps reading a growing file, reopens it when rotated or
 * truncated).
 *
 * One reader thread splits lines and hands copies to the parser pool
 * (ingest.h); hand-offs and pushes block when the consumer is behind (a file
 * can wait). The thread polls the fd together
 * with a stop pipe so stopping never hangs on a quiet pipe. */
#include "core/evq.h"
#include "core/ingest.h"
#include "core/linesplit.h"
#include "core/parse.h"
#include "core/source.h"
#include "core/util.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_LINE (256u << 20)   /* longer lines are cut (and then unparsed) */
#define FOLLOW_POLL_MS 200

struct file_source {
	struct source base;
	char *path;                 /* NULL for stdin */
	bool follow;
	int fd;
	int stop_pipe[2];
	pthread_t thread;
	struct ingest *pool;
	bool running;
	_Atomic bool stopping;
	pthread_mutex_t mu;
	struct source_stats st;
	struct linesplit lines;
	ino_t ino;
	off_t offset;
};

static void set_state(struct file_source *s, enum conn_state state, const char *err)
{
	pthread_mutex_lock(&s->mu);
	s->st.state = state;
	s->st.state_since_ns = now_ns();
	if (err)
		snprintf(s->st.last_error, sizeof(s->st.last_error), "%s", err);
	pthread_mutex_unlock(&s->mu);
	evq_wake(s->base.q);
}

static bool emit(void *arg, const char *p, size_t n)
{
	struct file_source *s = arg;
	pthread_mutex_lock(&s->mu);
	s->st.received++;
	pthread_mutex_unlock(&s->mu);
	char *copy = xmalloc(n ? n : 1);
	memcpy(copy, p, n);
	struct ingest_msg m = { .data = copy, .len = n, .recv_ns = now_ns(), .release = free,
				.arg = copy };
	return ingest_submit(s->pool, &m) == 0;
}

/* Waits until fd is readable or stop is requested. */
static bool wait_readable(struct file_source *s, int timeout_ms)
{
	struct pollfd p[2] = { { s->fd, POLLIN, 0 }, { s->stop_pipe[0], POLLIN, 0 } };
	int r = poll(p, 2, timeout_ms);
	return !(r > 0 && (p[1].revents & POLLIN));
}

static int open_path(struct file_source *s)
{
	int fd = open(s->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	struct stat st;
	if (fstat(fd, &st) == 0)
		s->ino = st.st_ino;
	s->fd = fd;
	s->offset = 0;
	return 0;
}

/* tail -F: a rotated (new inode) or truncated file is read from its start. */
static void check_rotation(struct file_source *s)
{
	struct stat now;
	if (stat(s->path, &now) < 0)
		return;
	if (now.st_ino != s->ino) {
		int old = s->fd;
		if (open_path(s) == 0)
			close(old);
	} else if (now.st_size < s->offset) {
		lseek(s->fd, 0, SEEK_SET);
		s->offset = 0;
	}
}

static void *reader_main(void *arg)
{
	struct file_source *s = arg;
	char buf[1 << 16];
	set_state(s, CONN_READING, NULL);
	while (!atomic_load(&s->stopping)) {
		if (!wait_readable(s, -1))
			break;
		ssize_t n = read(s->fd, buf, sizeof(buf));
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			set_state(s, CONN_ERROR, strerror(errno));
			return NULL;
		}
		if (n == 0) {
			if (!s->follow || !s->path) {
				linesplit_finish(&s->lines, emit, s);
				ingest_flush(s->pool); /* EOF means: every event is in the evq */
				set_state(s, CONN_EOF, NULL);
				return NULL;
			}
			/* Regular files are always readable: wait on the stop pipe. */
			struct pollfd p = { s->stop_pipe[0], POLLIN, 0 };
			if (poll(&p, 1, FOLLOW_POLL_MS) > 0)
				break;
			check_rotation(s);
			continue;
		}
		s->offset += n;
		if (!linesplit_feed(&s->lines, buf, (size_t)n, emit, s))
			break;
	}
	return NULL;
}

static int file_start(struct source *base, char **err)
{
	struct file_source *s = (struct file_source *)base;
	if (s->path && open_path(s) < 0) {
		*err = xasprintf("cannot open %s: %s", s->path, strerror(errno));
		return -1;
	}
	s->pool = ingest_new(s->base.q, 0);
	if (pthread_create(&s->thread, NULL, reader_main, s) != 0) {
		*err = xstrdup("cannot start the reader thread");
		return -1;
	}
	s->running = true;
	return 0;
}

static void file_stop(struct source *base)
{
	struct file_source *s = (struct file_source *)base;
	atomic_store(&s->stopping, true);
	if (write(s->stop_pipe[1], "x", 1) < 0) {
		/* The pipe is ours and empty: cannot fail in practice. */
	}
	if (s->pool)
		ingest_stop(s->pool); /* unblocks a reader waiting to hand off */
	if (s->running) {
		pthread_join(s->thread, NULL);
		s->running = false;
	}
}

static void file_stats(struct source *base, struct source_stats *out)
{
	struct file_source *s = (struct file_source *)base;
	pthread_mutex_lock(&s->mu);
	*out = s->st;
	pthread_mutex_unlock(&s->mu);
}

static void file_destroy(struct source *base)
{
	struct file_source *s = (struct file_source *)base;
	if (s->path && s->fd >= 0)
		close(s->fd);
	close(s->stop_pipe[0]);
	close(s->stop_pipe[1]);
	linesplit_free(&s->lines);
	ingest_free(s->pool);
	pthread_mutex_destroy(&s->mu);
	free(s->path);
	free(s);
}

static const struct source_ops file_ops = {
	.kind = "file",
	.start = file_start,
	.stop = file_stop,
	.stats = file_stats,
	.consumed = NULL,
	.destroy = file_destroy,
};

struct source *source_file_new(const char *path, bool follow, struct evq *q, char **err)
{
	struct file_source *s = xcalloc(1, sizeof(*s));
	if (pipe2(s->stop_pipe, O_CLOEXEC) < 0) {
		*err = xasprintf("pipe: %s", strerror(errno));
		free(s);
		return NULL;
	}
	s->base.ops = &file_ops;
	s->base.q = q;
	s->follow = follow;
	s->fd = 0;
	s->path = (path && strcmp(path, "-") != 0) ? xstrdup(path) : NULL;
	linesplit_init(&s->lines, MAX_LINE);
	pthread_mutex_init(&s->mu, NULL);
	s->st.state = CONN_IDLE;
	snprintf(s->st.name, sizeof(s->st.name), "%s", s->path ? s->path : "stdin");
	return &s->base;
}
