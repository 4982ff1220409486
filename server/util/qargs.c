/* Comma-separated lists of query values. */
#include <string.h>

#include "qargs.h"

int comma_split(const char *s, struct slice *out, size_t max)
{
	size_t n = 0;
	for (const char *p = s;; p++) {
		size_t len = strcspn(p, ",");
		if (n == max)
			return -1;
		out[n].p = p;
		out[n].len = len;
		n++;
		p += len;
		if (!*p)
			break;
	}
	return (int)n;
}
