/*
 * curlloop — the baseline for the forwarder benchmark: the fastest a plain
 * libcurl client can create containers in a Phantom (emulator) with one
 * keep-alive connection, no state, no retries.
 *
 *   curlloop --url URL --token-file FILE [--count N] < events.jsonl
 *
 * Each input line (a Falco event, e.g. from falcogen) becomes the same
 * container body the forwarder sends (cef_container: the event as an inline
 * artifact, source_data_identifier from the event id), so bodies are
 * realistic and every SDI is distinct. Bodies are built before the clock
 * starts; then one easy handle POSTs them to /rest/container in a loop. With
 * --count larger than the input, lines are reused with a counter mixed into
 * the id so SDIs stay distinct.
 *
 * Prints: "curlloop: N requests, F failed, X.XXX s, R req/s" and exits 0 if
 * every request succeeded (2xx), 1 otherwise, 2 on usage errors.
 */
#include <curl/curl.h>
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "core/cef.h"
#include "core/util.h"

static size_t discard(char *p, size_t size, size_t n, void *ud)
{
	(void)p;
	(void)ud;
	return size * n;
}

static char *read_token(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		die(2, "cannot read %s: %s", path, strerror(errno));
	char buf[4096];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	return xstrdup(buf);
}

/* Reads the events and builds one container body per request. */
static char **make_bodies(long count, size_t *n_out)
{
	char **lines = NULL, *buf = NULL;
	size_t nl = 0, cap = 0, bcap = 0;
	ssize_t len;
	while ((len = getline(&buf, &bcap, stdin)) > 0) {
		while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
			buf[--len] = '\0';
		if (!len)
			continue;
		lines = xgrow(lines, &cap, nl + 1, sizeof *lines);
		lines[nl++] = xstrndup(buf, (size_t)len);
	}
	free(buf);
	if (!nl)
		die(2, "no events on standard input");
	size_t n = count > 0 ? (size_t)count : nl;
	char **bodies = xcalloc(n, sizeof *bodies);
	uint64_t nonce = (uint64_t)now_ns(); /* distinct SDIs on every run */
	for (size_t i = 0; i < n; i++) {
		const char *raw = lines[i % nl];
		json_t *ev = cef_event_load(raw, strlen(raw));
		XXH128_hash_t h = XXH3_128bits_withSeed(raw, strlen(raw), nonce + i / nl);
		char id[40];
		snprintf(id, sizeof id, "%016llx%016llx", (unsigned long long)h.high64,
			 (unsigned long long)h.low64);
		const char *ids[] = { id };
		char *sdi = cef_sdi(ids, 1);
		struct cef_params p = { .sdi = sdi };
		json_t *c = cef_container(&p, &ev, ids, 1);
		bodies[i] = json_dumps(c, JSON_COMPACT);
		json_decref(c);
		json_decref(ev);
		free(sdi);
	}
	for (size_t i = 0; i < nl; i++)
		free(lines[i]);
	free(lines);
	*n_out = n;
	return bodies;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "url", 1, 0, 'u' }, { "token-file", 1, 0, 't' }, { "count", 1, 0, 'n' }, { 0, 0, 0, 0 },
	};
	const char *url = NULL, *token_file = NULL;
	long count = 0;
	int c;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'u': url = optarg; break;
		case 't': token_file = optarg; break;
		case 'n': count = atol(optarg); break;
		default: return 2;
		}
	}
	if (!url || !token_file) {
		fprintf(stderr, "usage: curlloop --url URL --token-file FILE [--count N] < events.jsonl\n");
		return 2;
	}
	size_t n;
	char **bodies = make_bodies(count, &n);
	char *token = read_token(token_file);
	char *hdr = xasprintf("ph-auth-token: %s", token);
	char *endpoint = xasprintf("%s/rest/container", url);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	CURL *h = curl_easy_init();
	struct curl_slist *hl = NULL;
	hl = curl_slist_append(hl, "Content-Type: application/json");
	hl = curl_slist_append(hl, "Accept: application/json");
	hl = curl_slist_append(hl, hdr);
	curl_easy_setopt(h, CURLOPT_URL, endpoint);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hl);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 30000L);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
	size_t failed = 0;
	int64_t t0 = mono_ns();
	for (size_t i = 0; i < n; i++) {
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, bodies[i]);
		long status = 0;
		if (curl_easy_perform(h) != CURLE_OK ||
		    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status) != CURLE_OK ||
		    status < 200 || status > 299)
			failed++;
	}
	double secs = (double)(mono_ns() - t0) / 1e9;
	printf("curlloop: %zu requests, %zu failed, %.3f s, %.0f req/s\n", n, failed, secs,
	       secs > 0 ? (double)n / secs : 0.0);
	curl_slist_free_all(hl);
	curl_easy_cleanup(h);
	curl_global_cleanup();
	for (size_t i = 0; i < n; i++)
		free(bodies[i]);
	free(bodies);
	explicit_bzero(token, strlen(token));
	explicit_bzero(hdr, strlen(hdr));
	free(token);
	free(hdr);
	free(endpoint);
	return failed ? 1 : 0;
}
