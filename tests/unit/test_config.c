/* test_config.c — configuration layering, file syntax, secrets, --print-config. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/config.h"
#include "core/options.h"
#include "core/secret.h"
#include "core/util.h"

#define SEC 1000000000LL

static char dir[256];
static char cfg_default[512];   /* $XDG_CONFIG_HOME/socterm/config */

static const char *const env_vars[] = {
	"NATS_URL", "PHANTOM_BASE_URL", "PHANTOM_USER", "PHANTOM_PASSWORD",
	"PHANTOM_TOKEN", "VERIFY_SSL", "ESCDELAY",
};

static char *path_in(const char *name)
{
	return xasprintf("%s/%s", dir, name);
}

static void write_file(const char *path, unsigned mode, const char *text)
{
	unlink(path);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	assert_true(fd >= 0);
	assert_int_equal(fchmod(fd, mode), 0);
	assert_int_equal(write_all(fd, text, strlen(text)), 0);
	close(fd);
}

static int group_setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "%s/socterm-config-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(dir))
		return -1;
	char *p = path_in("cfg/socterm");
	mkdir_p(p, 0700);
	free(p);
	snprintf(cfg_default, sizeof(cfg_default), "%s/cfg/socterm/config", dir);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	char *cmd = xasprintf("rm -rf '%s'", dir);
	int rc = system(cmd);
	free(cmd);
	return rc == 0 ? 0 : -1;
}

/* Every test starts with no config file and none of our variables set. */
static int setup(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(env_vars); i++)
		unsetenv(env_vars[i]);
	char *cfg = path_in("cfg"), *st = path_in("state"), *home = path_in("home");
	setenv("XDG_CONFIG_HOME", cfg, 1);
	setenv("XDG_STATE_HOME", st, 1);
	setenv("HOME", home, 1);
	free(cfg);
	free(st);
	free(home);
	unlink(cfg_default);
	return 0;
}

static int load_argv(struct config *c, char **err, char **argv)
{
	int argc = 0;
	while (argv[argc])
		argc++;
	return config_load(c, argc, argv, err);
}

#define LOAD(c, err, ...) load_argv((c), (err), (char *[]){ "socterm", ##__VA_ARGS__, NULL })

/* Loads a config that must fail; checks the exit code and that the message
 * contains `want`. */
static void expect_fail(int want_rc, const char *want, char **argv)
{
	struct config c;
	char *err = NULL;
	int rc = load_argv(&c, &err, argv);
	if (rc != want_rc || !err || !strstr(err, want))
		fail_msg("rc %d (want %d), err '%s' (want '%s')", rc, want_rc, err ? err : "(null)", want);
	assert_null(strchr(err, '\n'));
	free(err);
	config_free(&c);
}

#define FAIL(rc, want, ...) expect_fail((rc), (want), (char *[]){ "socterm", ##__VA_ARGS__, NULL })

static void strip_comments(char *s);

__attribute__((noinline)) static char *print_to_string(const struct config *c, bool origins)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	if (origins)
		config_print(c, f);
	else
		config_print_values(c, f);
	fclose(f);
	return buf;
}

/* The line of the print-out that sets (or mentions) key. */
static char *print_line(const struct config *c, const char *key)
{
	char *all = print_to_string(c, true);
	char *want = xasprintf("\n%s = ", key), *want2 = xasprintf("\n# %s = ", key);
	char *p = strstr(all, want);
	if (!p)
		p = strstr(all, want2);
	char *line = NULL;
	if (p) {
		p++;
		line = xstrndup(p, strcspn(p, "\n"));
	}
	free(all);
	free(want);
	free(want2);
	return line;
}

static void assert_line(const struct config *c, const char *key, const char *value,
			const char *origin)
{
	char *line = print_line(c, key);
	assert_non_null(line);
	char *want = xasprintf("%s = %s", key, value);
	char *o = xasprintf("# %s", origin);
	if (strncmp(line, want, strlen(want)) != 0 || !strstr(line, o))
		fail_msg("line '%s' (want '%s' ... '%s')", line, want, o);
	free(want);
	free(o);
	free(line);
}

/* "CONFIG:LINE" for the default config file (a static buffer). */
static const char *at_line(int line)
{
	static char buf[600];
	snprintf(buf, sizeof(buf), "%s:%d", cfg_default, line);
	return buf;
}

/* ---- defaults and precedence ---------------------------------------------- */

static void test_defaults(void **state)
{
	(void)state;
	struct config c;
	char *err = NULL;
	assert_int_equal(LOAD(&c, &err), EXIT_OK);
	assert_null(err);
	assert_int_equal(c.action, ACTION_RUN);
	assert_string_equal(c.config_path, cfg_default);
	assert_false(c.config_found);
	char *st = path_in("state/socterm");
	assert_string_equal(c.state_dir, st);
	free(st);
	assert_int_equal(c.capacity, 100000);
	assert_null(c.filter);
	assert_false(c.follow);
	assert_false(c.forward_only);
	assert_int_equal(c.log_format, LOG_FORMAT_TEXT);
	assert_int_equal(c.stats_interval_ns, 60 * SEC);
	assert_null(c.source_path);
	assert_string_equal(c.servers, "nats://127.0.0.1:4222");
	assert_string_equal(c.subject, "falco.>");
	assert_int_equal(c.stream_max_age_ns, 7 * 86400 * SEC);
	assert_int_equal(c.stream_max_bytes, 1LL << 30);
	assert_int_equal(c.since_ns, 0);
	assert_false(c.all);
	assert_null(c.phantom_url);
	assert_null(c.phantom_password);
	assert_null(c.phantom_token);
	assert_true(c.verify_ssl);
	assert_int_equal(c.phantom_timeout_ns, 30 * SEC);
	assert_int_equal(c.phantom_connect_timeout_ns, 10 * SEC);
	assert_int_equal(c.retry_max_ns, 300 * SEC);
	assert_string_equal(c.label, "events");
	assert_int_equal(c.sensitivity, SENS_AMBER);
	assert_string_equal(sensitivity_name(c.sensitivity), "amber");
	const char *sev[] = { "high", "high", "high", "medium", "medium", "low", "low", "low" };
	for (int i = 0; i < CONFIG_NPRIO; i++)
		assert_string_equal(c.severity_map[i], sev[i]);
	assert_int_equal(c.group_window_ns, 0);
	assert_int_equal(c.container_type, CONTAINER_DEFAULT);
	assert_string_equal(c.theme, "default");
	assert_int_equal(c.colors, COLORS_AUTO);
	assert_false(c.mouse);
	assert_int_equal(c.escdelay_ms, 50);
	assert_int_equal(c.nwarnings, 0);
	/* nats_conf points at the config's own strings. */
	assert_ptr_equal(c.nats.servers, c.servers);
	assert_string_equal(c.nats.subject, "falco.>");
	assert_null(c.nats.stream);
	assert_string_equal(c.nats.name, "socterm");
	config_free(&c);
}

static void test_precedence(void **state)
{
	(void)state;
	write_file(cfg_default, 0644,
		   "server = nats://file:4222\n"
		   "escdelay = 100\n"
		   "phantom-url = https://file.example/\n"
		   "phantom-user = fileuser\n"
		   "capacity = 5000\n"
		   "label = filelabel\n");
	struct config c;
	char *err = NULL;

	/* file over defaults */
	assert_int_equal(LOAD(&c, &err), EXIT_OK);
	assert_true(c.config_found);
	assert_string_equal(c.servers, "nats://file:4222");
	assert_int_equal(c.escdelay_ms, 100);
	assert_string_equal(c.phantom_url, "https://file.example");
	assert_int_equal(c.capacity, 5000);
	assert_line(&c, "capacity", "5000", at_line(5));
	assert_line(&c, "subject", "falco.>", "default");
	config_free(&c);

	/* environment over the file */
	setenv("NATS_URL", "nats://env:4222", 1);
	setenv("ESCDELAY", "25", 1);
	setenv("PHANTOM_BASE_URL", "https://env.example", 1);
	setenv("PHANTOM_USER", "envuser", 1);
	assert_int_equal(LOAD(&c, &err), EXIT_OK);
	assert_string_equal(c.servers, "nats://env:4222");
	assert_int_equal(c.escdelay_ms, 25);
	assert_string_equal(c.phantom_url, "https://env.example");
	assert_string_equal(c.phantom_user, "envuser");
	assert_int_equal(c.capacity, 5000);
	assert_line(&c, "server", "nats://env:4222", "env NATS_URL");
	config_free(&c);

	/* command line over everything */
	assert_int_equal(LOAD(&c, &err, "-s", "nats://cli:4222", "--escdelay=10",
			      "--phantom-url", "https://cli.example//", "--phantom-user=cliuser",
			      "--capacity", "200", "--label", "clilabel"), EXIT_OK);
	assert_string_equal(c.servers, "nats://cli:4222");
	assert_string_equal(c.nats.servers, "nats://cli:4222");
	assert_int_equal(c.escdelay_ms, 10);
	assert_string_equal(c.phantom_url, "https://cli.example");
	assert_string_equal(c.phantom_user, "cliuser");
	assert_int_equal(c.capacity, 200);
	assert_string_equal(c.label, "clilabel");
	assert_line(&c, "escdelay", "10", "command line");
	assert_line(&c, "phantom-url", "https://cli.example", "command line");
	config_free(&c);

	/* the last of repeated command-line options wins */
	assert_int_equal(LOAD(&c, &err, "--capacity=300", "--capacity=400", "-snats://x:1"), EXIT_OK);
	assert_int_equal(c.capacity, 400);
	assert_string_equal(c.servers, "nats://x:1");
	config_free(&c);
}

static void test_explicit_config(void **state)
{
	(void)state;
	char *p = path_in("explicit.conf");
	write_file(p, 0600, "capacity = 777\n");
	write_file(cfg_default, 0600, "capacity = 555\n");
	struct config c;
	char *err = NULL;
	assert_int_equal(LOAD(&c, &err, "--config", p), EXIT_OK);
	assert_int_equal(c.capacity, 777);
	assert_string_equal(c.config_path, p);
	config_free(&c);
	unlink(p);
	FAIL(EXIT_NOINPUT, "explicit.conf: cannot read the config file", "--config", p);
	/* A missing default file is fine. */
	unlink(cfg_default);
	assert_int_equal(LOAD(&c, &err), EXIT_OK);
	config_free(&c);
	/* ~ is the home directory. */
	char *home = path_in("home");
	mkdir_p(home, 0700);
	char *hp = xasprintf("%s/my.conf", home);
	write_file(hp, 0600, "state-dir = ~/st\n");
	assert_int_equal(LOAD(&c, &err, "--config=~/my.conf"), EXIT_OK);
	char *want = xasprintf("%s/st", home);
	assert_string_equal(c.state_dir, want);
	config_free(&c);
	FAIL(EXIT_USAGE, "--config needs a file name", "--config=");
	free(want);
	free(hp);
	free(home);
	free(p);
}

/* ---- file syntax ---------------------------------------------------------- */

static int parse(struct config *c, const char *text, char **err)
{
	config_init(c);
	return config_parse_buffer(c, "t.conf", text, strlen(text), true, 0600, err);
}

static void test_file_syntax(void **state)
{
	(void)state;
	struct config c;
	char *err = NULL;
	const char *text =
		"\xef\xbb\xbf# a comment\n"
		"\n"
		"   # indented comment\n"
		"filter = proc.name = \"bash\" # trailing comment\n"
		"label = \"with # hash and \\\"quotes\\\" and \\\\\"   # comment\n"
		"theme=nord\r\n"
		"\tsubject\t=\tfalco.high  \n"
		"capacity = 1000\n"
		"capacity = 2000\n"
		"log-file = \"  spaced name  \"\n"
		"durable = a#b\n"
		"stream = \"\"\n"
		"tls-ca = # nothing\n"
		"colors = TrueColor\n";
	assert_int_equal(parse(&c, text, &err), EXIT_OK);
	assert_string_equal(c.filter, "proc.name = \"bash\"");
	assert_string_equal(c.label, "with # hash and \"quotes\" and \\");
	assert_string_equal(c.theme, "nord");
	assert_string_equal(c.subject, "falco.high");
	assert_int_equal(c.capacity, 2000);
	assert_string_equal(c.log_file, "  spaced name  ");
	assert_string_equal(c.durable, "a#b");
	assert_null(c.stream);
	assert_null(c.tls_ca);
	assert_int_equal(c.colors, COLORS_TRUECOLOR);
	config_free(&c);

	/* An empty value unsets an optional setting set earlier. */
	assert_int_equal(parse(&c, "filter = x\nfilter =\n", &err), EXIT_OK);
	assert_null(c.filter);
	config_free(&c);
	/* No trailing newline. */
	assert_int_equal(parse(&c, "capacity = 123", &err), EXIT_OK);
	assert_int_equal(c.capacity, 123);
	config_free(&c);
}

static void expect_parse_error(const char *text, const char *want)
{
	struct config c;
	char *err = NULL;
	int rc = parse(&c, text, &err);
	if (rc != EXIT_CONFIG || !err || strcmp(err, want) != 0)
		fail_msg("'%s': rc %d, err '%s' (want '%s')", text, rc, err ? err : "(null)", want);
	free(err);
	config_free(&c);
}

static void test_file_errors(void **state)
{
	(void)state;
	expect_parse_error("\n\nbogus = 1\n", "t.conf:3: unknown key 'bogus'");
	expect_parse_error("capacity 5\n", "t.conf:1: expected 'key = value'");
	expect_parse_error("= 5\n", "t.conf:1: expected 'key = value'");
	expect_parse_error("ca pacity = 5\n", "t.conf:1: expected 'key = value'");
	expect_parse_error("# c\nfollow = maybe\n",
			   "t.conf:2: follow: not a boolean: 'maybe' (true/false, yes/no, on/off, 1/0)");
	expect_parse_error("stats-interval = 5x\n",
			   "t.conf:1: stats-interval: not a duration: '5x' (e.g. 500ms, 90s, 15m, 2h, 7d)");
	expect_parse_error("stream-max-bytes = 1Q\n",
			   "t.conf:1: stream-max-bytes: not a size: '1Q' (e.g. 512M, 1G)");
	expect_parse_error("stream-max-bytes = 10K\n", "t.conf:1: stream-max-bytes: must be at least 1M");
	expect_parse_error("capacity = 99\n", "t.conf:1: capacity: must be between 100 and 100000000");
	expect_parse_error("\nfilter = priority>=\n",
			   "t.conf:2: filter: expected a value after '>=' at 8");
	expect_parse_error("capacity = 12abc\n", "t.conf:1: capacity: not a whole number: '12abc'");
	expect_parse_error("capacity = -5\n", "t.conf:1: capacity: not a whole number: '-5'");
	expect_parse_error("capacity = 99999999999999999999\n",
			   "t.conf:1: capacity: not a whole number: '99999999999999999999'");
	expect_parse_error("capacity =\n", "t.conf:1: capacity: needs a value");
	expect_parse_error("subject = \"\"\n", "t.conf:1: subject: needs a value");
	expect_parse_error("phantom-timeout = 0\n", "t.conf:1: phantom-timeout: must be between 1ms and 1d");
	expect_parse_error("log-format = xml\n", "t.conf:1: log-format: 'xml' is not one of: text, json");
	expect_parse_error("sensitivity = purple\n",
			   "t.conf:1: sensitivity: 'purple' is not one of: white, green, amber, red");
	expect_parse_error("label = \"abc\n", "t.conf:1: label: unterminated quoted value");
	expect_parse_error("label = \"a\\nb\"\n",
			   "t.conf:1: label: unknown escape in quoted value (only \\\" and \\\\)");
	expect_parse_error("label = \"a\" b\n", "t.conf:1: label: unexpected text after the closing quote");
	expect_parse_error("config = /x\n", "t.conf:1: 'config' can only be given on the command line");
	expect_parse_error("help = yes\n", "t.conf:1: 'help' can only be given on the command line");
	expect_parse_error("label = a\x1b[31mb\n",
			   "t.conf:1: label: control characters or invalid UTF-8 in the value");
	expect_parse_error("label = \"a\tb\"\n",
			   "t.conf:1: label: control characters or invalid UTF-8 in the value");
	expect_parse_error("label = \xff\xfe\n",
			   "t.conf:1: label: control characters or invalid UTF-8 in the value");
	expect_parse_error("label = a\xc2\x9b" "b\n",
			   "t.conf:1: label: control characters or invalid UTF-8 in the value");
	expect_parse_error("phantom-url = ftp://x\n",
			   "t.conf:1: phantom-url: must start with https:// (or http://)");
	expect_parse_error("phantom-url = https:///\n", "t.conf:1: phantom-url: has no host");
	expect_parse_error("server = nats://a:1,,nats://b:2\n", "t.conf:1: server: empty server in the list");
	expect_parse_error("server = http://a:1\n",
			   "t.conf:1: server: servers are nats://HOST:PORT or tls://HOST:PORT");
	expect_parse_error("severity-map = critical\n",
			   "t.conf:1: severity-map: expected PRIORITY=SEVERITY[,...] (e.g. critical=high,notice=low)");
	expect_parse_error("severity-map = fatal=high\n",
			   "t.conf:1: severity-map: unknown priority 'fatal' (emergency, alert, critical, "
			   "error, warning, notice, informational, debug)");
	expect_parse_error("severity-map = debug=very high\n",
			   "t.conf:1: severity-map: bad severity for debug (a name such as high, medium, low)");
	expect_parse_error("escdelay = 20000\n", "t.conf:1: escdelay: must be between 0 and 10000");

	/* NUL byte: counted buffer. */
	struct config c;
	char *err = NULL;
	config_init(&c);
	assert_int_equal(config_parse_buffer(&c, "t.conf", "a = 1\0\n", 7, true, 0600, &err), EXIT_CONFIG);
	assert_string_equal(err, "t.conf:1: NUL byte in line");
	free(err);
	config_free(&c);

	/* A long value is shown shortened, without cutting a UTF-8 character. */
	struct sbuf t = SBUF_INIT;
	sbuf_adds(&t, "capacity = x");
	for (int i = 0; i < 60; i++)
		sbuf_adds(&t, "\xc3\xa9");
	config_init(&c);
	assert_int_equal(config_parse_buffer(&c, "t.conf", t.s, t.len, true, 0600, &err), EXIT_CONFIG);
	assert_non_null(strstr(err, "t.conf:1: capacity: not a whole number: 'x\xc3\xa9"));
	assert_true(log_text_clean(err));
	assert_true(strlen(err) < 150);
	free(err);
	sbuf_free(&t);
	config_free(&c);

	/* A real file: the message names its path and line. */
	write_file(cfg_default, 0644, "# socterm\ncapacity = 10\n");
	char *want = xasprintf("%s:2: capacity: must be between 100 and 100000000", cfg_default);
	FAIL(EXIT_CONFIG, want);
	free(want);
}

static void test_booleans(void **state)
{
	(void)state;
	const char *yes[] = { "true", "TRUE", "yes", "Yes", "on", "ON", "1" };
	const char *no[] = { "false", "False", "no", "NO", "off", "Off", "0" };
	struct config c;
	char *err = NULL;
	for (size_t i = 0; i < ARRAY_LEN(yes); i++) {
		char *t = xasprintf("follow = %s\nmouse = %s\n", yes[i], no[i]);
		assert_int_equal(parse(&c, t, &err), EXIT_OK);
		assert_true(c.follow);
		assert_false(c.mouse);
		config_free(&c);
		free(t);
	}
	write_file(cfg_default, 0600, "follow = yes\nmouse = on\n");
	assert_int_equal(LOAD(&c, &err, "--no-follow"), EXIT_OK);
	assert_false(c.follow);
	assert_true(c.mouse);
	config_free(&c);
	assert_int_equal(LOAD(&c, &err, "--no-mouse", "--mouse", "--follow=off"), EXIT_OK);
	assert_true(c.mouse);
	assert_false(c.follow);
	config_free(&c);
	FAIL(EXIT_USAGE, "--follow: not a boolean: 'perhaps'", "--follow=perhaps");
	FAIL(EXIT_USAGE, "--no-follow takes no value", "--no-follow=yes");
	FAIL(EXIT_USAGE, "unknown option --no-capacity", "--no-capacity");
	/* "--follow FILE" leaves FILE as the source. */
	assert_int_equal(LOAD(&c, &err, "--follow", "events.jsonl"), EXIT_OK);
	assert_true(c.follow);
	assert_string_equal(c.source_path, "events.jsonl");
	config_free(&c);
}

static void test_durations_sizes(void **state)
{
	(void)state;
	struct config c;
	char *err = NULL;
	assert_int_equal(parse(&c, "stats-interval = 500ms\nretry-max = 2h\nstream-max-age = 30d\n"
				   "stream-max-bytes = 512M\ngroup-window = 90\nphantom-timeout = 1.5s\n"
				   "stream = s\nsince = 15m\n", &err), EXIT_OK);
	assert_int_equal(c.stats_interval_ns, 500000000);
	assert_int_equal(c.retry_max_ns, 7200 * SEC);
	assert_int_equal(c.stream_max_age_ns, 30 * 86400 * SEC);
	assert_int_equal(c.stream_max_bytes, 512LL << 20);
	assert_int_equal(c.group_window_ns, 90 * SEC);
	assert_int_equal(c.phantom_timeout_ns, 1500000000);
	assert_int_equal(c.since_ns, 900 * SEC);
	/* Printed in canonical units, readable back. */
	char *out = print_to_string(&c, false);
	assert_non_null(strstr(out, "\nstats-interval = 500ms\n"));
	assert_non_null(strstr(out, "\nretry-max = 2h\n"));
	assert_non_null(strstr(out, "\nstream-max-age = 30d\n"));
	assert_non_null(strstr(out, "\nstream-max-bytes = 512M\n"));
	assert_non_null(strstr(out, "\ngroup-window = 90s\n"));
	assert_non_null(strstr(out, "\nphantom-timeout = 1500ms\n"));
	assert_non_null(strstr(out, "\nsince = 15m\n"));
	free(out);
	config_free(&c);
	FAIL(EXIT_USAGE, "--stream-max-age: must be between 1s and 3650d", "--stream-max-age=0");
	FAIL(EXIT_USAGE, "--retry-max: not a duration: 'soon'", "--retry-max", "soon");
}

static void test_severity_map(void **state)
{
	(void)state;
	write_file(cfg_default, 0600, "severity-map = critical=medium, debug = informational\n");
	struct config c;
	char *err = NULL;
	assert_int_equal(LOAD(&c, &err, "--severity-map=INFO=medium"), EXIT_OK);
	assert_string_equal(c.severity_map[0], "high");          /* emergency: default */
	assert_string_equal(c.severity_map[2], "medium");        /* critical: file */
	assert_string_equal(c.severity_map[6], "medium");        /* informational: CLI */
	assert_string_equal(c.severity_map[7], "informational"); /* debug: file */
	assert_line(&c, "severity-map",
		    "emergency=high,alert=high,critical=medium,error=medium,warning=medium,"
		    "notice=low,informational=medium,debug=informational", "command line");
	config_free(&c);
	/* A bad map changes nothing. */
	config_init(&c);
	assert_int_equal(config_parse_buffer(&c, "t", "severity-map = alert=low,bogus=x\n", 34,
					     true, 0600, &err), EXIT_CONFIG);
	assert_string_equal(c.severity_map[1], "high");
	free(err);
	config_free(&c);
}

/* ---- command line --------------------------------------------------------- */

static void test_cli(void **state)
{
	(void)state;
	struct config c;
	char *err = NULL;
	assert_int_equal(LOAD(&c, &err, "-"), EXIT_OK);
	assert_string_equal(c.source_path, "-");
	config_free(&c);
	assert_int_equal(LOAD(&c, &err, "--", "--weird-name"), EXIT_OK);
	assert_string_equal(c.source_path, "--weird-name");
	config_free(&c);
	assert_int_equal(LOAD(&c, &err, "-h", "--bogus-value-ignored=1"), EXIT_USAGE);
	free(err);
	config_free(&c);
	/* Help and version win over other actions and skip the config file. */
	write_file(cfg_default, 0600, "bogus = 1\n");
	assert_int_equal(LOAD(&c, &err, "--print-config", "-h"), EXIT_OK);
	assert_int_equal(c.action, ACTION_HELP);
	config_free(&c);
	assert_int_equal(LOAD(&c, &err, "-V", "--count"), EXIT_OK);
	assert_int_equal(c.action, ACTION_VERSION);
	config_free(&c);
	unlink(cfg_default);
	struct {
		const char *arg;
		enum config_action a;
	} acts[] = {
		{ "--print-config", ACTION_PRINT_CONFIG }, { "--status", ACTION_STATUS },
		{ "--list-keys", ACTION_LIST_KEYS }, { "--count", ACTION_COUNT },
		{ "--help", ACTION_HELP }, { "--version", ACTION_VERSION },
	};
	for (size_t i = 0; i < ARRAY_LEN(acts); i++) {
		assert_int_equal(LOAD(&c, &err, (char *)acts[i].arg), EXIT_OK);
		assert_int_equal(c.action, acts[i].a);
		config_free(&c);
	}
	FAIL(EXIT_USAGE, "--print-config and --count cannot be used together", "--count", "--print-config");
	FAIL(EXIT_USAGE, "unknown option --bogus (see --help)", "--bogus");
	FAIL(EXIT_USAGE, "unknown option -x (see --help)", "-x");
	FAIL(EXIT_USAGE, "unknown option (see --help)", "--a\x1b[2J");
	FAIL(EXIT_USAGE, "--capacity needs a value (N)", "--capacity");
	FAIL(EXIT_USAGE, "-s needs a value (URL[,URL...])", "-s");
	FAIL(EXIT_USAGE, "--help takes no value", "--help=yes");
	FAIL(EXIT_USAGE, "-h takes no value", "-hV");
	FAIL(EXIT_USAGE, "only one source FILE (or -) may be given", "a.jsonl", "b.jsonl");
	FAIL(EXIT_USAGE, "--capacity: must be between 100 and 100000000", "--capacity=1");
	FAIL(EXIT_USAGE, "--filter: control characters or invalid UTF-8 in the value", "--filter=a\nb");
	FAIL(EXIT_USAGE, "--print-config takes no value", "--print-config=1");
	/* Command-line errors come before config file errors. */
	write_file(cfg_default, 0600, "bogus = 1\n");
	FAIL(EXIT_USAGE, "--capacity: must be", "--capacity=1");
	unlink(cfg_default);
}

static void test_cli_rejects_secrets(void **state)
{
	(void)state;
	char *argv[][3] = {
		{ "socterm", "--phantom-password", "hunter2-cli" },
		{ "socterm", "--phantom-password=hunter2-cli", NULL },
		{ "socterm", "--phantom-token", "tok-cli-1234" },
		{ "socterm", "--phantom-token=tok-cli-1234", NULL },
	};
	for (size_t i = 0; i < ARRAY_LEN(argv); i++) {
		struct config c;
		char *err = NULL;
		int argc = argv[i][2] ? 3 : 2;
		assert_int_equal(config_load(&c, argc, argv[i], &err), EXIT_USAGE);
		assert_non_null(strstr(err, "not accepted on the command line"));
		assert_non_null(strstr(err, i < 2 ? "PHANTOM_PASSWORD" : "PHANTOM_TOKEN"));
		assert_non_null(strstr(err, i < 2 ? "--phantom-password-file" : "--phantom-token-file"));
		assert_null(strstr(err, "hunter2"));
		assert_null(strstr(err, "tok-cli"));
		free(err);
		config_free(&c);
	}
}

/* ---- combinations --------------------------------------------------------- */

static void test_combinations(void **state)
{
	(void)state;
	FAIL(EXIT_USAGE, "--since and --all cannot be used together",
	     "--stream=S", "--since=1h", "--all");
	FAIL(EXIT_USAGE, "--since needs a JetStream stream (--stream NAME)", "--since=1h");
	FAIL(EXIT_USAGE, "--all needs a JetStream stream", "--all");
	FAIL(EXIT_USAGE, "--durable needs a JetStream stream", "--durable=d");
	FAIL(EXIT_USAGE, "--create-stream needs a JetStream stream", "--create-stream");
	FAIL(EXIT_USAGE, "--tls-cert needs tls-key too", "--tls-cert=/c");
	FAIL(EXIT_USAGE, "--follow needs a FILE to follow", "--follow");
	FAIL(EXIT_USAGE, "--tls-key needs tls-cert too", "--tls-key=/k");
	/* From the file: a config error naming file and line. */
	write_file(cfg_default, 0600, "stream = S\n\nall = yes\nsince = 2h\n");
	char *want = xasprintf("since (%s:4) and all (%s:3) cannot be used together",
			       cfg_default, cfg_default);
	FAIL(EXIT_CONFIG, want);
	free(want);
	/* Mixed: the command line part makes it a usage error. */
	write_file(cfg_default, 0600, "stream = S\nall = yes\n");
	want = xasprintf("--since and all (%s:2) cannot be used together", cfg_default);
	FAIL(EXIT_USAGE, want, "--since=5m");
	free(want);
	/* --no-all on the command line resolves it. */
	struct config c;
	char *err = NULL;
	assert_int_equal(LOAD(&c, &err, "--since=5m", "--no-all"), EXIT_OK);
	assert_int_equal(c.nats.start_since_ns, 300 * SEC);
	assert_false(c.nats.start_all);
	assert_string_equal(c.nats.stream, "S");
	config_free(&c);
	unlink(cfg_default);

	char *tok = path_in("nats.token"), *creds = path_in("nats.creds");
	write_file(tok, 0600, "natstoken-abc\n");
	write_file(creds, 0600, "-----BEGIN NATS USER JWT-----\n");
	want = xasprintf("--creds and --token-file cannot be used together");
	FAIL(EXIT_USAGE, want, "--creds", creds, "--token-file", tok);
	free(want);
	/* Forward-only needs Phantom and credentials. */
	FAIL(EXIT_USAGE, "--forward-only needs phantom-url", "--forward-only");
	FAIL(EXIT_USAGE, "--forward-only needs Phantom credentials", "--forward-only",
	     "--phantom-url=https://soar.example");
	setenv("PHANTOM_TOKEN", "forward-token-1", 1);
	assert_int_equal(LOAD(&c, &err, "--forward-only", "--phantom-url=https://soar.example"), EXIT_OK);
	assert_string_equal(c.nats.name, "socterm-forwarder");
	config_free(&c);
	/* ... but --print-config shows an incomplete forward-only config. */
	assert_int_equal(LOAD(&c, &err, "--forward-only", "--print-config"), EXIT_OK);
	config_free(&c);
	free(tok);
	free(creds);
}

/* ---- VERIFY_SSL ----------------------------------------------------------- */

static void test_verify_ssl(void **state)
{
	(void)state;
	struct {
		const char *env;    /* NULL: unset */
		bool on;
	} table[] = {
		{ NULL, true }, { "true", true }, { "True", true }, { "yes", true }, { "1", true },
		{ "garbage", true }, { "", true }, { "2", true }, { "disable", true },
		{ "false", false }, { "FALSE", false }, { "no", false }, { "No", false },
		{ "0", false }, { "off", false }, { "OFF", false }, { " false ", false },
	};
	for (size_t i = 0; i < ARRAY_LEN(table); i++) {
		if (table[i].env)
			setenv("VERIFY_SSL", table[i].env, 1);
		else
			unsetenv("VERIFY_SSL");
		struct config c;
		char *err = NULL;
		assert_int_equal(LOAD(&c, &err), EXIT_OK);
		if (c.verify_ssl != table[i].on)
			fail_msg("VERIFY_SSL=%s: verify_ssl %d", table[i].env ? table[i].env : "(unset)",
				 c.verify_ssl);
		if (table[i].on) {
			assert_int_equal(c.nwarnings, 0);
		} else {
			assert_int_equal(c.nwarnings, 1);
			assert_non_null(strstr(c.warnings[0], "TLS certificate verification for Phantom is OFF"));
			assert_non_null(strstr(c.warnings[0], "(from env VERIFY_SSL)"));
		}
		config_free(&c);
	}
	/* The command line wins over the environment, both ways. */
	setenv("VERIFY_SSL", "0", 1);
	struct config c;
	char *err = NULL;
	assert_int_equal(LOAD(&c, &err, "--verify-ssl"), EXIT_OK);
	assert_true(c.verify_ssl);
	config_free(&c);
	unsetenv("VERIFY_SSL");
	assert_int_equal(LOAD(&c, &err, "--no-verify-ssl"), EXIT_OK);
	assert_false(c.verify_ssl);
	assert_int_equal(c.nwarnings, 1);
	assert_non_null(strstr(c.warnings[0], "(from command line)"));
	config_free(&c);
	/* In the config file a bad boolean is an error, as everywhere else. */
	write_file(cfg_default, 0600, "verify-ssl = sometimes\n");
	FAIL(EXIT_CONFIG, ":1: verify-ssl: not a boolean");
}

/* ---- secrets -------------------------------------------------------------- */

static void test_secret_files(void **state)
{
	(void)state;
	char *pw = path_in("pw"), *tok = path_in("tok");
	write_file(pw, 0644, "file-password-1\n");
	write_file(tok, 0600, "file-token-1\r\n");
	char *want = xasprintf("phantom-password-file: %s: holds a secret, but its mode is 0644 "
			       "(group or others may access it); run: chmod 600 '%s'", pw, pw);
	FAIL(EXIT_CONFIG, want, "--phantom-password-file", pw);
	free(want);
	write_file(pw, 0640, "file-password-1\n");
	FAIL(EXIT_CONFIG, "mode is 0640", "--phantom-password-file", pw);
	write_file(pw, 0604, "file-password-1\n");
	FAIL(EXIT_CONFIG, "mode is 0604", "--phantom-password-file", pw);
	write_file(pw, 0600, "file-password-1\n\n");
	struct config c;
	char *err = NULL;
	assert_int_equal(LOAD(&c, &err, "--phantom-password-file", pw, "--phantom-token-file", tok),
			 EXIT_OK);
	assert_string_equal(secret_str(c.phantom_password), "file-password-1");
	assert_string_equal(secret_str(c.phantom_token), "file-token-1");
	assert_int_equal(secret_len(c.phantom_token), 12);
	config_free(&c);
	write_file(pw, 0400, "pw-0400\n");
	assert_int_equal(LOAD(&c, &err, "--phantom-password-file", pw), EXIT_OK);
	assert_string_equal(secret_str(c.phantom_password), "pw-0400");
	config_free(&c);
	write_file(pw, 0600, "\n");
	FAIL(EXIT_CONFIG, "pw: is empty", "--phantom-password-file", pw);
	unlink(pw);
	FAIL(EXIT_NOINPUT, "phantom-password-file: ", "--phantom-password-file", pw);
	FAIL(EXIT_CONFIG, "not a regular file", "--phantom-token-file", dir);
	/* NATS token file: same rule; creds: mode checked. */
	write_file(tok, 0644, "natstoken\n");
	FAIL(EXIT_CONFIG, "token-file: ", "--token-file", tok);
	char *creds = path_in("creds");
	write_file(creds, 0644, "jwt\n");
	FAIL(EXIT_CONFIG, "holds NATS credentials, but its mode is 0644", "--creds", creds);
	write_file(creds, 0600, "jwt\n");
	write_file(tok, 0600, "natstoken-xyz\n");
	assert_int_equal(LOAD(&c, &err, "--creds", creds), EXIT_OK);
	assert_string_equal(c.nats.creds_file, creds);
	config_free(&c);
	assert_int_equal(LOAD(&c, &err, "--token-file", tok), EXIT_OK);
	assert_string_equal(secret_str(c.nats_token), "natstoken-xyz");
	config_free(&c);
	free(creds);
	free(pw);
	free(tok);
}

static void test_config_file_secrets(void **state)
{
	(void)state;
	write_file(cfg_default, 0644, "phantom-user = bob\n\nphantom-password = inline-pw-1\n");
	char *want = xasprintf("%s:3: phantom-password is set in a file whose mode is 0644 (group or "
			       "others may access it); run: chmod 600 '%s'", cfg_default, cfg_default);
	FAIL(EXIT_CONFIG, want);
	free(want);
	write_file(cfg_default, 0640, "phantom-token = inline-tok-1\n");
	FAIL(EXIT_CONFIG, ":1: phantom-token is set in a file whose mode is 0640");
	/* Without secrets, an open mode is fine. */
	write_file(cfg_default, 0644, "phantom-user = bob\n");
	struct config c;
	char *err = NULL;
	assert_int_equal(LOAD(&c, &err), EXIT_OK);
	config_free(&c);

	write_file(cfg_default, 0600, "phantom-user = bob\nphantom-password = \"inline pw \\\"1\\\"\"\n"
				      "phantom-token = inline-tok-1\n");
	assert_int_equal(LOAD(&c, &err), EXIT_OK);
	assert_string_equal(secret_str(c.phantom_password), "inline pw \"1\"");
	assert_string_equal(secret_str(c.phantom_token), "inline-tok-1");
	config_free(&c);

	/* Environment beats the file; a *-file on the command line beats both. */
	setenv("PHANTOM_PASSWORD", "env-pw-1", 1);
	assert_int_equal(LOAD(&c, &err), EXIT_OK);
	assert_string_equal(secret_str(c.phantom_password), "env-pw-1");
	assert_string_equal(secret_str(c.phantom_token), "inline-tok-1");
	char *line = print_line(&c, "phantom-password");
	assert_non_null(strstr(line, "# phantom-password = ********"));
	assert_non_null(strstr(line, "# env PHANTOM_PASSWORD"));
	free(line);
	config_free(&c);
	char *pw = path_in("pw2");
	write_file(pw, 0600, "cli-file-pw\n");
	setenv("PHANTOM_PASSWORD", "env-pw-2", 1);
	assert_int_equal(LOAD(&c, &err, "--phantom-password-file", pw), EXIT_OK);
	assert_string_equal(secret_str(c.phantom_password), "cli-file-pw");
	line = print_line(&c, "phantom-password");
	assert_non_null(strstr(line, "# from phantom-password-file"));
	free(line);
	config_free(&c);

	/* Both forms in one file are ambiguous. */
	char *t = xasprintf("phantom-password = a-pw-here\nphantom-password-file = %s\n", pw);
	write_file(cfg_default, 0600, t);
	free(t);
	want = xasprintf("%s:1: phantom-password and phantom-password-file (line 2) are both set; keep one",
			 cfg_default);
	FAIL(EXIT_CONFIG, want);
	free(want);
	free(pw);
}

/* Runs in a child started with PHANTOM_PASSWORD in its initial environment:
 * after config_load nothing of it may be left in /proc/self/environ, in
 * getenv() or in what a child process inherits. */
static int child_env_check(void)
{
	const char *val = "zq-env-secret-77";
	struct config c;
	char *err = NULL;
	char *argv[] = { "socterm", NULL };
	if (!getenv("PHANTOM_PASSWORD"))
		return 10;
	if (config_load(&c, 1, argv, &err) != EXIT_OK)
		return 11;
	if (strcmp(secret_str(c.phantom_password), val) != 0)
		return 12;
	if (getenv("PHANTOM_PASSWORD") || getenv("PHANTOM_TOKEN"))
		return 13;
	int fd = open("/proc/self/environ", O_RDONLY);
	if (fd < 0)
		return 14;
	struct sbuf b = SBUF_INIT;
	char chunk[4096];
	ssize_t r;
	while ((r = read(fd, chunk, sizeof(chunk))) > 0)
		sbuf_add(&b, chunk, (size_t)r);
	close(fd);
	if (b.len == 0)
		return 15;
	if (memmem(b.s, b.len, val, strlen(val)) || memmem(b.s, b.len, "tok-env-88", 10))
		return 16;
	sbuf_free(&b);
	FILE *p = popen("env", "r");
	char line[512];
	int found = 0;
	while (p && fgets(line, sizeof(line), p))
		found |= strstr(line, "PHANTOM_") != NULL || strstr(line, val) != NULL;
	if (!p || pclose(p) != 0 || found)
		return 17;
	config_free(&c);
	return 0;
}

static void test_env_secret_scrubbed(void **state)
{
	(void)state;
	char *cfg = xasprintf("XDG_CONFIG_HOME=%s/cfg", dir);
	char *st = xasprintf("XDG_STATE_HOME=%s/state", dir);
	char *envp[] = { "PATH=/usr/bin:/bin", "PHANTOM_PASSWORD=zq-env-secret-77",
			 "PHANTOM_TOKEN=tok-env-88", cfg, st, "HOME=/nonexistent", NULL };
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char *argv[] = { "test_config", "--child-env", NULL };
		execve("/proc/self/exe", argv, envp);
		_exit(99);
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	free(cfg);
	free(st);

	/* In-process: the value's memory is wiped and the variable gone. */
	setenv("PHANTOM_TOKEN", "in-process-token", 1);
	char *v = getenv("PHANTOM_TOKEN");
	size_t n = strlen(v);
	struct config c;
	char *err = NULL;
	assert_int_equal(LOAD(&c, &err), EXIT_OK);
	assert_null(getenv("PHANTOM_TOKEN"));
	for (size_t i = 0; i < n; i++)
		assert_int_equal(v[i], 0);
	assert_string_equal(secret_str(c.phantom_token), "in-process-token");
	config_free(&c);
}

/* Secrets live in pages marked "dd" (not dumped) in /proc/self/smaps. */
static void test_secret_memory(void **state)
{
	(void)state;
	struct secret *s = secret_new("memory-secret", 13);
	uintptr_t addr = (uintptr_t)secret_str(s);
	FILE *f = fopen("/proc/self/smaps", "r");
	assert_non_null(f);
	char line[512];
	bool inside = false, checked = false;
	while (fgets(line, sizeof(line), f)) {
		unsigned long lo, hi;
		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2) {
			inside = addr >= lo && addr < hi;
			continue;
		}
		if (inside && strncmp(line, "VmFlags:", 8) == 0) {
			assert_non_null(strstr(line, " dd"));
			checked = true;
		}
	}
	fclose(f);
	assert_true(checked);
	struct secret *d = secret_dup(s);
	assert_string_equal(secret_str(d), "memory-secret");
	secret_free(d);
	secret_free(s);
	secret_free(NULL);
}

/* ---- --print-config ------------------------------------------------------- */

static void test_print_config(void **state)
{
	(void)state;
	write_file(cfg_default, 0600,
		   "phantom-password = very-secret-pw\n"
		   "filter = rule contains \"shell\" # x\n"
		   "theme = \"#dark\"\n");
	setenv("NATS_URL", "nats://alice:natspass-123@127.0.0.1:4222,nats://tok-abcdef@h2:4222", 1);
	setenv("PHANTOM_BASE_URL", "https://:urltoken-999@soar.example/", 1);
	struct config c;
	char *err = NULL;
	assert_int_equal(LOAD(&c, &err, "--capacity=5000", "/tmp/events.jsonl"), EXIT_OK);
	/* The config keeps the real values for the clients... */
	assert_non_null(strstr(c.servers, "natspass-123"));
	char *out = print_to_string(&c, true);
	/* ...the print-out never shows them. */
	assert_null(strstr(out, "very-secret-pw"));
	assert_null(strstr(out, "natspass-123"));
	assert_null(strstr(out, "tok-abcdef"));
	assert_null(strstr(out, "urltoken-999"));
	assert_non_null(strstr(out, "nats://alice:********@127.0.0.1:4222,nats://********@h2:4222"));
	assert_non_null(strstr(out, "https://:********@soar.example"));
	char *want = xasprintf("# phantom-password = ********");
	assert_non_null(strstr(out, want));
	free(want);
	assert_non_null(strstr(out, "\n# phantom-token = (not set)\n"));
	assert_non_null(strstr(out, "# Source: /tmp/events.jsonl (command line)"));
	/* Every config key is there, once. */
	for (size_t i = 0; i < config_nopts; i++) {
		const struct opt *o = &config_opts[i];
		if (o->flags & OF_CLI_ONLY)
			continue;
		char *k = xasprintf(o->type == OT_SECRET ? "\n# %s = " : "\n%s = ", o->name);
		char *hit = strstr(out, k);
		if (!hit || strstr(hit + 1, k))
			fail_msg("key %s not printed once", o->name);
		free(k);
	}
	free(out);
	assert_line(&c, "capacity", "5000", "command line");
	assert_line(&c, "filter", "rule contains \"shell\"", at_line(2));
	assert_line(&c, "theme", "\"#dark\"", at_line(3));
	assert_line(&c, "server", "nats://alice:********@127.0.0.1:4222", "env NATS_URL");
	assert_line(&c, "follow", "false", "default");
	char *lf = print_line(&c, "log-file");
	assert_non_null(strstr(lf, "log-file =    "));  /* unset: nothing after '=' */
	assert_non_null(strstr(lf, "# default"));
	free(lf);

	/* The print-out is a valid config file that reads back to the same. */
	char *vals = print_to_string(&c, false);
	struct config back;
	config_init(&back);
	assert_int_equal(config_parse_buffer(&back, "printed", vals, strlen(vals), true, 0600, &err),
			 EXIT_OK);
	assert_string_equal(back.filter, "rule contains \"shell\"");
	assert_string_equal(back.theme, "#dark");
	assert_int_equal(back.capacity, 5000);
	assert_null(back.phantom_password);
	char *again = print_to_string(&back, false);
	/* Only comments differ: the header, and the masked password (a comment,
	 * so it is not set when read back). */
	strip_comments(vals);
	strip_comments(again);
	assert_string_equal(vals, again);
	free(again);
	free(vals);
	config_free(&back);
	config_free(&c);
}

/* Removes the lines that start with '#'. */
static void strip_comments(char *s)
{
	char *w = s;
	for (const char *r = s; *r;) {
		size_t n = strcspn(r, "\n");
		if (r[n] == '\n')
			n++;
		if (*r != '#') {
			memmove(w, r, n);
			w += n;
		}
		r += n;
	}
	*w = '\0';
}

static void test_redact_url(void **state)
{
	(void)state;
	struct {
		const char *in, *out;
	} t[] = {
		{ "nats://127.0.0.1:4222", "nats://127.0.0.1:4222" },
		{ "nats://u:p@h:1", "nats://u:********@h:1" },
		{ "nats://tok@h:1", "nats://********@h:1" },
		{ "u:p@h:1", "u:********@h:1" },
		{ "nats://u:p@ss@h:1,tls://h2:2", "nats://u:********@h:1,tls://h2:2" },
		{ "https://:token@soar/rest", "https://:********@soar/rest" },
		{ "", "" },
	};
	for (size_t i = 0; i < ARRAY_LEN(t); i++) {
		char *r = config_redact_url(t[i].in);
		assert_string_equal(r, t[i].out);
		free(r);
	}
}

static void test_url_secrets_scrubbed_from_logs(void **state)
{
	(void)state;
	setenv("NATS_URL", "nats://alice:natspass-456@127.0.0.1:4222", 1);
	struct config c;
	char *err = NULL;
	assert_int_equal(LOAD(&c, &err), EXIT_OK);
	struct sbuf b = SBUF_INIT;
	const char *kv[] = { "url", c.servers };
	log_format_line(&b, LOG_FORMAT_TEXT, 0, LOG_INFO, "connected", kv, 1, "to natspass-456");
	assert_null(strstr(b.s, "natspass-456"));
	assert_non_null(strstr(b.s, "alice:********@"));
	sbuf_free(&b);
	config_free(&c);
	/* Once the config is gone, its secrets are no longer registered. */
	log_format_line(&b, LOG_FORMAT_TEXT, 0, LOG_INFO, "x", NULL, 0, "natspass-456");
	assert_non_null(strstr(b.s, "natspass-456"));
	sbuf_free(&b);
}

/* ---- reload --------------------------------------------------------------- */

static void test_reload(void **state)
{
	(void)state;
	write_file(cfg_default, 0600, "capacity = 1000\nlabel = one\nsubject = a.>\n");
	setenv("PHANTOM_PASSWORD", "env-reload-pw", 1);
	struct config c;
	char *err = NULL;
	assert_int_equal(LOAD(&c, &err, "--subject=cli.>", "--follow", "src.jsonl"), EXIT_OK);
	assert_int_equal(c.capacity, 1000);
	assert_null(getenv("PHANTOM_PASSWORD"));

	write_file(cfg_default, 0600, "capacity = 2000\nlabel = two\nsubject = b.>\n");
	assert_int_equal(config_reload(&c, &err), EXIT_OK);
	assert_int_equal(c.capacity, 2000);
	assert_string_equal(c.label, "two");
	assert_string_equal(c.subject, "cli.>");        /* the command line still wins */
	assert_string_equal(c.nats.subject, "cli.>");
	assert_true(c.follow);
	assert_string_equal(c.source_path, "src.jsonl");
	assert_string_equal(secret_str(c.phantom_password), "env-reload-pw");

	/* A broken file leaves the running config untouched. */
	write_file(cfg_default, 0600, "capacity = 3000\nlabel = \n");
	assert_int_equal(config_reload(&c, &err), EXIT_CONFIG);
	char *want = xasprintf("%s:2: label: needs a value", cfg_default);
	assert_string_equal(err, want);
	free(want);
	free(err);
	assert_int_equal(c.capacity, 2000);
	assert_string_equal(c.label, "two");
	config_free(&c);
}

/* ---- --help --------------------------------------------------------------- */

static void test_usage(void **state)
{
	(void)state;
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	config_usage(f);
	fclose(f);
	for (size_t i = 0; i < config_nopts; i++) {
		const struct opt *o = &config_opts[i];
		char *k = o->type == OT_SECRET ? xasprintf("$%s", o->env)
		       : o->type == OT_BOOL ? xasprintf("--[no-]%s", o->name)
					    : xasprintf("--%s", o->name);
		if (!strstr(buf, k))
			fail_msg("--help lacks %s", k);
		free(k);
	}
	assert_non_null(strstr(buf, "-s, --server URL[,URL...]"));
	assert_non_null(strstr(buf, "[$NATS_URL]"));
	assert_non_null(strstr(buf, "(default 100000)"));
	/* Short lines, no control bytes. */
	size_t col = 0;
	for (const char *p = buf; *p; p++) {
		col = *p == '\n' ? 0 : col + 1;
		assert_true(col <= 80);
		assert_true(*p == '\n' || (unsigned char)*p >= 0x20);
	}
	free(buf);
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--child-env") == 0)
		return child_env_check();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_defaults, setup),
		cmocka_unit_test_setup(test_precedence, setup),
		cmocka_unit_test_setup(test_explicit_config, setup),
		cmocka_unit_test_setup(test_file_syntax, setup),
		cmocka_unit_test_setup(test_file_errors, setup),
		cmocka_unit_test_setup(test_booleans, setup),
		cmocka_unit_test_setup(test_durations_sizes, setup),
		cmocka_unit_test_setup(test_severity_map, setup),
		cmocka_unit_test_setup(test_cli, setup),
		cmocka_unit_test_setup(test_cli_rejects_secrets, setup),
		cmocka_unit_test_setup(test_combinations, setup),
		cmocka_unit_test_setup(test_verify_ssl, setup),
		cmocka_unit_test_setup(test_secret_files, setup),
		cmocka_unit_test_setup(test_config_file_secrets, setup),
		cmocka_unit_test_setup(test_env_secret_scrubbed, setup),
		cmocka_unit_test_setup(test_secret_memory, setup),
		cmocka_unit_test_setup(test_print_config, setup),
		cmocka_unit_test_setup(test_redact_url, setup),
		cmocka_unit_test_setup(test_url_secrets_scrubbed_from_logs, setup),
		cmocka_unit_test_setup(test_reload, setup),
		cmocka_unit_test_setup(test_usage, setup),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
