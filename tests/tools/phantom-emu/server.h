/*
 * server.h — the HTTP(S) front of the emulator, on libmicrohttpd: a small
 * epoll thread pool with keep-alive, request bodies buffered whole (as nginx
 * in front of Phantom does), then faults -> auth -> routing -> handlers.
 * Latency and hang faults suspend the connection and resume it from a timer
 * thread, so a slow request never holds a pool thread.
 *
 * Ownership: server_start borrows `e` and the PEM strings (copied by the
 * TLS library) for the server's lifetime; server_stop frees the server.
 * Thread safety: start and stop from the main thread.
 */
#ifndef PHANTOM_EMU_SERVER_H
#define PHANTOM_EMU_SERVER_H

#include "tests/tools/phantom-emu/emu.h"

struct server_opts {
	const char *bind;        /* numeric IPv4 or IPv6 address */
	unsigned port;           /* 0: pick a free one */
	unsigned threads;        /* pool size */
	const char *cert_pem;    /* both NULL: plain HTTP */
	const char *key_pem;
};

struct server;

/* NULL and a malloc'd *err on failure. */
struct server *server_start(struct emu *e, const struct server_opts *o, char **err);
unsigned server_port(const struct server *s);
void server_stop(struct server *s);

#endif
