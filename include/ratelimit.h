/* Token buckets keyed by text (a client address): a fixed table, so memory stays bounded
 * whatever the number of clients; two keys that share a slot share a bucket. */
#ifndef SOILSHARE_RATELIMIT_H
#define SOILSHARE_RATELIMIT_H

#include <pthread.h>
#include <stdbool.h>

#define RATELIMIT_SLOTS 4096

struct ratelimit_bucket {
	char key[48];
	double tokens;
	double refilled_at;
};

struct ratelimit {
	pthread_mutex_t lock;
	double rate; /* tokens per second */
	double burst;
	struct ratelimit_bucket slots[RATELIMIT_SLOTS];
};

void ratelimit_init(struct ratelimit *rl, double rate, double burst);
/* Takes a token for `key` at monotonic time `now`: true, or false with the seconds to
 * wait in `retry_after`. */
bool ratelimit_allow(struct ratelimit *rl, const char *key, double now, double *retry_after);

#endif
