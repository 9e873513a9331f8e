/*
 * phantom.h — a small libcurl client for the Splunk Phantom / SOAR REST API
 * (phantom-api.md): create containers (with inline artifacts), add artifacts
 * and notes, list notes, find an artifact by SDI, update/promote and read a
 * container.
 *
 * Every answer is judged by the envelope AND the status (§2): `failed: true`
 * is failure at any status, `existing_container_id` / `existing_artifact_id`
 * are success with that id, 2xx without `failed` is success, HTML or other
 * non-JSON error bodies are errors whose text is extracted briefly. Results
 * are classified as transient (retry later: connection errors, timeouts,
 * resets, empty replies, 408, 429, 5xx, gateway pages) or permanent
 * (validation 4xx with Phantom's message, 401/403 authentication, TLS
 * verification, bad URL). The client never sleeps or retries by itself: the
 * caller schedules the retry with phantom_backoff_ms(), so the retry
 * survives a restart and a stop request is never stuck behind a sleep.
 *
 * Secrets: the token goes in the `ph-auth-token` header, otherwise user and
 * password go through CURLOPT_USERNAME/PASSWORD (HTTP Basic). Neither is
 * ever put in a URL, a log or an error text (credentials embedded in
 * base_url are moved out of it). TLS verification is on unless `insecure`
 * is set explicitly. Proxies come from the usual environment variables
 * (libcurl's default; nothing here overrides it).
 *
 * Process set-up: call phantom_global_init() from main() before any thread
 * starts (curl_global_init is not thread-safe, bug-cases B34; it also sets
 * SIGPIPE to SIG_IGN, because TLS shutdown on a dead socket can raise it in
 * any thread even with CURLOPT_NOSIGNAL, B36), and phantom_global_cleanup()
 * after every thread is joined.
 *
 * Ownership: phantom_new() copies the configuration; phantom_free() releases
 * everything. A struct phantom_result owns its `body`; release it with
 * phantom_result_clear(). Request bodies are borrowed.
 * Thread safety: one struct phantom per thread (it owns one CURL easy handle,
 * reused for keep-alive). phantom_classify() and phantom_backoff_ms() are
 * pure and may be called from anywhere.
 */
#ifndef SOCTERM_PHANTOM_H
#define SOCTERM_PHANTOM_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

struct phantom_conf {
	const char *base_url;       /* "https://soar.example:8443" (trailing / and /rest ok) */
	const char *token;          /* automation token: preferred */
	const char *user;           /* HTTP Basic when there is no token */
	const char *password;
	bool insecure;              /* true: no TLS verification (explicit only) */
	const char *ca_file;        /* PEM CA bundle for a private or self-signed CA */
	int64_t connect_timeout_ms; /* default 10 s */
	int64_t timeout_ms;         /* whole request; default 30 s */
	int retry_max;              /* transient failures before giving up; 0 = never */
	int64_t backoff_base_ms;    /* first retry delay; default 2 s */
	int64_t backoff_max_ms;     /* cap; default 5 min */
};

enum phantom_outcome {
	PH_OK,         /* success; id set when the server gave one */
	PH_EXISTING,   /* duplicate: success with the existing id */
	PH_TRANSIENT,  /* try again later */
	PH_PERMANENT,  /* the request will never succeed as is */
	PH_AUTH,       /* 401/403: configuration problem, no retry */
};

struct phantom_result {
	enum phantom_outcome outcome;
	long status;              /* HTTP status, 0 when there was no answer */
	long long id;             /* id or existing_*_id, 0 if none */
	int64_t retry_after_ms;   /* from Retry-After, -1 if none */
	char error[240];          /* short sanitised text, "" on success */
	json_t *body;             /* parsed JSON answer or NULL; owned */
};

const char *phantom_outcome_name(enum phantom_outcome o);
bool phantom_ok(const struct phantom_result *r); /* PH_OK or PH_EXISTING */
void phantom_result_clear(struct phantom_result *r);

/* Once per process, before threads; see the header comment. 0 or -1. */
int phantom_global_init(void);
void phantom_global_cleanup(void);

/* NULL with *err (caller frees) when the configuration is unusable. */
struct phantom *phantom_new(const struct phantom_conf *c, char **err);
void phantom_free(struct phantom *ph);
/* While *flag is true, a request in flight is abandoned within ~100 ms
 * (it then fails as PH_TRANSIENT "aborted"). The flag is borrowed. */
void phantom_set_abort_flag(struct phantom *ph, const atomic_bool *flag);
/* The base URL without credentials, for display. */
const char *phantom_url(const struct phantom *ph);
bool phantom_insecure(const struct phantom *ph);

/* POST /rest/container; r->id is the container (new or existing). */
void phantom_container_create(struct phantom *ph, json_t *container, struct phantom_result *r);
/* POST /rest/container/<id> with a partial object (e.g. {"container_type":"case"}). */
void phantom_container_update(struct phantom *ph, long long id, json_t *fields, struct phantom_result *r);
/* GET /rest/container/<id>; r->body is the container. */
void phantom_container_get(struct phantom *ph, long long id, struct phantom_result *r);
/* POST /rest/artifact; r->id is the artifact (new or existing). */
void phantom_artifact_add(struct phantom *ph, json_t *artifact, struct phantom_result *r);
/* Looks for an artifact of container `cid` with this SDI: PH_OK with r->id
 * set when found, 0 when not. */
void phantom_artifact_find(struct phantom *ph, long long cid, const char *sdi, struct phantom_result *r);
/* POST /rest/note; r->id is the note. */
void phantom_note_add(struct phantom *ph, json_t *note, struct phantom_result *r);
/* GET /rest/container/<id>/notes (all pages); r->body is {"data": [...]}. */
void phantom_notes_list(struct phantom *ph, long long cid, struct phantom_result *r);

/* The text of a request body as it is sent: compact JSON in which any
 * U+0000 is written as U+FFFD (\uFFFD). Phantom stores JSON in PostgreSQL,
 * which refuses U+0000 and with it the whole request, for good; cef.h keeps
 * NUL out of what it builds, this makes sure of it for every request.
 * NULL if body cannot be encoded. Caller frees. */
char *phantom_body(json_t *body);

/* Judges one HTTP answer (pure; also the fuzz target's entry point).
 * content_type and retry_after may be NULL; body need not be terminated. */
void phantom_classify(long status, const char *content_type, const char *body, size_t len,
		      const char *retry_after, struct phantom_result *r);

/* Delay before retry number `attempt` (1 = first retry): exponential from
 * backoff_base_ms, capped at backoff_max_ms, with jitter in [1/2, 1] of it,
 * and never less than Retry-After (capped at one hour). *rng is a caller-
 * owned xorshift state (any non-zero seed). */
int64_t phantom_backoff_ms(const struct phantom_conf *c, int attempt, int64_t retry_after_ms,
			   uint64_t *rng);

/* Short printable text from an HTML page or any body: tags, scripts and
 * styles removed, entities for & < > " ' and spaces decoded, whitespace
 * collapsed, non-ASCII and controls replaced, at most max-1 bytes. */
void phantom_body_text(const char *body, size_t len, char *out, size_t max);

#endif
