/* main.c — socterm's entry point: load the configuration, build the source,
 * then hand over to the console, the headless forwarder or the counter. */
#include "core/config.h"
#include "core/count.h"
#include "core/evq.h"
#include "core/fwd.h"
#include "core/parse.h"
#include "core/phantom.h"
#include "core/sig.h"
#include "core/source.h"
#include "core/spool.h"
#include "core/status.h"
#include "core/util.h"
#include "tui/tui.h"

#include <locale.h>
#include <sys/prctl.h>
#include <nats/nats.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define QUEUE_CAPACITY 65536

static int fail(int code, char *err)
{
	fprintf(stderr, "socterm: %s\n", err ? err : "failed");
	free(err);
	return code;
}

static struct source *make_source(const struct config *cfg, struct evq *q, char **err)
{
	if (cfg->source_path)
		return source_file_new(cfg->source_path, cfg->follow, q, err);
	if (cfg->nats.stream)
		return source_js_new(&cfg->nats, q, err);
	return source_nats_new(&cfg->nats, q, err);
}

/* Whether any credential is configured: a password or token for Phantom or
 * NATS, a creds file, or user:password in a NATS URL. */
static bool holds_secrets(const struct config *cfg)
{
	return cfg->phantom_password || cfg->phantom_token || cfg->nats_token || cfg->creds ||
	       (cfg->servers && strchr(cfg->servers, '@'));
}

static int run(struct config *cfg)
{
	char *err = NULL;
	bool interactive = cfg->action == ACTION_RUN && !cfg->forward_only;
	if (interactive && cfg->source_path && strcmp(cfg->source_path, "-") == 0 &&
	    isatty(STDIN_FILENO))
		return fail(EXIT_USAGE, xstrdup("'-' reads events from standard input, which is "
						"the terminal here; pipe Falco into socterm instead"));
	/* Our own copies of secrets are kept out of core dumps (secret.h), but
	 * libcurl and nats.c keep theirs in ordinary heap memory: a process
	 * holding credentials writes no core file and cannot be ptraced by
	 * other users. */
	if (holds_secrets(cfg))
		prctl(PR_SET_DUMPABLE, 0);
	sig_block();
	/* the console's forwarder and --forward-only both use libcurl, whose
	 * global init is not thread-safe: before any thread exists */
	if (phantom_global_init() != 0)
		return fail(EXIT_SOFTWARE, xstrdup("cannot initialise libcurl"));
	parse_init();
	spool_init(NULL);
	struct evq *q = evq_new(QUEUE_CAPACITY);
	struct source *src = make_source(cfg, q, &err);
	if (!src) {
		evq_free(q);
		return fail(EXIT_CONFIG, err);
	}
	int rc;
	if (source_start(src, &err) < 0) {
		rc = cfg->source_path ? EXIT_NOINPUT : EXIT_UNAVAILABLE;
	} else if (cfg->action == ACTION_COUNT) {
		rc = count_run(src, q, (size_t)cfg->capacity);
	} else if (cfg->forward_only) {
		rc = fwd_run(cfg, src, q, &err);
	} else {
		rc = tui_run(cfg, src, q, &err);
	}
	source_stop(src);
	evq_close(q);
	nats_CloseAndWait(2000);
	source_destroy(src);
	evq_free(q);
	spool_shutdown();
	phantom_global_cleanup();
	if (err)
		return fail(rc ? rc : EXIT_FAIL, err);
	return rc;
}

/* A password given in a URL on the command line (nats://user:pw@host) is
 * overwritten in place once parsed, so /proc/PID/cmdline and ps no longer
 * show it. (It was visible until here: files or NATS_URL are better.) */
static void scrub_argv(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		for (char *p = argv[i]; (p = strstr(p, "://")) != NULL;) {
			p += 3;
			size_t host = strcspn(p, "/,@");
			if (p[host] != '@')
				continue;
			char *colon = memchr(p, ':', host);
			if (colon)
				memset(colon + 1, '*', (size_t)(p + host - colon - 1));
			p += host + 1;
		}
	}
}

int main(int argc, char **argv)
{
	/* nats.c 3.4.1 frees OpenSSL's compression stack on its own cleanup
	 * without clearing it, so OpenSSL's exit handler would free it again
	 * (nats.c issue 904): a TLS connection ended every exit in SIGSEGV. We
	 * tear everything down ourselves; OpenSSL registers no exit handler. */
	OPENSSL_init_crypto(OPENSSL_INIT_NO_ATEXIT, NULL);
	setlocale(LC_ALL, "");
	struct config cfg;
	char *err = NULL;
	int rc = config_load(&cfg, argc, argv, &err);
	scrub_argv(argc, argv);
	if (rc != EXIT_OK) {
		config_free(&cfg);
		return fail(rc, err);
	}
	switch (cfg.action) {
	case ACTION_HELP:
		config_usage(stdout);
		break;
	case ACTION_VERSION:
		printf("socterm %s\n", SOCTERM_VERSION);
		break;
	case ACTION_PRINT_CONFIG:
		config_print(&cfg, stdout);
		break;
	case ACTION_LIST_KEYS:
		tui_list_keys(stdout);
		break;
	case ACTION_STATUS:
		rc = status_run(&cfg, stdout);
		break;
	case ACTION_RUN:
	case ACTION_COUNT:
		rc = run(&cfg);
		break;
	}
	config_free(&cfg);
	return rc;
}
