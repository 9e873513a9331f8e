/* screen.c — see screen.h. */
#include "tui/screen.h"

#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <term.h>
#include <termios.h>
#include <unistd.h>

static SCREEN *scr;
static FILE *tty_in, *tty_out;
/* For the fatal-signal handler: what to write to give the terminal back. */
static int crash_fd = -1;
static char crash_seq[256];
static size_t crash_len;
static struct termios crash_termios;
static bool crash_termios_ok;

static void on_fatal(int sig)
{
	if (crash_fd >= 0) {
		ssize_t w = write(crash_fd, crash_seq, crash_len);
		(void)w;
		if (crash_termios_ok)
			tcsetattr(crash_fd, TCSANOW, &crash_termios);
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

static void add_cap(const char *name)
{
	const char *s = tigetstr((char *)name);
	if (!s || s == (char *)-1)
		return;
	size_t n = strlen(s);
	if (crash_len + n < sizeof(crash_seq)) {
		memcpy(crash_seq + crash_len, s, n);
		crash_len += n;
	}
}

static void install_crash_restore(int fd)
{
	crash_fd = fd;
	crash_len = 0;
	add_cap("sgr0");
	add_cap("cnorm");
	add_cap("rmkx");
	add_cap("rmcup");
	static const int sigs[] = { SIGSEGV, SIGBUS, SIGFPE, SIGABRT, SIGILL };
	for (size_t i = 0; i < ARRAY_LEN(sigs); i++) {
		struct sigaction sa;
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_fatal;
		sa.sa_flags = SA_RESETHAND;
		sigaction(sigs[i], &sa, NULL);
	}
}

/* Checks TERM before curses gets a chance to exit on us or to draw garbage. */
static int check_term(int fd, char **err)
{
	const char *term = getenv("TERM");
	if (!term || !*term || strcmp(term, "dumb") == 0) {
		*err = xasprintf("TERM is %s: socterm needs a terminal with cursor addressing "
				 "(e.g. TERM=xterm-256color); for headless use see --forward-only",
				 term && *term ? "'dumb'" : "not set");
		return -1;
	}
	int rc = 0;
	if (setupterm((char *)term, fd, &rc) != OK || rc != 1) {
		*err = xasprintf("terminal type '%s' is unknown here (no terminfo entry); "
				 "try TERM=xterm-256color or TERM=vt100", term);
		return -1;
	}
	const char *cup = tigetstr((char *)"cup");
	bool usable = cup && cup != (char *)-1;
	del_curterm(cur_term);
	if (!usable) {
		*err = xasprintf("terminal type '%s' cannot move the cursor; "
				 "try TERM=xterm-256color or TERM=vt100", term);
		return -1;
	}
	return 0;
}

static int open_terminal(char **err)
{
	if (isatty(STDIN_FILENO) && isatty(STDOUT_FILENO)) {
		tty_in = stdin;
		tty_out = stdout;
		return 0;
	}
	int fd = open("/dev/tty", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		*err = xstrdup("no terminal: the console needs one (use --forward-only or --count "
			       "to run without)");
		return -1;
	}
	tty_in = fdopen(fd, "r");
	tty_out = fdopen(dup(fd), "w");
	if (!tty_in || !tty_out) {
		*err = xasprintf("/dev/tty: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static void capture_stderr(struct screen *s)
{
	int p[2];
	s->err_fd = -1;
	s->saved_stderr = dup(STDERR_FILENO);
	if (s->saved_stderr < 0 || pipe2(p, O_CLOEXEC | O_NONBLOCK) < 0)
		return;
	dup2(p[1], STDERR_FILENO);
	close(p[1]);
	s->err_fd = p[0];
}

/* What today's terminals send for these keys, whatever TERM says: over ssh
 * with an old profile (TERM=vt100, say) PgUp arrives as ESC [ 5 ~, which
 * curses would otherwise hand over as Esc followed by '[' (jump to the
 * previous mark). Sequences the terminfo entry already binds are left as
 * they are. */
static const struct {
	const char *seq;
	int key;
} common_keys[] = {
	{ "\033[A", KEY_UP },    { "\033[B", KEY_DOWN },  { "\033[C", KEY_RIGHT },
	{ "\033[D", KEY_LEFT },  { "\033OA", KEY_UP },    { "\033OB", KEY_DOWN },
	{ "\033OC", KEY_RIGHT }, { "\033OD", KEY_LEFT },  { "\033[5~", KEY_PPAGE },
	{ "\033[6~", KEY_NPAGE }, { "\033[1~", KEY_HOME }, { "\033[4~", KEY_END },
	{ "\033[7~", KEY_HOME }, { "\033[8~", KEY_END },  { "\033[H", KEY_HOME },
	{ "\033[F", KEY_END },   { "\033OH", KEY_HOME },  { "\033OF", KEY_END },
	{ "\033[2~", KEY_IC },   { "\033[3~", KEY_DC },   { "\033[Z", KEY_BTAB },
	{ "\033OP", KEY_F(1) },  { "\033OQ", KEY_F(2) },  { "\033OR", KEY_F(3) },
	{ "\033OS", KEY_F(4) },  { "\033[11~", KEY_F(1) }, { "\033[12~", KEY_F(2) },
	{ "\033[13~", KEY_F(3) }, { "\033[14~", KEY_F(4) },
};

static void define_common_keys(void)
{
	for (size_t i = 0; i < ARRAY_LEN(common_keys); i++)
		if (key_defined(common_keys[i].seq) == 0)
			define_key(common_keys[i].seq, common_keys[i].key);
}

int screen_start(struct screen *s, char **err)
{
	memset(s, 0, sizeof(*s));
	s->err_fd = s->saved_stderr = -1;
	if (open_terminal(err) < 0)
		return -1;
	if (check_term(fileno(tty_out), err) < 0)
		return -1;
	if (tcgetattr(fileno(tty_out), &crash_termios) == 0)
		crash_termios_ok = true;
	if (!getenv("ESCDELAY"))
		set_escdelay(50);
	scr = newterm(NULL, tty_out, tty_in);
	if (!scr) {
		*err = xstrdup("cannot initialise the terminal");
		return -1;
	}
	set_term(scr);
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	define_common_keys();
	nodelay(stdscr, TRUE);
	curs_set(0);
	s->in_fd = fileno(tty_in);
	s->out_fd = fileno(tty_out);
	install_crash_restore(fileno(tty_out));
	capture_stderr(s);
	s->started = true;
	return 0;
}

const char *screen_read_stderr(struct screen *s)
{
	static char last[256];
	const char *found = NULL;
	char buf[4096];
	ssize_t n;
	while (s->err_fd >= 0 && (n = read(s->err_fd, buf, sizeof(buf))) > 0) {
		sbuf_add(&s->errlog, buf, (size_t)n);
		sbuf_add(&s->errline, buf, (size_t)n);
		char *nl;
		while ((nl = memchr(s->errline.s, '\n', s->errline.len))) {
			size_t len = (size_t)(nl - s->errline.s);
			snprintf(last, sizeof(last), "%.*s", (int)MIN(len, sizeof(last) - 1),
				 s->errline.s);
			found = last;
			memmove(s->errline.s, nl + 1, s->errline.len - len - 1);
			s->errline.len -= len + 1;
		}
	}
	/* Keep the replay bounded: the last 64 KiB are enough. */
	if (s->errlog.len > (1u << 20)) {
		size_t keep = 64u << 10;
		memmove(s->errlog.s, s->errlog.s + s->errlog.len - keep, keep);
		s->errlog.len = keep;
	}
	return found;
}

void screen_stop(struct screen *s)
{
	if (!s->started)
		return;
	screen_read_stderr(s);
	endwin();
	delscreen(scr);
	scr = NULL;
	crash_fd = -1;
	if (s->saved_stderr >= 0) {
		dup2(s->saved_stderr, STDERR_FILENO);
		close(s->saved_stderr);
	}
	if (s->err_fd >= 0)
		close(s->err_fd);
	if (s->errlog.len && write_all(STDERR_FILENO, s->errlog.s, s->errlog.len) < 0) {
		/* nowhere left to report it */
	}
	sbuf_free(&s->errlog);
	sbuf_free(&s->errline);
	if (tty_in && tty_in != stdin)
		fclose(tty_in);
	if (tty_out && tty_out != stdout)
		fclose(tty_out);
	tty_in = tty_out = NULL;
	s->started = false;
}

void screen_resize(struct screen *s)
{
	(void)s;
	struct winsize ws;
	if (ioctl(fileno(tty_out), TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
		resizeterm(ws.ws_row, ws.ws_col);
}

void screen_suspend(struct screen *s)
{
	(void)s;
	def_prog_mode();
	endwin();
	kill(getpid(), SIGTSTP);
	reset_prog_mode();
	refresh();
}
