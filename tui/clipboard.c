/* clipboard.c — see clipboard.h. */
#include "tui/clipboard.h"
#include "tui/app.h"
#include "tui/keys.h"
#include "core/event.h"

#include <stdlib.h>
#include <string.h>

/* screen forwards DCS strings of limited length: send the OSC in pieces. */
#define SCREEN_CHUNK 76

static void base64(const unsigned char *p, size_t n, struct sbuf *out)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)p[i] << 16;
		if (i + 1 < n)
			v |= (unsigned)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		char q[4] = { tab[v >> 18 & 63], tab[v >> 12 & 63],
			      i + 1 < n ? tab[v >> 6 & 63] : '=', i + 2 < n ? tab[v & 63] : '=' };
		sbuf_add(out, q, 4);
	}
}

void clipboard_osc52(const void *data, size_t n, bool tmux, bool screen, struct sbuf *out)
{
	struct sbuf seq = SBUF_INIT;
	sbuf_adds(&seq, "\033]52;c;");
	base64(data, n, &seq);
	sbuf_adds(&seq, "\a");
	if (tmux) {
		/* DCS tmux; <sequence with every ESC doubled> ST */
		sbuf_adds(out, "\033Ptmux;");
		for (size_t i = 0; i < seq.len; i++) {
			if (seq.s[i] == '\033')
				sbuf_addc(out, '\033');
			sbuf_addc(out, seq.s[i]);
		}
		sbuf_adds(out, "\033\\");
	} else if (screen) {
		for (size_t i = 0; i < seq.len; i += SCREEN_CHUNK) {
			sbuf_adds(out, "\033P");
			sbuf_add(out, seq.s + i, MIN(SCREEN_CHUNK, seq.len - i));
			sbuf_adds(out, "\033\\");
		}
	} else {
		sbuf_add(out, seq.s, seq.len);
	}
	sbuf_free(&seq);
}

void act_COPY(struct app *a)
{
	struct event *ev = app_selected(a, NULL);
	if (!ev) {
		app_message(a, true, "no event to copy");
		return;
	}
	struct sbuf raw = SBUF_INIT;
	if (event_raw(ev, &raw) < 0) {
		app_message(a, true, "the event's original bytes could not be read");
		sbuf_free(&raw);
		return;
	}
	if (raw.len > CLIPBOARD_MAX) {
		app_message(a, true, "event is %zu bytes: more than the %d KB the clipboard gets",
			    raw.len, CLIPBOARD_MAX / 1024);
		sbuf_free(&raw);
		return;
	}
	const char *tmux = getenv("TMUX"), *sty = getenv("STY");
	clipboard_osc52(raw.s ? raw.s : "", raw.len, tmux && *tmux, sty && *sty, &a->term_out);
	/* The terminal never says whether it took the copy: say what was sent,
	 * and what tmux needs to pass it on (off by default since tmux 3.3). */
	if (tmux && *tmux)
		app_message(a, false, "sent %zu bytes of JSON to the clipboard (OSC 52 through tmux: "
			    "needs 'set -g allow-passthrough on')", raw.len);
	else
		app_message(a, false, "sent %zu bytes of JSON to the clipboard (OSC 52%s)", raw.len,
			    sty && *sty ? ", through screen" : "");
	sbuf_free(&raw);
}
