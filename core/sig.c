/* sig.c — see sig.h. */
#include "core/sig.h"

#include <pthread.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

static void handled(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGHUP);
	sigaddset(set, SIGWINCH);
}

void sig_block(void)
{
	sigset_t set;
	handled(&set);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* A file-size limit (or a full quota) should fail the write with EFBIG,
	 * which the spool and SQLite handle, not kill the process. */
	signal(SIGXFSZ, SIG_IGN);
}

int sig_open(void)
{
	sigset_t set;
	handled(&set);
	return signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

int sig_next(int fd)
{
	struct signalfd_siginfo si;
	if (read(fd, &si, sizeof(si)) != (ssize_t)sizeof(si))
		return 0;
	return (int)si.ssi_signo;
}
