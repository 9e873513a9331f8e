/*
 * delay.h — a timer thread that calls back at monotonic deadlines. The HTTP
 * glue uses it to resume suspended connections (latency and hang faults)
 * without tying up a server thread while it waits.
 *
 * Ownership: `arg` pointers are only passed back to the callback.
 * Thread safety: delay_add from any thread; the callback runs on the timer
 * thread (or on the caller of delay_add/delay_stop once stopping).
 */
#ifndef PHANTOM_EMU_DELAY_H
#define PHANTOM_EMU_DELAY_H

#include <stdint.h>

typedef void (*delay_fn)(void *arg);

struct delay;

struct delay *delay_start(delay_fn fn);
/* Calls fn(arg) at mono_ns() >= due_ns; at once after delay_stop began. */
void delay_add(struct delay *d, int64_t due_ns, void *arg);
/* Stops the thread and fires everything still pending; later delay_add
 * calls fire at once. */
void delay_stop(struct delay *d);
/* Frees d once no thread can call delay_add any more. */
void delay_free(struct delay *d);

#endif
