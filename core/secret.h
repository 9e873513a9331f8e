/*
 * secret.h — passwords and tokens held where they cannot leak by accident.
 *
 * A secret lives in its own mmap'd pages that are excluded from core dumps
 * (MADV_DONTDUMP), locked in RAM when RLIMIT_MEMLOCK allows it (never
 * swapped), and wiped with explicit_bzero() when freed. Secrets come from:
 *   - a file that only its owner may read or write (like an ssh key), with
 *     the trailing newline stripped: secret_from_file();
 *   - an environment variable, which is copied and then scrubbed in place and
 *     unset, so /proc/PID/environ and child processes never see it:
 *     secret_from_env();
 *   - bytes already in memory (a mode-0600 config file): secret_new().
 *
 * The log module scrubs every registered secret from each line it writes
 * (secret_register(), secret_scrub()), as a last line of defence. Secrets
 * shorter than SECRET_SCRUB_MIN bytes are not scrubbed: they would match
 * everywhere and mangle every line.
 *
 * Ownership: constructors return a secret the caller frees with
 * secret_free() (which also unregisters it). secret_str() is borrowed and
 * valid until then.
 * Thread safety: a secret is immutable after creation and may be read from
 * any thread. The registry (register/scrub/free) is mutex-protected.
 * secret_from_env() touches the environment: call it at start-up, before
 * other threads exist.
 */
#ifndef SOCTERM_SECRET_H
#define SOCTERM_SECRET_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "core/util.h"

struct secret;

#define SECRET_MASK "********"
#define SECRET_SCRUB_MIN 4
/* Largest secret a file may hold (passwords and tokens are far smaller). */
#define SECRET_MAX 4000

/* Copies n bytes (NUL bytes allowed but pointless) into a new secret. */
struct secret *secret_new(const char *p, size_t n);
struct secret *secret_dup(const struct secret *s);
void secret_free(struct secret *s);            /* NULL is fine */

const char *secret_str(const struct secret *s);  /* NUL-terminated */
size_t secret_len(const struct secret *s);

/* Reads a secret file. Refuses a file that group or others may access, a
 * directory or device, an empty file, one with a NUL byte or larger than
 * SECRET_MAX. Returns 0 and sets *out, or -1 with errno set (ENOENT/EACCES:
 * cannot open; EPERM: mode too open; EINVAL/EFBIG: bad content) and *err a
 * malloc'd one-line message naming the file. */
int secret_from_file(const char *path, struct secret **out, char **err);

/* Copies getenv(name) into a secret, wipes the value in place and unsets the
 * variable. NULL if the variable is not set. */
struct secret *secret_from_env(const char *name);

/* True if a file with this mode keeps its contents private (no permission
 * bits for group or others). */
bool secret_mode_ok(mode_t mode);
/* The message used when a file holding secrets is too open. Caller frees. */
char *secret_mode_error(const char *path, mode_t mode, const char *what);

/* Log scrubbing registry. Registering twice is harmless. */
void secret_register(const struct secret *s);
/* Replaces every occurrence of a registered secret in b with SECRET_MASK.
 * Returns the number of replacements. */
size_t secret_scrub(struct sbuf *b);

#endif
