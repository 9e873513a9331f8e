/* isotime.c — see isotime.h. */
#include "tests/tools/phantom-emu/isotime.h"

#include <stdbool.h>
#include <stdio.h>
#include <time.h>

void isotime_format(int64_t ns, char buf[ISOTIME_LEN])
{
	time_t secs = (time_t)(ns / 1000000000);
	long usec = (long)((ns % 1000000000) / 1000);
	if (usec < 0) {
		usec += 1000000;
		secs--;
	}
	struct tm tm;
	gmtime_r(&secs, &tm);
	snprintf(buf, ISOTIME_LEN, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, usec);
}

/* Reads exactly `n` digits at *p into *out and advances *p. */
static bool digits(const char **p, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		char c = (*p)[i];
		if (c < '0' || c > '9')
			return false;
		v = v * 10 + (c - '0');
	}
	*p += n;
	*out = v;
	return true;
}

static bool expect(const char **p, char c)
{
	if (**p != c)
		return false;
	(*p)++;
	return true;
}

static int days_in_month(int y, int m)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return (m == 2 && leap) ? 29 : d[m - 1];
}

/* Parses the zone suffix; sets *off_s (seconds east of UTC). */
static bool parse_zone(const char **p, int *off_s)
{
	*off_s = 0;
	if (**p == '\0')
		return true;
	if (**p == 'Z' || **p == 'z') {
		(*p)++;
		return true;
	}
	if (**p != '+' && **p != '-')
		return false;
	int sign = **p == '-' ? -1 : 1;
	(*p)++;
	int hh, mm = 0;
	if (!digits(p, 2, &hh))
		return false;
	if (**p == ':')
		(*p)++;
	if (**p && !digits(p, 2, &mm))
		return false;
	if (hh > 23 || mm > 59)
		return false;
	*off_s = sign * (hh * 3600 + mm * 60);
	return true;
}

int isotime_parse(const char *s, int64_t *ns)
{
	const char *p = s;
	int y, mo, d, h, mi, se;
	if (!digits(&p, 4, &y) || !expect(&p, '-') || !digits(&p, 2, &mo) || !expect(&p, '-') ||
	    !digits(&p, 2, &d))
		return -1;
	if (*p != 'T' && *p != 't' && *p != ' ')
		return -1;
	p++;
	if (!digits(&p, 2, &h) || !expect(&p, ':') || !digits(&p, 2, &mi) || !expect(&p, ':') ||
	    !digits(&p, 2, &se))
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || se > 59)
		return -1;
	int64_t frac = 0;
	if (*p == '.') {
		p++;
		int n = 0;
		for (; *p >= '0' && *p <= '9'; p++, n++)
			if (n < 9)
				frac = frac * 10 + (*p - '0');
		if (n == 0)
			return -1;
		for (; n < 9; n++)
			frac *= 10;
	}
	int off;
	if (!parse_zone(&p, &off) || *p != '\0')
		return -1;
	struct tm tm = { .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d,
			 .tm_hour = h, .tm_min = mi, .tm_sec = se };
	int64_t secs = (int64_t)timegm(&tm) - off;
	*ns = secs * 1000000000 + frac;
	return 0;
}
