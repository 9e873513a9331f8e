/* secret.c — see secret.h. */
#include "core/secret.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* The header lives in the same protected pages as the bytes. */
struct secret {
	size_t map_len;
	size_t len;
	size_t cap;      /* bytes available in s[], excluding the NUL */
	char s[];
};

static pthread_mutex_t reg_lock = PTHREAD_MUTEX_INITIALIZER;
static const struct secret **reg;
static size_t reg_n, reg_cap;

static struct secret *secret_alloc(size_t cap)
{
	long ps = sysconf(_SC_PAGESIZE);
	size_t page = ps > 0 ? (size_t)ps : 4096;
	size_t need = sizeof(struct secret) + cap + 1;
	size_t map_len = (need + page - 1) / page * page;
	void *m = mmap(NULL, map_len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED) {
		fprintf(stderr, "socterm: cannot map memory for a secret\n");
		abort();
	}
	/* Both are best effort: a kernel without DONTDUMP or a low
	 * RLIMIT_MEMLOCK must not stop the program. */
	(void)madvise(m, map_len, MADV_DONTDUMP);
	(void)mlock(m, map_len);
	struct secret *s = m;
	s->map_len = map_len;
	s->len = 0;
	s->cap = map_len - sizeof(struct secret) - 1;
	return s;
}

struct secret *secret_new(const char *p, size_t n)
{
	struct secret *s = secret_alloc(n);
	if (n)
		memcpy(s->s, p, n);
	s->s[n] = '\0';
	s->len = n;
	return s;
}

struct secret *secret_dup(const struct secret *s)
{
	return s ? secret_new(s->s, s->len) : NULL;
}

static void reg_remove(const struct secret *s)
{
	pthread_mutex_lock(&reg_lock);
	for (size_t i = 0; i < reg_n; i++) {
		if (reg[i] == s) {
			memmove(reg + i, reg + i + 1, (reg_n - i - 1) * sizeof(*reg));
			reg_n--;
			break;
		}
	}
	if (reg_n == 0) {
		free(reg);
		reg = NULL;
		reg_cap = 0;
	}
	pthread_mutex_unlock(&reg_lock);
}

void secret_free(struct secret *s)
{
	if (!s)
		return;
	reg_remove(s);
	size_t map_len = s->map_len;
	explicit_bzero(s, map_len);
	(void)munlock(s, map_len);
	munmap(s, map_len);
}

const char *secret_str(const struct secret *s)
{
	return s ? s->s : "";
}

size_t secret_len(const struct secret *s)
{
	return s ? s->len : 0;
}

bool secret_mode_ok(mode_t mode)
{
	return (mode & 077) == 0;
}

char *secret_mode_error(const char *path, mode_t mode, const char *what)
{
	return xasprintf("%s: %s, but its mode is %04o (group or others may access it); "
			 "run: chmod 600 '%s'", path, what, (unsigned)(mode & 07777), path);
}

static int fail(int e, char **err, char *msg)
{
	*err = msg;
	errno = e;
	return -1;
}

/* Reads the whole of fd into s, failing if it holds more than s->cap. */
static int read_into(int fd, struct secret *s)
{
	size_t n = 0;
	for (;;) {
		if (n == s->cap) {
			char extra;
			ssize_t r = read(fd, &extra, 1);
			if (r < 0 && errno == EINTR)
				continue;
			explicit_bzero(&extra, 1);
			if (r != 0)
				return r < 0 ? -1 : -2;
			break;
		}
		ssize_t r = read(fd, s->s + n, s->cap - n);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	s->len = n;
	s->s[n] = '\0';
	return 0;
}

int secret_from_file(const char *path, struct secret **out, char **err)
{
	*out = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		int e = errno;
		return fail(e, err, xasprintf("%s: cannot open: %s", path, strerror(e)));
	}
	struct stat st;
	if (fstat(fd, &st) < 0) {
		int e = errno;
		close(fd);
		return fail(e, err, xasprintf("%s: %s", path, strerror(e)));
	}
	/* A pipe is fine (process substitution: --phantom-token-file <(pass x)). */
	if (!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode)) {
		close(fd);
		return fail(EINVAL, err, xasprintf("%s: not a regular file", path));
	}
	if (!secret_mode_ok(st.st_mode)) {
		close(fd);
		return fail(EPERM, err, secret_mode_error(path, st.st_mode, "holds a secret"));
	}
	/* Back to blocking reads now that we know it is not a device. */
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	struct secret *s = secret_alloc(SECRET_MAX);
	int rc = read_into(fd, s);
	int e = errno;
	close(fd);
	if (rc == -1) {
		secret_free(s);
		return fail(e, err, xasprintf("%s: read error: %s", path, strerror(e)));
	}
	if (rc == -2) {
		secret_free(s);
		return fail(EFBIG, err, xasprintf("%s: larger than %d bytes; is this the right file?",
						  path, SECRET_MAX));
	}
	while (s->len > 0 && (s->s[s->len - 1] == '\n' || s->s[s->len - 1] == '\r'))
		s->s[--s->len] = '\0';
	if (s->len == 0) {
		secret_free(s);
		return fail(EINVAL, err, xasprintf("%s: is empty", path));
	}
	if (memchr(s->s, '\0', s->len)) {
		secret_free(s);
		return fail(EINVAL, err, xasprintf("%s: contains a NUL byte", path));
	}
	*out = s;
	return 0;
}

struct secret *secret_from_env(const char *name)
{
	char *v = getenv(name);
	if (!v)
		return NULL;
	size_t n = strlen(v);
	struct secret *s = secret_new(v, n);
	/* getenv() points into the environment block itself: for variables
	 * inherited at exec that is the memory /proc/PID/environ shows. */
	explicit_bzero(v, n);
	unsetenv(name);
	return s;
}

void secret_register(const struct secret *s)
{
	if (!s)
		return;
	pthread_mutex_lock(&reg_lock);
	bool found = false;
	for (size_t i = 0; i < reg_n && !found; i++)
		found = reg[i] == s;
	if (!found) {
		/* Longest first, so a secret that contains another is masked whole. */
		reg = xgrow(reg, &reg_cap, reg_n + 1, sizeof(*reg));
		size_t at = 0;
		while (at < reg_n && reg[at]->len >= s->len)
			at++;
		memmove(reg + at + 1, reg + at, (reg_n - at) * sizeof(*reg));
		reg[at] = s;
		reg_n++;
	}
	pthread_mutex_unlock(&reg_lock);
}

/* Replaces occurrences of one secret; returns how many. */
static size_t scrub_one(struct sbuf *b, const char *sec, size_t n)
{
	if (n < SECRET_SCRUB_MIN || b->len < n)
		return 0;
	const char *hit = memmem(b->s, b->len, sec, n);
	if (!hit)
		return 0;
	struct sbuf out = SBUF_INIT;
	size_t count = 0, pos = 0;
	while (hit) {
		size_t at = (size_t)(hit - b->s);
		sbuf_add(&out, b->s + pos, at - pos);
		sbuf_adds(&out, SECRET_MASK);
		pos = at + n;
		count++;
		hit = memmem(b->s + pos, b->len - pos, sec, n);
	}
	sbuf_add(&out, b->s + pos, b->len - pos);
	explicit_bzero(b->s, b->len);
	sbuf_free(b);
	*b = out;
	return count;
}

size_t secret_scrub(struct sbuf *b)
{
	size_t count = 0;
	if (!b->s)
		return 0;
	pthread_mutex_lock(&reg_lock);
	for (size_t i = 0; i < reg_n; i++)
		count += scrub_one(b, reg[i]->s, reg[i]->len);
	pthread_mutex_unlock(&reg_lock);
	return count;
}
