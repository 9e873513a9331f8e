/* config_file.c — the config file syntax (documented in config.h). */
#include "core/config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/config_impl.h"
#include "core/secret.h"

#define CONFIG_FILE_MAX (1 << 20)

static char *file_error(const char *name, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static char *file_error(const char *name, unsigned line, const char *fmt, ...)
{
	struct sbuf b = SBUF_INIT;
	sbuf_printf(&b, "%s:%u: ", name, line);
	va_list ap;
	va_start(ap, fmt);
	sbuf_vprintf(&b, fmt, ap);
	va_end(ap);
	return sbuf_steal(&b);
}

static const char *skip_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

/* Reads the value after '=' into val. Returns NULL or a message. */
static const char *read_value(const char *p, const char *end, struct sbuf *val)
{
	if (p < end && *p == '"') {
		for (p++;; p++) {
			if (p == end)
				return "unterminated quoted value";
			if (*p == '"')
				break;
			if (*p == '\\') {
				if (p + 1 == end || (p[1] != '"' && p[1] != '\\'))
					return "unknown escape in quoted value (only \\\" and \\\\)";
				p++;
			}
			sbuf_addc(val, *p);
		}
		p = skip_ws(p + 1, end);
		if (p < end && *p != '#')
			return "unexpected text after the closing quote";
		return NULL;
	}
	/* Unquoted: a '#' at the start or after whitespace begins a comment. */
	const char *v = p;
	while (p < end && !(*p == '#' && (p == v || p[-1] == ' ' || p[-1] == '\t')))
		p++;
	while (p > v && (p[-1] == ' ' || p[-1] == '\t'))
		p--;
	sbuf_add(val, v, (size_t)(p - v));
	return NULL;
}

static int parse_line(struct config *c, const char *name, unsigned lineno, const char *line,
		      size_t len, bool secrets_ok, unsigned mode, struct sbuf *val, char **err)
{
	if (len && line[len - 1] == '\r')
		len--;
	const char *end = line + len;
	if (memchr(line, '\0', len)) {
		*err = file_error(name, lineno, "NUL byte in line");
		return EXIT_CONFIG;
	}
	const char *p = skip_ws(line, end);
	if (p == end || *p == '#')
		return EXIT_OK;
	const char *k = p;
	while (p < end && (isalnum((unsigned char)*p) || *p == '-' || *p == '_'))
		p++;
	size_t klen = (size_t)(p - k);
	p = skip_ws(p, end);
	if (klen == 0 || p == end || *p != '=') {
		*err = file_error(name, lineno, "expected 'key = value'");
		return EXIT_CONFIG;
	}
	const struct opt *o = opt_find(k, klen);
	if (!o) {
		*err = file_error(name, lineno, "unknown key '%.*s'", (int)MIN(klen, 60), k);
		return EXIT_CONFIG;
	}
	if (o->flags & OF_CLI_ONLY) {
		*err = file_error(name, lineno, "'%s' can only be given on the command line", o->name);
		return EXIT_CONFIG;
	}
	if (o->type == OT_SECRET && !secrets_ok) {
		*err = file_error(name, lineno, "%s is set in a file whose mode is %04o (group or "
				  "others may access it); run: chmod 600 '%s'",
				  o->name, mode & 07777, name);
		return EXIT_CONFIG;
	}
	sbuf_reset(val);
	const char *bad = read_value(skip_ws(p + 1, end), end, val);
	if (bad) {
		*err = file_error(name, lineno, "%s: %s", o->name, bad);
		return EXIT_CONFIG;
	}
	char *why = config_apply(c, o, sbuf_str(val), (struct origin){ ORG_FILE, lineno });
	if (o->type == OT_SECRET && val->s)
		explicit_bzero(val->s, val->len);
	if (why) {
		*err = file_error(name, lineno, "%s: %s", o->name, why);
		free(why);
		return EXIT_CONFIG;
	}
	return EXIT_OK;
}

int config_parse_buffer(struct config *c, const char *name, const char *buf, size_t n,
			bool secrets_ok, unsigned mode, char **err)
{
	config_set_str(&c->priv->file_name, xstrdup(name));
	struct sbuf val = SBUF_INIT;
	size_t pos = n >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
	int rc = EXIT_OK;
	for (unsigned lineno = 1; pos < n && rc == EXIT_OK; lineno++) {
		const char *line = buf + pos;
		const char *nl = memchr(line, '\n', n - pos);
		size_t len = nl ? (size_t)(nl - line) : n - pos;
		pos += len + (nl ? 1 : 0);
		rc = parse_line(c, name, lineno, line, len, secrets_ok, mode, &val, err);
	}
	if (val.s)
		explicit_bzero(val.s, val.cap);
	sbuf_free(&val);
	return rc;
}

int config_load_file(struct config *c, const char *path, bool must_exist, char **err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		if (errno == ENOENT && !must_exist)
			return EXIT_OK;
		*err = xasprintf("%s: cannot read the config file: %s", path, strerror(errno));
		return errno == ENOENT || errno == EACCES ? EXIT_NOINPUT : EXIT_CONFIG;
	}
	struct stat st;
	if (fstat(fd, &st) < 0 || S_ISDIR(st.st_mode)) {
		close(fd);
		*err = xasprintf("%s: not a config file", path);
		return EXIT_CONFIG;
	}
	struct sbuf b = SBUF_INIT;
	char chunk[4096];
	ssize_t r;
	while ((r = read(fd, chunk, sizeof(chunk))) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 || b.len + (size_t)r > CONFIG_FILE_MAX)
			break;
		sbuf_add(&b, chunk, (size_t)r);
	}
	int e = errno;
	explicit_bzero(chunk, sizeof(chunk));
	close(fd);
	int rc;
	if (r != 0) {
		*err = r < 0 ? xasprintf("%s: read error: %s", path, strerror(e))
			     : xasprintf("%s: larger than %d bytes", path, CONFIG_FILE_MAX);
		rc = EXIT_CONFIG;
	} else {
		c->config_found = true;
		rc = config_parse_buffer(c, path, sbuf_str(&b), b.len, secret_mode_ok(st.st_mode),
					 (unsigned)st.st_mode, err);
	}
	/* The file may hold a password. */
	if (b.s)
		explicit_bzero(b.s, b.cap);
	sbuf_free(&b);
	return rc;
}
