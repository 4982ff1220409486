/* The bench clients' response buffer: libcurl's write callback appending to a growing,
 * NUL-terminated buffer (bench/pull.c, bench/push.c). */
#ifndef BENCH_COLLECT_H
#define BENCH_COLLECT_H

#include <stdlib.h>
#include <string.h>

struct buf {
	char *p;
	size_t n, cap;
};

static size_t collect(char *data, size_t size, size_t nmemb, void *cls)
{
	struct buf *b = cls;
	size_t add = size * nmemb;
	if (b->n + add + 1 > b->cap) {
		b->cap = (b->n + add + 1) * 2;
		b->p = realloc(b->p, b->cap);
		if (!b->p)
			return 0;
	}
	memcpy(b->p + b->n, data, add);
	b->n += add;
	b->p[b->n] = '\0';
	return add;
}

#endif
