/* test_filter.c — the filter language: many valid expressions, each with the
 * set of fixture events it must select, many invalid ones with the error
 * position and message, interning across event lifetimes, the same filter
 * on two threads, and the public samples when ../shared/samples exists.
 *
 * Fixtures: tests/fixtures/filter-events.jsonl (one event per line, parsed
 * with event_parse). What each line carries is summarised at FIXTURES. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/unit/lib_common.h"

#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/event.h"
#include "core/filter.h"
#include "core/log.h"
#include "core/parse.h"
#include "core/spool.h"
#include "core/util.h"

/* FIXTURES (index: priority, rule, host, tags, time UTC; notable fields)
 *  0 Critical  Terminal shell in container  web-1  container,mitre_execution,shell,T1059
 *    2026-01-02 10:00:00; container.name nginx-42, proc.name bash, proc.tty 34816 (int),
 *    user.loginuid -1, proc.pid 4294967295, fd.sport true, proc.pname "<NA>",
 *    proc.aname[2] null, proc.exepath "", evt.time 1767348000123456789 (> 2^53)
 *  1 Warning   Write below etc  db-2  T1055.008,mitre_privilege_escalation,maturity_stable
 *    10:30:00.5; container.name postgres, proc.name sh, proc.tty "34816", fd.name /etc/shadow,
 *    proc.ppid "1", fd.sport false, evt.time 1767349800500000000
 *  2 Notice    Attach/Exec Pod  falco-k8saudit  k8s  11:00+01:00 = 10:00Z; k8s audit: ka.uri.param[command] sh,
 *    ka.response.code "201", ka.req.pod.volumes.hostpath ["/etc"] (array),
 *    ka.user.extra {"arn":[...]} (object), jevt.value JSON inside a string
 *  3 info      K8s Serviceaccount Created  falco-k8saudit  tags []  2026-01-01 23:59:59; output_fields null
 *  4 "Critical " Launch Privileged Container  (no host, no output, no tags)  2026-01-03 00:00;
 *    container.name null, proc.name python3
 *  5 "Severe" (unknown)  Console Login Without MFA  cloud  tags null  2025-12-31 12:00;
 *    ct.* fields, ratio 0.25, count 9007199254740993 (2^53 + 1)
 *  6 4 (unknown)  Number Priority  web-2  tags "container"  12:00; proc.name bash,
 *    container.name nginx-43, evt.num INT64_MIN, proc.is_exe_upper_layer "true",
 *    proc.pid 18446744073709551615 (beyond int64)
 *  7 WARNING   Read sensitive file untrusted  WEB-1  tags [1,"x",null]  13:00; fd.name /etc/passwd,
 *    proc.name cat, proc.pid 1234, container.name nginx-42, proc.tty 34816.0 (real)
 *  8 Debug     Debug rule  web-1  Mitre_Discovery  14:00; UTF-8 output, proc.cmdline "a\0b", note.x "Ärger"
 *  9 Emergency Mass Deletion  web-3  mitre_impact  15:00; proc.args "-rf /", score "1e3"
 *  4's output is synthesised: "Launch Privileged Container (container.name=<NA> proc.name=python3)"
 * 10 (not JSON: unparsed; arrival 2026-01-05 00:00)
 * 11 Alert     Outbound C2  web-1  network,mitre_command_and_control  16:00; uuid id
 * 12 Error     Weird "quoted" rule  web-1  a*b  17:00; proc.cmdline "echo *", fd.name "what?",
 *    file.path C:\temp\x
 * State set by the test: marked 0 9, annotated 1 7, escalated 1; notes on 1 and 7;
 * subject on 0 only; now = 2026-01-02 17:30Z; local time zone CET (UTC+1 in winter). */

#define MAXEV 32
#define ALL "0 1 2 3 4 5 6 7 8 9 10 11 12"

static struct event *evs[MAXEV];
static size_t nev;
static const char *notes[MAXEV];

static const char *note_of(void *arg, const struct event *ev)
{
	(void)arg;
	for (size_t i = 0; i < nev; i++)
		if (evs[i] == ev)
			return notes[i];
	return NULL;
}

static struct filter_ctx cx = { .note = note_of };

static char *src_path(const char *rel)
{
	const char *src = getenv("SOCTERM_SRC");
	return xasprintf("%s/%s", src ? src : ".", rel);
}

static int64_t utc(const char *s)
{
	int64_t ns;
	if (parse_rfc3339(s, strlen(s), &ns) < 0)
		abort();
	return ns;
}

static void load_fixtures(void)
{
	char *path = src_path("tests/fixtures/filter-events.jsonl");
	FILE *f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "cannot open %s\n", path);
		exit(1);
	}
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	while ((n = getline(&line, &cap, f)) > 0 && nev < MAXEV) {
		const char *subject = nev == 0 ? "falco.critical.terminal_shell_in_container" : NULL;
		evs[nev++] = event_parse(line, (size_t)n, subject, utc("2026-01-05T00:00:00Z"));
	}
	free(line);
	fclose(f);
	free(path);
	evs[0]->state |= ES_MARKED;
	evs[9]->state |= ES_MARKED;
	evs[1]->state |= ES_ANNOTATED | ES_ESCALATED;
	evs[7]->state |= ES_ANNOTATED;
	notes[1] = "escalated to case 42";
	notes[7] = "false positive: backup job";
	cx.now_ns = utc("2026-01-02T17:30:00Z");
}

/* "0 1 7": the fixture events f selects. */
static char *matches(const struct filter *f, const struct filter_ctx *c)
{
	struct sbuf b = SBUF_INIT;
	for (size_t i = 0; i < nev; i++)
		if (filter_match(f, evs[i], c))
			sbuf_printf(&b, "%s%zu", b.len ? " " : "", i);
	return sbuf_steal(&b);
}

/* ---- valid expressions ------------------------------------------------------------ */

static const struct {
	const char *expr;
	const char *want;
} valid[] = {
	/* everything */
	{ "", ALL },
	{ "   ", ALL },

	/* priority: ordered, unknown ranks above emergency */
	{ "priority>=warning", "0 1 4 5 6 7 9 10 11 12" },
	{ "priority<=warning", "1 2 3 7 8" },
	{ "priority=unknown", "5 6 10" },
	{ "priority!=unknown", "0 1 2 3 4 7 8 9 11 12" },
	{ "priority = INFO", "3" },
	{ "priority=informational", "3" },
	{ "priority>emergency", "5 6 10" },
	{ "priority<warn", "2 3 8" },
	{ "priority>=crit", "0 4 5 6 9 10 11" },
	{ "Priority=Critical", "0 4" },
	{ "priority~^Sev", "5" },
	{ "priority~*^warning$", "1 7" },
	{ "priority~^4$", "6" },
	{ "priority exists", ALL },
	{ "priority missing", "" },

	/* header text fields */
	{ "rule=\"Write below etc\"", "1" },
	{ "rule='Write below etc'", "1" },
	{ "rule=Write", "" },
	{ "rule!=\"Write below etc\"", "0 2 3 4 5 6 7 8 9 10 11 12" },
	{ "rule=*shell*", "0" },
	{ "rule=*Shell*", "" },
	{ "rule~(?i)shell", "0" },
	{ "rule~*SHELL", "0" },
	{ "rule!~e", "10 11" },
	{ "rule!~*E", "10 11" },
	{ "rule=\"Weird \\\"quoted\\\" rule\"", "12" },
	{ "rule='Weird \"quoted\" rule'", "12" },
	{ "rule~\"\\\"quoted\\\"\"", "12" },
	{ "host=web-1", "0 8 11 12" },
	{ "hostname=web-1", "0 8 11 12" },
	{ "host~*^web-1$", "0 7 8 11 12" },
	{ "host missing", "4 10" },
	{ "host exists", "0 1 2 3 5 6 7 8 9 11 12" },
	{ "source=k8s_audit", "2 3" },
	{ "source=k8s*", "2 3" },
	{ "source!=syscall", "2 3 5 10" },
	{ "subject=falco.critical.terminal_shell_in_container", "0" },
	{ "subject missing", "1 2 3 4 5 6 7 8 9 10 11 12" },

	/* tags (B09 shapes), case-insensitive, globs */
	{ "tag:mitre_execution", "0" },
	{ "tag:MITRE_EXECUTION", "0" },
	{ "tag:mitre_*", "0 1 8 9 11" },
	{ "tag:container", "0 6" },
	{ "tag:x", "7" },
	{ "tag:T1055.008", "1" },
	{ "tag:t1055*", "1" },
	{ "tags:k8s", "2" },
	{ "tag:'a*b'", "12" },
	{ "tag:a\\*b", "12" },
	{ "tag:a\\*c", "" },
	{ "tag exists", "0 1 2 6 7 8 9 11 12" },
	{ "tag missing", "3 4 5 10" },
	{ "tag~^T1", "0 1" },
	{ "tag=shell", "0" },
	{ "tag!=shell", "1 2 3 4 5 6 7 8 9 10 11 12" },
	{ "not tag:shell", "1 2 3 4 5 6 7 8 9 10 11 12" },

	/* bare words: case-insensitive substring over rule, host, output */
	{ "evil.example", "0" },
	{ "EVIL.EXAMPLE", "0" },
	{ "shadow", "1" },
	{ "k8s", "2 3" },
	{ "WEB-1", "0 7 8 11 12" },
	{ "system:node", "3" },
	{ "10.0.0.1", "5" },
	{ "bash", "0 6" },
	{ "/etc/passwd", "7" },
	{ "-rf", "9" },
	{ "mass deletion", "9" },
	{ "\"mass deletion\"", "9" },
	{ "'console login'", "5" },
	{ "\"file below\"", "1" },
	{ "Mass or shadow", "1 9" },
	{ "nginx-42 bash", "0" },
	{ "rule", "8 12" },
	{ "container", "0 4" },
	{ "\u00c4rger", "8" },
	{ "\u2713", "8" },
	{ "\"\\ud83d\\ude00\"", "8" },
	{ "\"\\uD83D\\uDE00 (CMD\"", "8" },
	{ "exists", "" },
	{ "ka.uri.param[command]", "" },

	/* output and message */
	{ "output~^1[0-1]:", "0 1 2" },
	{ "output missing", "4 10" },
	{ "output~*cloudtrail", "5" },
	{ "output=*alice*", "5" },
	{ "output~\"\\u2713\"", "8" },
	{ "message~\"^A shell\"", "0" },
	{ "rule=(", "" },
	{ "message~^10:", "" },

	/* output_fields: exact, globs, missing vs null vs "<NA>" vs "" (B01) */
	{ "container.name=nginx-42", "0 7" },
	{ "container.name = nginx-42", "0 7" },
	{ "container.name==nginx-42", "0 7" },
	{ "container.name=nginx-*", "0 6 7" },
	{ "container.name=nginx-4?", "0 6 7" },
	{ "container.name!=nginx-42", "1 2 3 4 5 6 8 9 10 11 12" },
	{ "container.name exists", "0 1 6 7" },
	{ "container.name missing", "2 3 4 5 8 9 10 11 12" },
	{ "proc.aname[2] missing", ALL },
	{ "proc.aname[2] exists", "" },
	{ "proc.pname=\"<NA>\"", "0" },
	{ "proc.pname exists", "0" },
	{ "proc.exepath exists", "0" },
	{ "proc.exepath=\"\"", "0" },
	{ "proc.exepath=''", "0" },

	/* numbers (B03, B04) */
	{ "proc.tty=34816", "0 1 7" },
	{ "proc.tty=\"34816\"", "0 1 7" },
	{ "proc.tty>34815", "0 1 7" },
	{ "proc.tty<34816", "" },
	{ "proc.tty<=34816.5", "0 1 7" },
	{ "proc.pid=4294967295", "0" },
	{ "proc.pid>4294967295", "6" },
	{ "proc.pid<2000", "7" },
	{ "user.loginuid=-1", "0" },
	{ "user.loginuid<0", "0" },
	{ "evt.time=1767348000123456789", "0" },
	{ "evt.time=1767348000123456788", "" },
	{ "evt.time>1767348000123456789", "1" },
	{ "evt.time>=1767348000123456789", "0 1" },
	{ "evt.num=-9223372036854775808", "6" },
	{ "evt.num<-9.2e18", "6" },
	{ "field:count=9007199254740993", "5" },
	{ "field:count=9007199254740992", "" },
	{ "field:count>9007199254740992.0", "5" },
	{ "field:ratio<0.5", "5" },
	{ "field:ratio=0.25", "5" },
	{ "field:ratio=.25", "5" },
	{ "field:ratio~^0\\.25$", "5" },
	{ "field:score>999", "9" },
	{ "field:\"proc.name\"=rm", "9" },
	{ "fd.sport=true", "0" },
	{ "fd.sport=false", "1" },
	{ "fd.sport!=true", "1 2 3 4 5 6 7 8 9 10 11 12" },
	{ "proc.is_exe_upper_layer=true", "6" },
	{ "proc.ppid=1", "1" },
	{ "proc.ppid<2", "1" },
	{ "proc.pid=*29*", "0" },
	{ "ct.srcip=10.0.0.1", "5" },
	{ "ka.response.code>=200", "2" },
	{ "ka.response.code=201", "2" },

	/* brackets in keys, arrays, objects, JSON in strings (B11) */
	{ "ka.uri.param[command]=sh", "2" },
	{ "field:ka.uri.param[command]=sh", "2" },
	{ "ka.req.pod.volumes.hostpath=[\"/etc\"]", "2" },
	{ "ka.req.pod.volumes.hostpath~/etc", "2" },
	{ "ka.user.extra~arn:aws", "2" },
	{ "ka.user.extra=*role/example*", "2" },
	{ "jevt.value~hostPath", "2" },
	{ "jevt.value=*hostPath*", "2" },

	/* regexes and escapes */
	{ "fd.name~^/etc/", "1 7" },
	{ "fd.name=/etc/*", "1 7" },
	{ "fd.name~*ETC/SHADOW", "1" },
	{ "fd.name=what\\?", "12" },
	{ "fd.name=what?", "12" },
	{ "fd.name=wha\\?", "" },
	{ "proc.cmdline=\"echo \\*\"", "12" },
	{ "proc.cmdline=\"echo *\"", "12" },
	{ "proc.cmdline=\"echo \\x2a\"", "12" },
	{ "proc.cmdline~\"^cat \\S+$\"", "7" },
	{ "proc.cmdline~^cat\\s", "7" },
	{ "proc.cmdline~^(cat|bash)\\s", "0 7" },
	{ "proc.cmdline=\"a\\u0000b\"", "8" },
	{ "proc.cmdline~\"a\\x00b\"", "8" },
	{ "proc.cmdline~'\\|'", "0" },
	{ "file.path=\"C:\\\\temp\\\\x\"", "12" },
	{ "file.path=C:\\temp\\x", "12" },
	{ "note.x=\u00c4rger", "8" },
	{ "note.x~*^\u00e4rger$", "8" },
	{ "note.x=\"\\u00c4rger\"", "8" },

	/* Falco's word operators */
	{ "proc.name in (bash, sh)", "0 1 6" },
	{ "proc.name in (bash,sh,rm)", "0 1 6 9" },
	{ "proc.name in(\"bash\" 'sh')", "0 1 6" },
	{ "priority in (critical, error)", "0 4 12" },
	{ "container.name in (nginx-*, postgres)", "0 1 6 7" },
	{ "tag in (k8s, x)", "2 7" },
	{ "not proc.name in (bash, sh)", "2 3 4 5 7 8 9 10 11 12" },
	{ "proc.name in (bash) or host=db-2", "0 1 6" },
	{ "in", "0 1 2 3 4 5 6 7" },
	{ "proc.cmdline contains curl", "0" },
	{ "proc.cmdline contains 'cat /etc'", "7" },
	{ "proc.cmdline contains *", "12" },
	{ "rule icontains SHELL", "0" },
	{ "rule contains Shell", "" },
	{ "fd.name startswith /etc/", "1 7" },
	{ "fd.name endswith passwd", "7" },
	{ "fd.name endswith ''", "1 7 11 12" },
	{ "tag contains mitre", "0 1 8 9 11" },
	{ "proc.pid startswith 42", "0" },
	{ "container.name in", "4" },

	/* boolean structure */
	{ "proc.name=bash proc.name=sh", "" },
	{ "proc.name=bash | proc.name=sh", "0 1 6" },
	{ "proc.name=bash or proc.name=sh", "0 1 6" },
	{ "proc.name=bash||proc.name=sh", "0 1 6" },
	{ "proc.name=bash && container.name=nginx-43", "6" },
	{ "proc.name=bash & container.name=nginx-43", "6" },
	{ "proc.name=bash AND container.name=nginx-43", "6" },
	{ "not proc.name=bash", "1 2 3 4 5 7 8 9 10 11 12" },
	{ "!proc.name=bash", "1 2 3 4 5 7 8 9 10 11 12" },
	{ "! ! proc.name=bash", "0 6" },
	{ "NOT NOT proc.name=bash", "0 6" },
	{ "!(proc.name=bash)", "1 2 3 4 5 7 8 9 10 11 12" },
	{ "(proc.name=bash or proc.name=sh) and priority>=warning", "0 1 6" },
	{ "proc.name=sh or proc.name=bash and priority<warning", "1" },
	{ "(proc.name=sh or proc.name=bash) and priority<warning", "" },
	{ "priority<=warning not tag:k8s", "1 3 7 8" },
	{ "(((proc.name=rm)))", "9" },
	{ "(proc.name=rm)(tag:mitre_impact)", "9" },
	{ "priority<=warning and container.name=nginx-42 and proc.name=cat", "7" },

	/* time */
	{ "since:15m", "4 10" },
	{ "since:1h", "4 10 12" },
	{ "since:2h", "4 10 11 12" },
	{ "since:1d", "0 1 2 3 4 6 7 8 9 10 11 12" },
	{ "since:2026-01-02T16:00Z", "4 10 11 12" },
	{ "time>=2026-01-02T10:00Z", "0 1 2 4 6 7 8 9 10 11 12" },
	{ "time>2026-01-02T10:00Z", "1 4 6 7 8 9 10 11 12" },
	{ "time=2026-01-02T10:00Z", "0 2" },
	{ "time=2026-01-02T10:30:00Z", "1" },
	{ "time=2026-01-02T10:30:00.5Z", "1" },
	{ "time=2026-01-02T10:30:00.500000001Z", "" },
	{ "time<2026-01-02", "5" },
	{ "time<2026-01-02Z", "3 5" },
	{ "time<=2026-01-02Z", "0 1 2 3 5 6 7 8 9 11 12" },
	{ "time=2026-01-02Z", "0 1 2 6 7 8 9 11 12" },
	{ "time!=2026-01-02Z", "3 4 5 10" },
	{ "time>=2026-01-02T11:00", "0 1 2 4 6 7 8 9 10 11 12" },
	{ "time>=2026-01-02T11:00+01:00", "0 1 2 4 6 7 8 9 10 11 12" },
	{ "time>=2026-01-02T05:00-0500", "0 1 2 4 6 7 8 9 10 11 12" },
	{ "time>=\"2026-01-02 10:00Z\"", "0 1 2 4 6 7 8 9 10 11 12" },
	{ "time>=2026-01-02T10:00:00Z time<2026-01-02T12:00Z", "0 1 2" },

	/* id */
	{ "id=3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b", "11" },
	{ "id=3F2A1B4C-5D6E-4F70-8A9B-0C1D2E3F4A5B", "11" },
	{ "id=3f2a1b4c*", "11" },
	{ "id~^3f2a", "11" },
	{ "id!=3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b", "0 1 2 3 4 5 6 7 8 9 10 12" },

	/* state and notes */
	{ "is:marked", "0 9" },
	{ "is:annotated", "1 7" },
	{ "is:escalated", "1" },
	{ "is:marked or is:escalated", "0 1 9" },
	{ "!is:marked", "1 2 3 4 5 6 7 8 10 11 12" },
	{ "is:unparsed", "10" },
	{ "is:repaired", "" },
	{ "note~case", "1" },
	{ "note=\"false positive: backup job\"", "7" },
	{ "note=false*", "7" },
	{ "note exists", "1 7" },
	{ "note missing", "0 2 3 4 5 6 8 9 10 11 12" },
	{ "note~*BACKUP", "7" },
};

/* Every compile path gives back its interned references: the interner
 * keeps leaked strings reachable, so a leak checker would not notice. */
static size_t interned(void)
{
	size_t n;
	intern_stats(&n, NULL);
	return n;
}

static void test_valid(void **state)
{
	(void)state;
	int bad = 0;
	size_t before = interned();
	for (size_t i = 0; i < ARRAY_LEN(valid); i++) {
		char *err = NULL;
		size_t pos = 0;
		struct filter *f = filter_compile(valid[i].expr, &err, &pos);
		if (!f) {
			print_error("compile '%s': %s\n", valid[i].expr, err);
			free(err);
			bad++;
			continue;
		}
		char *got = matches(f, &cx);
		if (strcmp(got, valid[i].want) != 0) {
			print_error("'%s': got [%s], want [%s]\n", valid[i].expr, got, valid[i].want);
			bad++;
		}
		assert_string_equal(filter_source(f), valid[i].expr);
		free(got);
		filter_free(f);
	}
	assert_int_equal(bad, 0);
	assert_int_equal(interned(), before);
}

/* ---- invalid expressions ------------------------------------------------------------- */

static const struct {
	const char *expr;
	size_t pos;
	const char *msg;   /* a fragment of the message */
} invalid[] = {
	{ "prio>=warning", 0, "unknown field 'prio' at 0 (did you mean priority?)" },
	{ "hst=web-1", 0, "unknown field 'hst' at 0 (did you mean host?)" },
	{ "foo=bar", 0, "unknown field 'foo' at 0 (output_fields keys have a dot" },
	{ "container.name=", 14, "expected a value after '=' at 14" },
	{ "priority>=warning and container.name=", 36, "expected a value after '=' at 36" },
	{ "priority>=", 8, "expected a value after '>=' at 8" },
	{ "proc.pid>", 8, "expected a value after '>'" },
	{ "rule= )", 4, "expected a value after '='" },
	{ "rule=\"abc", 5, "unterminated string at 5" },
	{ "rule='abc", 5, "unterminated string at 5" },
	{ "rule=\"abc\\\"", 5, "unterminated string at 5" },
	{ "rule=\"abc\\", 5, "unterminated string at 5" },
	{ "\"abc", 0, "unterminated string at 0" },
	{ "rule~\"(abc\"", 10, "invalid regex: missing closing parenthesis at 10" },
	{ "rule~a[", 7, "invalid regex: missing terminating ] for character class" },
	{ "rule~a)b", 6, "unexpected ')' at 6" },
	{ "rule~*x**", 8, "invalid regex: quantifier does not follow a repeatable item" },
	{ "rule~\"\\xff\\xfe\"", 6, "invalid regex: UTF-8 error" },
	{ "rule=\"a\\x4\"", 7, "invalid escape '\\x' (expected two hex digits) at 7" },
	{ "rule=\"\\ud800\"", 6, "invalid escape '\\u'" },
	{ "rule=\"\\udc00\"", 6, "invalid escape '\\u'" },
	{ "rule=\"\\u12\"", 6, "invalid escape '\\u'" },
	{ "\"x\\ud83d\"", 2, "invalid escape '\\u'" },
	{ "\"x\\ud83d\\u0041\"", 2, "invalid escape '\\u'" },
	{ "priority>=urgent", 10, "unknown priority 'urgent' at 10 (expected emergency" },
	{ "priority='Severe'", 9, "unknown priority 'Severe'" },
	{ "time>=yesterday", 6, "invalid time 'yesterday' at 6" },
	{ "time>=2026-02-30", 6, "invalid time '2026-02-30'" },
	{ "time>=2026-01-02T25:00", 6, "invalid time" },
	{ "time>=2026-01-02T10:00+2", 6, "invalid time" },
	{ "time~2026", 4, "'~' does not apply to time" },
	{ "since:15x", 0, "invalid duration '15x' at 0" },
	{ "since:", 0, "expected a duration after 'since:' at 0" },
	{ "is:flagged", 0, "unknown state 'is:flagged' at 0 (expected is:marked" },
	{ "is:mark", 0, "unknown state 'is:mark' at 0 (did you mean is:marked?)" },
	{ "is:", 0, "unknown state 'is:'" },
	{ "tag:", 0, "expected a tag name after 'tag:' at 0" },
	{ "x tags:", 2, "expected a tag name after 'tags:' at 2" },
	{ "tag:x=y", 5, "expected a field name before '=' at 5" },
	{ "field:", 0, "expected a field name after 'field:' at 0" },
	{ "field:foo", 9, "expected an operator, exists or missing after 'field:' at 9" },
	{ "proc.name in ()", 10, "expected a value after 'in' at 10" },
	{ "proc.name in (a, b", 18, "expected ')' at 18 (to close '(' at 13)" },
	{ "proc.name in (a,,b)", 16, "expected a value in the list after 'in' at 16" },
	{ "proc.name in (a, |)", 17, "expected a value in the list after 'in' at 17" },
	{ "proc.name in (a, \"b)", 17, "unterminated string at 17" },
	{ "priority in (critical, urgent)", 23, "unknown priority 'urgent' at 23" },
	{ "priority contains crit", 9, "'contains' does not apply to priority at 9" },
	{ "time startswith 2026", 5, "'startswith' does not apply to time" },
	{ "proc.cmdline icontains", 13, "expected a value after 'icontains' at 13" },
	{ "container.name contains", 15, "expected a value after 'contains' at 15" },
	{ "rule<5", 4, "'<' compares numbers, but rule is not a number at 4" },
	{ "output>=3", 6, "'>=' compares numbers, but output is not a number" },
	{ "tag<3", 3, "'<' compares numbers, but tag is not a number" },
	{ "id>3", 2, "'>' compares numbers, but id is not a number" },
	{ "proc.pid<abc", 9, "expected a number after '<' at 9" },
	{ "proc.pid<0x10", 9, "expected a number after '<'" },
	{ "proc.pid<nan", 9, "expected a number" },
	{ "id=xyz", 3, "invalid event id 'xyz' at 3 (expected a uuid or 32 hex digits)" },
	{ "(rule=x", 7, "expected ')' at 7 (to close '(' at 0)" },
	{ "((rule=x)", 9, "expected ')' at 9 (to close '(' at 0)" },
	{ "rule=x)", 6, "unexpected ')' at 6" },
	{ ")", 0, "unexpected ')' at 0" },
	{ "()", 1, "unexpected ')' at 1" },
	{ "rule=x and", 10, "expected a term after 'and' at 10" },
	{ "rule=x or", 9, "expected a term after 'or' at 9" },
	{ "rule=x |", 8, "expected a term after '|' at 8" },
	{ "rule=x &&", 9, "expected a term after '&' at 9" },
	{ "rule=x or or", 10, "unexpected 'or' at 10" },
	{ "and rule=x", 0, "unexpected 'and' at 0" },
	{ "rule=x and or y", 11, "unexpected 'or' at 11" },
	{ "not", 3, "expected a term after 'not' at 3" },
	{ "!", 1, "expected a term after '!' at 1" },
	{ "(", 1, "expected a term after '(' at 1" },
	{ "| rule=x", 0, "expected a term before '|' at 0" },
	{ "rule=x and | y", 11, "expected a term before '|' at 11" },
	{ "=x", 0, "expected a field name before '=' at 0" },
	{ "!=x", 0, "expected a field name before '!=' at 0" },
	{ "~x", 0, "expected a field name before '~' at 0" },
	{ "rule=x =y", 7, "expected a field name before '=' at 7" },
	{ "proc.name exists extra=1", 17, "unknown field 'extra' at 17" },
	{ "priority=\"\\u001b[31m\"", 9, "unknown priority '\\x1b[31m'" },
	{ "time>=\"\\x07\\x7f\"", 6, "invalid time '\\x07\\x7f'" },
	/* Quoted text is cut between characters, never inside one. */
	{ "rrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrr\xef\xbb\xbfx=1", 0,
	  "unknown field 'rrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrr...' at 0" },
	{ "a\xe2\x80\xae" "b=1", 0, "unknown field 'a\\u202eb'" },
	{ "a\xff" "b=1", 0, "unknown field 'a\\xffb'" },
};

static void test_invalid(void **state)
{
	(void)state;
	int bad = 0;
	size_t before = interned();
	for (size_t i = 0; i < ARRAY_LEN(invalid); i++) {
		char *err = NULL;
		size_t pos = 12345;
		struct filter *f = filter_compile(invalid[i].expr, &err, &pos);
		if (f) {
			print_error("'%s' compiled, want an error\n", invalid[i].expr);
			filter_free(f);
			bad++;
			continue;
		}
		if (!err || pos != invalid[i].pos || !strstr(err, invalid[i].msg) || !log_text_clean(err)) {
			print_error("'%s': got \"%s\" at %zu, want \"%s\" at %zu\n", invalid[i].expr,
				    err ? err : "(null)", pos, invalid[i].msg, invalid[i].pos);
			bad++;
		}
		free(err);
	}
	assert_int_equal(bad, 0);
	assert_int_equal(interned(), before);
}

/* Deep nesting is refused with a position, not a stack overflow. */
static void test_nesting(void **state)
{
	(void)state;
	struct sbuf b = SBUF_INIT;
	for (int i = 0; i < 100; i++)
		sbuf_addc(&b, '(');
	sbuf_adds(&b, "rule=x");
	for (int i = 0; i < 100; i++)
		sbuf_addc(&b, ')');
	struct filter *f = filter_compile(b.s, NULL, NULL);
	assert_non_null(f);
	filter_free(f);

	const char *kinds[] = { "(", "!", "not " };
	for (size_t k = 0; k < ARRAY_LEN(kinds); k++) {
		sbuf_reset(&b);
		for (int i = 0; i < 100000; i++)
			sbuf_adds(&b, kinds[k]);
		sbuf_adds(&b, "x");
		char *err = NULL;
		size_t pos = 0;
		assert_null(filter_compile(b.s, &err, &pos));
		assert_non_null(strstr(err, "nested too deeply"));
		assert_true(pos > 0 && pos < 1000);
		free(err);
	}
	/* A long flat chain is fine (no recursion per operand). */
	sbuf_reset(&b);
	for (int i = 0; i < 20000; i++)
		sbuf_adds(&b, i ? " or proc.pid=1" : "proc.pid=1");
	f = filter_compile(b.s, NULL, NULL);
	assert_non_null(f);
	char *got = matches(f, &cx);
	assert_string_equal(got, "");
	free(got);
	filter_free(f);
	sbuf_free(&b);
}

/* ---- API details ---------------------------------------------------------------------- */

static void test_flags_and_keywords(void **state)
{
	(void)state;
	static const struct {
		const char *expr;
		bool time, st;
	} t[] = {
		{ "since:1h", true, false },
		{ "rule=x or since:2d", true, false },
		{ "time>=2026-01-01Z", false, false },
		{ "since:2026-01-01Z", false, false },
		{ "is:marked", false, true },
		{ "not is:escalated", false, true },
		{ "note~x", false, true },
		{ "note exists", false, true },
		{ "is:unparsed", false, false },
		{ "rule=x", false, false },
		{ "", false, false },
	};
	for (size_t i = 0; i < ARRAY_LEN(t); i++) {
		struct filter *f = filter_compile(t[i].expr, NULL, NULL);
		assert_non_null(f);
		assert_int_equal(filter_uses_time(f), t[i].time);
		assert_int_equal(filter_uses_state(f), t[i].st);
		filter_free(f);
	}
	struct filter *f = filter_compile(NULL, NULL, NULL);
	assert_string_equal(filter_source(f), "");
	assert_true(filter_match(f, evs[0], NULL));
	filter_free(f);
	filter_free(NULL);

	const char *const *kw = filter_keywords();
	const char *want[] = { "priority", "rule", "host", "tag:", "since:", "field:", "is:marked",
			       "is:annotated", "is:escalated", "note", "and", "or", "not", "exists",
			       "missing", "warning", "container.name" };
	for (size_t i = 0; i < ARRAY_LEN(want); i++) {
		bool found = false;
		for (size_t k = 0; kw[k]; k++)
			found |= strcmp(kw[k], want[i]) == 0;
		if (!found)
			print_error("keyword %s missing\n", want[i]);
		assert_true(found);
	}
}

/* Without a context: the real clock, no notes. */
static void test_null_ctx(void **state)
{
	(void)state;
	struct filter *f = filter_compile("note exists or since:1h", NULL, NULL);
	char *got = matches(f, NULL);
	/* The fixtures are from 2026-01-02..05: "since:1h" holds for none of
	 * them unless the clock is within an hour of them. */
	int64_t now = now_ns();
	bool near = now < utc("2026-01-05T01:00:00Z") && now > utc("2025-12-31T11:00:00Z");
	if (!near)
		assert_string_equal(got, "");
	free(got);
	filter_free(f);
}

/* The filter keeps its strings interned: a string no event had at compile
 * time matches events that bring it later, and an id freed and reused for
 * another string never makes a false match. */
static void test_interning(void **state)
{
	(void)state;
	size_t before;
	intern_stats(&before, NULL);
	struct filter *f = filter_compile("rule=\"A rule nobody has seen\" or container.name=\"never-seen-ctr\"",
					  NULL, NULL);
	const char *late = "{\"rule\":\"A rule nobody has seen\",\"priority\":\"Notice\","
			   "\"output_fields\":{\"k.x\":1}}";
	const char *late2 = "{\"rule\":\"r2\",\"priority\":\"Notice\","
			    "\"output_fields\":{\"container.name\":\"never-seen-ctr\"}}";
	for (int round = 0; round < 3; round++) {
		struct event *a = event_parse(late, strlen(late), NULL, 1);
		struct event *b = event_parse(late2, strlen(late2), NULL, 1);
		assert_true(filter_match(f, a, &cx));
		assert_true(filter_match(f, b, &cx));
		event_free(a);
		event_free(b);
		/* New strings may reuse freed ids: they must not match. */
		char other[160];
		snprintf(other, sizeof(other),
			 "{\"rule\":\"other %d\",\"priority\":\"Notice\",\"output_fields\":{\"container.name\":\"c%d\"}}",
			 round, round);
		struct event *c = event_parse(other, strlen(other), NULL, 1);
		assert_false(filter_match(f, c, &cx));
		event_free(c);
	}
	filter_free(f);
	size_t after;
	intern_stats(&after, NULL);
	assert_int_equal(before, after);
}

/* ---- threads ---------------------------------------------------------------------------- */

static const char *const thread_exprs[] = {
	"rule~*shell|container.name=nginx-* and not is:marked",
	"bash or evil or tag:mitre_* or output~\"\\\\d{2}:\\\\d{2}\"",
	"proc.tty=34816 or field:ratio<1 or fd.name~^/etc/ or note~*backup",
	"priority>=warning since:1d",
};

struct tjob {
	const struct filter *f[ARRAY_LEN(thread_exprs)];
	const char *want[ARRAY_LEN(thread_exprs)];
	int failures;
};

static void *thread_run(void *arg)
{
	struct tjob *j = arg;
	for (int round = 0; round < 300; round++) {
		for (size_t k = 0; k < ARRAY_LEN(thread_exprs); k++) {
			char *got = matches(j->f[k], &cx);
			if (strcmp(got, j->want[k]) != 0)
				j->failures++;
			free(got);
		}
	}
	return NULL;
}

static void test_threads(void **state)
{
	(void)state;
	struct tjob job[2] = { 0 };
	char *want[ARRAY_LEN(thread_exprs)];
	struct filter *f[ARRAY_LEN(thread_exprs)];
	for (size_t k = 0; k < ARRAY_LEN(thread_exprs); k++) {
		f[k] = filter_compile(thread_exprs[k], NULL, NULL);
		assert_non_null(f[k]);
		want[k] = matches(f[k], &cx);
		for (int t = 0; t < 2; t++) {
			job[t].f[k] = f[k];
			job[t].want[k] = want[k];
		}
	}
	/* Sanity: the expressions do select something, and not everything. */
	assert_string_equal(want[0], "0 6 7");
	pthread_t th[2];
	for (int t = 0; t < 2; t++)
		assert_int_equal(pthread_create(&th[t], NULL, thread_run, &job[t]), 0);
	for (int t = 0; t < 2; t++)
		assert_int_equal(pthread_join(th[t], NULL), 0);
	assert_int_equal(job[0].failures + job[1].failures, 0);
	for (size_t k = 0; k < ARRAY_LEN(thread_exprs); k++) {
		free(want[k]);
		filter_free(f[k]);
	}
}

/* ---- the public samples --------------------------------------------------------------- */

/* On real Falco events, compare a few filters with what jansson says about
 * the same lines. */
static void test_public_samples(void **state)
{
	(void)state;
	char *path = src_path("../shared/samples/falco-public.jsonl");
	FILE *fp = fopen(path, "r");
	free(path);
	if (!fp) {
		TEST_SKIP("no ../shared/samples here");
		return;
	}
	struct filter *fk = filter_compile("source=k8s_audit", NULL, NULL);
	struct filter *ft = filter_compile("tag:mitre_*", NULL, NULL);
	struct filter *fc = filter_compile("container.id exists", NULL, NULL);
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int lines = 0;
	while ((n = getline(&line, &cap, fp)) > 0) {
		json_t *j = json_loadb(line, (size_t)n, 0, NULL);
		if (!j)
			continue;
		lines++;
		struct event *ev = event_parse(line, (size_t)n, NULL, 1);
		const char *src = json_string_value(json_object_get(j, "source"));
		bool k8s = src && strcmp(src, "k8s_audit") == 0;
		bool mitre = false;
		size_t i;
		json_t *t;
		json_array_foreach(json_object_get(j, "tags"), i, t)
			mitre |= json_is_string(t) && strncmp(json_string_value(t), "mitre_", 6) == 0;
		json_t *cid = json_object_get(json_object_get(j, "output_fields"), "container.id");
		bool has_cid = cid && !json_is_null(cid);
		assert_int_equal(filter_match(fk, ev, &cx), k8s);
		assert_int_equal(filter_match(ft, ev, &cx), mitre);
		assert_int_equal(filter_match(fc, ev, &cx), has_cid);
		event_free(ev);
		json_decref(j);
	}
	free(line);
	fclose(fp);
	filter_free(fk);
	filter_free(ft);
	filter_free(fc);
	assert_true(lines >= 10);
}

int main(void)
{
	/* Local times in the fixtures' expectations are CET (UTC+1 in winter);
	 * a POSIX TZ rule needs no tzdata. */
	setenv("TZ", "CET-1CEST,M3.5.0,M10.5.0/3", 1);
	tzset();
	parse_init();
	spool_use_memory();
	load_fixtures();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_nesting),
		cmocka_unit_test(test_flags_and_keywords),
		cmocka_unit_test(test_null_ctx),
		cmocka_unit_test(test_interning),
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_public_samples),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	for (size_t i = 0; i < nev; i++)
		event_free(evs[i]);
	spool_shutdown();
	return rc;
}
