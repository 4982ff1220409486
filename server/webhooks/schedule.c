/* When a failed delivery is tried again: the backoff schedule and Retry-After. Pure. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "webhooks.h"

/* The waits after each failed attempt, in units of the base (5 s by default): 5 s, 30 s,
 * 2 min, 10 min, 30 min, 1 h, 3 h, then 6 h four times; 28.7 hours from the first failure to
 * the last attempt, before jitter. */
static const double schedule[WEBHOOK_MAX_ATTEMPTS - 1] = {1,    6,    24,   120,  360, 720,
                                                          2160, 4320, 4320, 4320, 4320};

double webhook_backoff(int attempt, double base, double u)
{
	if (attempt < 1 || attempt >= WEBHOOK_MAX_ATTEMPTS)
		return -1;
	if (u < 0 || u >= 1)
		u = 0;
	return schedule[attempt - 1] * base * (1 + u / 4);
}

double webhook_retry_after(const char *value, time_t now)
{
	while (*value == ' ' || *value == '\t')
		value++;
	if (*value >= '0' && *value <= '9') {
		char *end;
		errno = 0;
		double secs = strtod(value, &end);
		while (*end == ' ' || *end == '\t')
			end++;
		for (const char *p = value; p < end; p++)
			if ((*p < '0' || *p > '9') && *p != ' ' && *p != '\t')
				return -1; /* delay-seconds is a whole number */
		if (*end || errno)
			return -1;
		return secs;
	}
	/* IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT" */
	struct tm tm;
	memset(&tm, 0, sizeof(tm));
	const char *end = strptime(value, "%a, %d %b %Y %H:%M:%S GMT", &tm);
	if (!end)
		return -1;
	while (*end == ' ' || *end == '\t')
		end++;
	if (*end)
		return -1;
	time_t at = timegm(&tm);
	if (at == (time_t)-1)
		return -1;
	return at > now ? (double)(at - now) : 0;
}
