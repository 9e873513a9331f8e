/* theme_path.c — finding and reading theme files; see theme.h. */
#include "core/theme.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/util.h"

#define MAX_THEME_BYTES (256 * 1024)
#define BUILTIN_WHERE "default.theme (built in)"

/* themes/ beside the running binary, when there is one: ./socterm run from
 * its source tree finds the shipped themes without being installed. */
static char *exe_themes_dir(void)
{
	char exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	char *slash = strrchr(exe, '/');
	if (!slash)
		return NULL;
	*slash = '\0';
	char *dir = xasprintf("%s/themes", exe);
	struct stat st;
	if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
		return dir;
	free(dir);
	return NULL;
}

void theme_paths_default(struct theme_paths *p, const char *datadir, const char *builtin,
			 char *store[3])
{
	memset(p, 0, sizeof(*p));
	store[0] = store[1] = store[2] = NULL;
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	if (xdg && *xdg)
		store[0] = xasprintf("%s/socterm/themes", xdg);
	else if (home && *home)
		store[0] = xasprintf("%s/.config/socterm/themes", home);
	const char *dev = getenv("SOCTERM_THEME_DIR");
	if (dev && *dev)
		store[1] = xstrdup(dev);
	else
		store[1] = exe_themes_dir();
	if (datadir && *datadir)
		store[2] = xasprintf("%s/themes", datadir);
	for (int i = 0; i < 3; i++)
		if (store[i])
			p->dirs[p->ndirs++] = store[i];
	p->builtin_default = builtin;
}

/* Reads a whole (small) file. 0, or -1 with errno. */
static int read_file(const char *path, char **text, size_t *len)
{
	FILE *f = fopen(path, "re");
	if (!f)
		return -1;
	struct stat st;
	if (fstat(fileno(f), &st) == 0 && !S_ISREG(st.st_mode)) {
		fclose(f);
		errno = EINVAL;
		return -1;
	}
	struct sbuf b = SBUF_INIT;
	char buf[8192];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		sbuf_add(&b, buf, n);
		if (b.len > MAX_THEME_BYTES) {
			sbuf_free(&b);
			fclose(f);
			errno = EFBIG;
			return -1;
		}
	}
	bool bad = ferror(f);
	fclose(f);
	if (bad) {
		sbuf_free(&b);
		errno = EIO;
		return -1;
	}
	*len = b.len;
	*text = b.s ? sbuf_steal(&b) : xstrdup("");
	return 0;
}

static bool is_path(const char *spec)
{
	size_t n = strlen(spec);
	return strchr(spec, '/') || (n > 6 && strcmp(spec + n - 6, ".theme") == 0);
}

static bool valid_theme_name(const char *s)
{
	if (!*s || strlen(s) > 64 || s[0] == '.')
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		      *s == '.' || *s == '_' || *s == '-'))
			return false;
	return true;
}

int theme_read(const struct theme_paths *p, const char *spec, char **text, size_t *len,
	       char **where, char **err)
{
	if (is_path(spec)) {
		if (read_file(spec, text, len) < 0) {
			*err = xasprintf("theme %s: %s", spec, strerror(errno));
			return -1;
		}
		*where = xstrdup(spec);
		return 0;
	}
	if (!valid_theme_name(spec)) {
		*err = xstrdup("bad theme name (letters, digits . _ -, or a file path)");
		return -1;
	}
	for (size_t i = 0; i < p->ndirs; i++) {
		char *path = xasprintf("%s/%s.theme", p->dirs[i], spec);
		if (read_file(path, text, len) == 0) {
			*where = path;
			return 0;
		}
		int e = errno;
		if (e != ENOENT) {
			*err = xasprintf("theme %s: %s", path, strerror(e));
			free(path);
			return -1;
		}
		free(path);
	}
	if (strcmp(spec, "default") == 0 && p->builtin_default) {
		*text = xstrdup(p->builtin_default);
		*len = strlen(*text);
		*where = xstrdup(BUILTIN_WHERE);
		return 0;
	}
	struct sbuf b = SBUF_INIT;
	sbuf_printf(&b, "no theme '%s' (looked in", spec);
	for (size_t i = 0; i < p->ndirs; i++)
		sbuf_printf(&b, "%s %s", i ? "," : "", p->dirs[i]);
	sbuf_adds(&b, p->ndirs ? ")" : " no directory)");
	*err = sbuf_steal(&b);
	return -1;
}

static int lookup_cb(void *ctx, const char *name, char **text, size_t *len, char **where,
		     char **err)
{
	return theme_read(ctx, name, text, len, where, err);
}

struct theme *theme_load(const struct theme_paths *p, const char *spec, const char *const *elems,
			 size_t nelem, char **err)
{
	char *text = NULL, *where = NULL;
	size_t len = 0;
	if (theme_read(p, spec, &text, &len, &where, err) < 0)
		return NULL;
	struct theme *t = theme_parse(where, text, len, elems, nelem, lookup_cb, (void *)p, err);
	if (t && !t->name) {
		/* No `theme NAME` line: call it by the file's base name. */
		const char *base = strrchr(spec, '/');
		base = base ? base + 1 : spec;
		size_t n = strlen(base);
		if (n > 6 && strcmp(base + n - 6, ".theme") == 0)
			n -= 6;
		t->name = xstrndup(base, n);
	}
	free(text);
	free(where);
	return t;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **theme_names(const struct theme_paths *p)
{
	size_t n = 0, cap = 0;
	char **v = NULL;
	v = xgrow(v, &cap, n + 1, sizeof(*v));
	v[n++] = xstrdup("default");
	for (size_t i = 0; i < p->ndirs; i++) {
		DIR *d = opendir(p->dirs[i]);
		if (!d)
			continue;
		struct dirent *de;
		while ((de = readdir(d))) {
			size_t len = strlen(de->d_name);
			if (len <= 6 || strcmp(de->d_name + len - 6, ".theme") != 0)
				continue;
			char *name = xstrndup(de->d_name, len - 6);
			if (!valid_theme_name(name)) {
				free(name);
				continue;
			}
			v = xgrow(v, &cap, n + 1, sizeof(*v));
			v[n++] = name;
		}
		closedir(d);
	}
	qsort(v, n, sizeof(*v), cmp_str);
	size_t out = 0;
	for (size_t i = 0; i < n; i++) {
		if (out && strcmp(v[out - 1], v[i]) == 0)
			free(v[i]);
		else
			v[out++] = v[i];
	}
	v = xgrow(v, &cap, out + 1, sizeof(*v));
	v[out] = NULL;
	return v;
}

void theme_names_free(char **names)
{
	if (!names)
		return;
	for (char **p = names; *p; p++)
		free(*p);
	free(names);
}
