/*
 * main.c — phantom-emu: a local emulator of the Splunk Phantom (SOAR) REST
 * contract (phantom-api.md §9) for socterm's tests, demo and benchmarks,
 * plus a test-only control API under /emu/ (control.h).
 *
 *   phantom-emu --port N [--bind 127.0.0.1] [--tls-cert F --tls-key F]
 *               [--token-file F | --token T] [--user U --password-file F]
 *               [--label L ...] [--severity S ...] [--fault SPEC ...]
 *               [--threads N] [--max-body SIZE] [--port-file F]
 *
 * Prints "phantom-emu listening on http(s)://ADDR:PORT" once ready; exits 0
 * on SIGTERM/SIGINT. Credentials are never printed.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/util.h"
#include "tests/tools/phantom-emu/emu.h"
#include "tests/tools/phantom-emu/server.h"

#define MAX_FILE (1 << 20)
#define REQUEST_RING 4096

struct options {
	struct server_opts srv;
	const char *cert_file, *key_file, *port_file;
	char **fault_specs;
	size_t nfaults;
	bool port_set;
};

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("phantom-emu: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(2);
}

static void usage(FILE *f)
{
	fputs("usage: phantom-emu --port N [--bind ADDR] [--tls-cert F --tls-key F]\n"
	      "                   [--token-file F | --token T] [--user U --password-file F]\n"
	      "                   [--label L ...] [--severity S ...] [--fault SPEC ...]\n"
	      "                   [--threads N] [--max-body SIZE] [--port-file F]\n"
	      "  --port 0 picks a free port. --label replaces the default label set {events};\n"
	      "  --severity adds to {high, medium, low}. SPEC: JSON or mode[,key=value...].\n",
	      f);
}

/* Reads a whole (small) file; the caller frees. */
static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		fail("%s: %s", path, strerror(errno));
	struct sbuf b = SBUF_INIT;
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0 && b.len <= MAX_FILE)
		sbuf_add(&b, buf, n);
	bool bad = ferror(f) || b.len > MAX_FILE;
	fclose(f);
	if (bad)
		fail("%s: unreadable or too large", path);
	return sbuf_steal(&b);
}

/* A secret kept in a file: its first line. */
static char *read_secret(const char *path)
{
	char *s = read_file(path);
	s[strcspn(s, "\r\n")] = '\0';
	if (!*s)
		fail("%s: empty", path);
	return s;
}

static void vec_push(char ***v, size_t *n, const char *s)
{
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[(*n)++] = xstrdup(s);
}

static void vec_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static unsigned parse_uint_opt(const char *name, const char *s, unsigned max)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (!*s || *end || errno || v > max)
		fail("%s: expected a number up to %u", name, max);
	return (unsigned)v;
}

enum { O_PORT = 256, O_BIND, O_CERT, O_KEY, O_TOKEN, O_TOKEN_FILE, O_USER, O_PASS_FILE,
       O_LABEL, O_SEVERITY, O_FAULT, O_THREADS, O_PORT_FILE, O_MAX_BODY, O_HELP };

static const struct option longopts[] = {
	{ "port", required_argument, NULL, O_PORT },
	{ "bind", required_argument, NULL, O_BIND },
	{ "tls-cert", required_argument, NULL, O_CERT },
	{ "tls-key", required_argument, NULL, O_KEY },
	{ "token", required_argument, NULL, O_TOKEN },
	{ "token-file", required_argument, NULL, O_TOKEN_FILE },
	{ "user", required_argument, NULL, O_USER },
	{ "password-file", required_argument, NULL, O_PASS_FILE },
	{ "label", required_argument, NULL, O_LABEL },
	{ "severity", required_argument, NULL, O_SEVERITY },
	{ "fault", required_argument, NULL, O_FAULT },
	{ "threads", required_argument, NULL, O_THREADS },
	{ "port-file", required_argument, NULL, O_PORT_FILE },
	{ "max-body", required_argument, NULL, O_MAX_BODY },
	{ "help", no_argument, NULL, O_HELP },
	{ NULL, 0, NULL, 0 },
};

static void replace(char **slot, char *v)
{
	free(*slot);
	*slot = v;
}

static void parse_args(int argc, char **argv, struct options *o, struct emu *e)
{
	int c;
	int64_t size;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case O_PORT: o->srv.port = parse_uint_opt("--port", optarg, 65535); o->port_set = true; break;
		case O_BIND: o->srv.bind = optarg; break;
		case O_CERT: o->cert_file = optarg; break;
		case O_KEY: o->key_file = optarg; break;
		case O_TOKEN: replace(&e->auth.token, xstrdup(optarg)); break;
		case O_TOKEN_FILE: replace(&e->auth.token, read_secret(optarg)); break;
		case O_USER: replace(&e->auth.user, xstrdup(optarg)); break;
		case O_PASS_FILE: replace(&e->auth.password, read_secret(optarg)); break;
		case O_LABEL: vec_push(&e->vocab.labels, &e->vocab.nlabels, optarg); break;
		case O_SEVERITY: vec_push(&e->vocab.severities, &e->vocab.nseverities, optarg); break;
		case O_FAULT: vec_push(&o->fault_specs, &o->nfaults, optarg); break;
		case O_THREADS: o->srv.threads = parse_uint_opt("--threads", optarg, 64); break;
		case O_PORT_FILE: o->port_file = optarg; break;
		case O_MAX_BODY:
			if (parse_size(optarg, &size) != 0 || size <= 0)
				fail("--max-body: expected a size such as 32M");
			e->max_body = (size_t)size;
			break;
		case O_HELP: usage(stdout); exit(0);
		default: usage(stderr); exit(2);
		}
	}
	if (optind < argc || !o->port_set) {
		usage(stderr);
		exit(2);
	}
	if (!!o->cert_file != !!o->key_file)
		fail("--tls-cert and --tls-key go together");
	if (!!e->auth.user != !!e->auth.password)
		fail("--user and --password-file go together");
	if (!e->auth.token && !e->auth.user)
		fail("no credentials: give --token-file (or --token) and/or --user with --password-file");
	if (o->srv.threads == 0)
		fail("--threads must be at least 1");
}

static void set_defaults(struct emu *e)
{
	if (!e->vocab.nlabels)
		vec_push(&e->vocab.labels, &e->vocab.nlabels, "events");
	const char *std[] = { "high", "medium", "low" };
	char **extra = e->vocab.severities;
	size_t nextra = e->vocab.nseverities;
	e->vocab.severities = NULL;
	e->vocab.nseverities = 0;
	for (size_t i = 0; i < ARRAY_LEN(std); i++)
		vec_push(&e->vocab.severities, &e->vocab.nseverities, std[i]);
	for (size_t i = 0; i < nextra; i++)
		vec_push(&e->vocab.severities, &e->vocab.nseverities, extra[i]);
	vec_free(extra, nextra);
}

/* Written to a temporary name first so a reader never sees a partial port. */
static void write_port_file(const char *path, unsigned port)
{
	char *tmp = xasprintf("%s.tmp", path);
	FILE *f = fopen(tmp, "w");
	if (!f || fprintf(f, "%u\n", port) < 0 || fclose(f) != 0 || rename(tmp, path) != 0)
		fail("%s: %s", path, strerror(errno));
	free(tmp);
}

int main(int argc, char **argv)
{
	struct options o = { .srv = { .bind = "127.0.0.1", .threads = 4 } };
	struct emu e = { .max_body = 32u << 20 };
	parse_args(argc, argv, &o, &e);
	set_defaults(&e);

	e.model = model_new();
	e.faults = faults_new();
	e.log = reqlog_new(REQUEST_RING);
	for (size_t i = 0; i < o.nfaults; i++) {
		char *err = NULL;
		if (!faults_add_spec(e.faults, o.fault_specs[i], &err))
			fail("--fault %s: %s", o.fault_specs[i], err);
	}

	/* Server threads inherit this mask, so only sigwait() below sees the signals. */
	sigset_t sigs;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);

	char *cert = o.cert_file ? read_file(o.cert_file) : NULL;
	char *key = o.key_file ? read_file(o.key_file) : NULL;
	o.srv.cert_pem = cert;
	o.srv.key_pem = key;
	char *err = NULL;
	struct server *s = server_start(&e, &o.srv, &err);
	if (key)
		explicit_bzero(key, strlen(key));
	free(key);
	free(cert);
	if (!s)
		fail("%s", err);

	unsigned port = server_port(s);
	if (o.port_file)
		write_port_file(o.port_file, port);
	bool v6 = strchr(o.srv.bind, ':') != NULL;
	printf("phantom-emu listening on %s://%s%s%s:%u\n", o.srv.cert_pem ? "https" : "http",
	       v6 ? "[" : "", o.srv.bind, v6 ? "]" : "", port);
	fflush(stdout);

	int sig = 0;
	sigwait(&sigs, &sig);
	server_stop(s);
	model_free(e.model);
	faults_free(e.faults);
	reqlog_free(e.log);
	auth_cfg_free(&e.auth);
	vec_free(e.vocab.labels, e.vocab.nlabels);
	vec_free(e.vocab.severities, e.vocab.nseverities);
	vec_free(o.fault_specs, o.nfaults);
	return 0;
}
