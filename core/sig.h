/*
 * sig.h — signals as events: SIGINT, SIGTERM, SIGHUP and SIGWINCH are
 * blocked in every thread (call sig_block() in main before any thread is
 * created, so nats.c, libcurl and our own threads inherit the mask) and read
 * from a signalfd in the owning loop (console or forwarder). SIGPIPE is
 * ignored (libcurl and TLS shutdowns can raise it), and so is SIGXFSZ (a
 * write beyond a file-size limit then fails with EFBIG instead of killing).
 *
 * Thread safety: sig_block() once from main; the fd belongs to one loop.
 */
#ifndef SOCTERM_SIG_H
#define SOCTERM_SIG_H

void sig_block(void);
/* A non-blocking signalfd for the blocked signals, or -1. */
int sig_open(void);
/* The next pending signal number, or 0 when none. */
int sig_next(int fd);

#endif
