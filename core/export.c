/* export.c — see export.h. */
#include "core/export.h"
#include "core/event.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define FLUSH_AT (64 * 1024)

const char export_default_columns[] = "time,priority,rule,hostname,source,output";

static const char *const fixed_columns[] = {
	"time", "priority", "rule", "hostname", "host", "source", "output", "message", "tags",
	"id", "subject",
};

struct exporter {
	int fd;
	char *path, *tmp;
	enum export_format format;
	char **cols;
	size_t ncols;
	bool overwrite;
	struct sbuf buf, cell;
	struct export_result res;
	int write_errno;
};

/* ---- columns ------------------------------------------------------------ */

static bool column_ok(const char *c)
{
	for (size_t i = 0; i < ARRAY_LEN(fixed_columns); i++)
		if (strcmp(c, fixed_columns[i]) == 0)
			return true;
	if (strncmp(c, "field:", 6) == 0)
		return c[6] != '\0';
	return strchr(c, '.') != NULL;
}

int export_columns_parse(const char *spec, char ***cols, size_t *n, char **err)
{
	char **v = NULL;
	size_t cnt = 0, cap = 0;
	const char *p = spec;
	for (;;) {
		size_t len = strcspn(p, ",");
		char *c = xstrndup(p, len);
		if (!*c || !column_ok(c)) {
			*err = *c ? xasprintf("unknown column '%s' (known: time, priority, rule, "
					      "hostname, source, output, message, tags, id, subject, "
					      "or an output_fields key such as proc.cmdline)", c)
				  : xstrdup("empty column name in the column list");
			free(c);
			export_columns_free(v, cnt);
			return -1;
		}
		v = xgrow(v, &cap, cnt + 1, sizeof(*v));
		v[cnt++] = c;
		if (!p[len])
			break;
		p += len + 1;
	}
	*cols = v;
	*n = cnt;
	return 0;
}

void export_columns_free(char **cols, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(cols[i]);
	free(cols);
}

/* ---- values ----------------------------------------------------------------- */

static void format_time(int64_t ns, struct sbuf *b)
{
	time_t secs = (time_t)(ns / 1000000000);
	long frac = (long)(ns % 1000000000);
	if (frac < 0) {
		frac += 1000000000;
		secs--;
	}
	struct tm tm;
	gmtime_r(&secs, &tm);
	sbuf_printf(b, "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ", tm.tm_year + 1900, tm.tm_mon + 1,
		    tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
}

static void add_istr(struct sbuf *b, istr id)
{
	size_t n;
	const char *s = intern_str(id, &n);
	sbuf_add(b, s, n);
}

static void add_field(const struct event *ev, const char *name, struct sbuf *b)
{
	struct fval v;
	if (!event_get_name(ev, name, &v) || v.type == FV_NULL)
		return;
	fval_format(&v, b);
}

void export_column_value(const struct event *ev, const char *col, struct sbuf *b)
{
	bool unparsed = ev->flags & EV_UNPARSED;
	if (strcmp(col, "time") == 0) {
		format_time(ev->time_ns, b);
	} else if (strcmp(col, "priority") == 0) {
		if (ev->prio_text)
			add_istr(b, ev->prio_text);
		else if (!unparsed)
			sbuf_adds(b, prio_name(ev->prio < PRIO_COUNT ? (enum prio)ev->prio : PRIO_UNKNOWN));
	} else if (strcmp(col, "rule") == 0) {
		add_istr(b, ev->rule);
	} else if (strcmp(col, "hostname") == 0 || strcmp(col, "host") == 0) {
		add_istr(b, ev->hostname);
	} else if (strcmp(col, "source") == 0) {
		add_istr(b, ev->source);
	} else if (strcmp(col, "subject") == 0) {
		add_istr(b, ev->subject);
	} else if (strcmp(col, "output") == 0 || strcmp(col, "message") == 0) {
		/* An unparsed record has no output: its bytes are the best text. */
		if (unparsed)
			event_raw(ev, b);
		else if (col[0] == 'o')
			event_output(ev, b);
		else
			event_message(ev, b);
	} else if (strcmp(col, "tags") == 0) {
		const char *t = NULL;
		size_t n;
		bool first = true;
		while ((t = event_tag_next(ev, t, &n))) {
			if (!first)
				sbuf_addc(b, ',');
			sbuf_add(b, t, n);
			first = false;
		}
	} else if (strcmp(col, "id") == 0) {
		char id[40];
		event_id_text(ev, id);
		sbuf_adds(b, id);
	} else if (strncmp(col, "field:", 6) == 0) {
		add_field(ev, col + 6, b);
	} else {
		add_field(ev, col, b);
	}
}

/* A plain decimal number ("-1", "+2.5"): a spreadsheet reads it as a number,
 * never as a formula. */
static bool plain_number(const char *s, size_t n)
{
	size_t i = 0, digits = 0;
	if (i < n && (s[i] == '-' || s[i] == '+'))
		i++;
	for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
		digits++;
	if (i < n && s[i] == '.')
		for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			digits++;
	return digits > 0 && i == n;
}

void export_csv_field(struct sbuf *b, const char *s, size_t n)
{
	bool formula = n && strchr("=+-@\t\r", s[0]) && !plain_number(s, n);
	bool quote = false;
	for (size_t i = 0; i < n && !quote; i++)
		quote = s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n';
	if (quote)
		sbuf_addc(b, '"');
	if (formula)
		sbuf_addc(b, '\'');
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"')
			sbuf_addc(b, '"');
		sbuf_addc(b, s[i]);
	}
	if (quote)
		sbuf_addc(b, '"');
}

/* ---- the writer ---------------------------------------------------------------- */

static void flush(struct exporter *x)
{
	if (!x->buf.len)
		return;
	if (!x->write_errno && write_all(x->fd, x->buf.s, x->buf.len) < 0)
		x->write_errno = errno ? errno : EIO;
	sbuf_reset(&x->buf);
}

static void free_writer(struct exporter *x)
{
	if (x->fd >= 0)
		close(x->fd);
	free(x->path);
	free(x->tmp);
	export_columns_free(x->cols, x->ncols);
	sbuf_free(&x->buf);
	sbuf_free(&x->cell);
	free(x);
}

static void csv_header(struct exporter *x)
{
	for (size_t i = 0; i < x->ncols; i++) {
		if (i)
			sbuf_addc(&x->buf, ',');
		export_csv_field(&x->buf, x->cols[i], strlen(x->cols[i]));
	}
	sbuf_adds(&x->buf, "\r\n");
}

struct exporter *export_open(const char *path, const struct export_opts *o, int *code,
			     char **err)
{
	struct stat st;
	if (code)
		*code = EXPORT_ERR;
	if (!path || !*path) {
		*err = xstrdup("no file name");
		return NULL;
	}
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		*err = xasprintf("%s is a directory", path);
		return NULL;
	}
	if (!o->overwrite && lstat(path, &st) == 0) {
		if (code)
			*code = EXPORT_EXISTS;
		*err = xasprintf("%s exists", path);
		return NULL;
	}
	struct exporter *x = xcalloc(1, sizeof(*x));
	x->fd = -1;
	x->path = xstrdup(path);
	x->format = o->format;
	x->overwrite = o->overwrite;
	if (o->format == EXPORT_CSV) {
		if (o->columns) {
			x->cols = xcalloc(o->ncolumns ? o->ncolumns : 1, sizeof(*x->cols));
			for (size_t i = 0; i < o->ncolumns; i++)
				x->cols[i] = xstrdup(o->columns[i]);
			x->ncols = o->ncolumns;
		} else if (export_columns_parse(export_default_columns, &x->cols, &x->ncols, err) < 0) {
			free_writer(x);
			return NULL;
		}
	}
	/* The temporary file lives next to the target so rename() is atomic. */
	char *copy = xstrdup(path);
	char *copy2 = xstrdup(path);
	x->tmp = xasprintf("%s/.%s.XXXXXX", dirname(copy), basename(copy2));
	free(copy);
	free(copy2);
	x->fd = mkostemp(x->tmp, O_CLOEXEC);
	if (x->fd < 0) {
		*err = xasprintf("cannot write in the directory of %s: %s", path, strerror(errno));
		free_writer(x);
		return NULL;
	}
	if (x->format == EXPORT_CSV)
		csv_header(x);
	return x;
}

int export_add(struct exporter *x, const struct event *ev)
{
	if (x->format == EXPORT_JSON) {
		/* On failure event_raw() adds nothing: skip the event, count it. */
		size_t start = x->buf.len;
		if (event_raw(ev, &x->buf) < 0) {
			x->res.unreadable++;
			return 0;
		}
		/* One event, one line: a NATS message may hold line breaks (only
		 * as whitespace, in valid JSON). Read back, a raw break would split
		 * it, and an unparsed message could smuggle in a forged event. */
		for (size_t i = start; i < x->buf.len; i++)
			if (x->buf.s[i] == '\n' || x->buf.s[i] == '\r')
				x->buf.s[i] = ' ';
		sbuf_addc(&x->buf, '\n');
	} else {
		for (size_t i = 0; i < x->ncols; i++) {
			if (i)
				sbuf_addc(&x->buf, ',');
			sbuf_reset(&x->cell);
			export_column_value(ev, x->cols[i], &x->cell);
			export_csv_field(&x->buf, sbuf_str(&x->cell), x->cell.len);
		}
		sbuf_adds(&x->buf, "\r\n");
	}
	x->res.written++;
	if (x->buf.len >= FLUSH_AT)
		flush(x);
	return x->write_errno ? -1 : 0;
}

/* Renames tmp to path without ever replacing an existing path. */
static int rename_noreplace(const char *tmp, const char *path)
{
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -1;
	/* The filesystem cannot do it: link() also refuses to replace. */
	if (link(tmp, path) < 0)
		return -1;
	unlink(tmp);
	return 0;
}

static void sync_dir(const char *path)
{
	char *copy = xstrdup(path);
	int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	free(copy);
}

int export_commit(struct exporter *x, struct export_result *res, char **err)
{
	flush(x);
	if (!x->write_errno && fsync(x->fd) < 0)
		x->write_errno = errno;
	if (close(x->fd) < 0 && !x->write_errno)
		x->write_errno = errno;
	x->fd = -1;
	if (x->write_errno) {
		*err = xasprintf("writing %s: %s", x->path, strerror(x->write_errno));
		export_abort(x);
		return EXPORT_ERR;
	}
	int rc = x->overwrite ? rename(x->tmp, x->path) : rename_noreplace(x->tmp, x->path);
	if (rc < 0) {
		int e = errno;
		*err = e == EEXIST ? xasprintf("%s exists", x->path)
				   : xasprintf("%s: %s", x->path, strerror(e));
		export_abort(x);
		return e == EEXIST ? EXPORT_EXISTS : EXPORT_ERR;
	}
	sync_dir(x->path);
	if (res)
		*res = x->res;
	free_writer(x);
	return EXPORT_OK;
}

void export_abort(struct exporter *x)
{
	if (!x)
		return;
	if (x->fd >= 0) {
		close(x->fd);
		x->fd = -1;
	}
	unlink(x->tmp);
	free_writer(x);
}
