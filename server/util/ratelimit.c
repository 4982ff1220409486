/* Token buckets keyed by text, for limits per client address. */
#include <stdio.h>
#include <string.h>

#include "encoding.h"
#include "ratelimit.h"

void ratelimit_init(struct ratelimit *rl, double rate, double burst)
{
	memset(rl, 0, sizeof(*rl));
	pthread_mutex_init(&rl->lock, NULL);
	rl->rate = rate;
	rl->burst = burst;
}

bool ratelimit_allow(struct ratelimit *rl, const char *key, double now, double *retry_after)
{
	size_t slot = fnv1a32(key, strlen(key), FNV1A32_INIT) % RATELIMIT_SLOTS;
	bool ok = true;
	pthread_mutex_lock(&rl->lock);
	struct ratelimit_bucket *b = &rl->slots[slot];
	if (strncmp(b->key, key, sizeof(b->key) - 1) != 0) {
		/* A new client, or one that took over the slot: a full bucket. */
		snprintf(b->key, sizeof(b->key), "%s", key);
		b->tokens = rl->burst;
		b->refilled_at = now;
	}
	b->tokens += (now - b->refilled_at) * rl->rate;
	if (b->tokens > rl->burst)
		b->tokens = rl->burst;
	b->refilled_at = now;
	if (b->tokens >= 1) {
		b->tokens -= 1;
	} else {
		ok = false;
		*retry_after = (1 - b->tokens) / rl->rate;
	}
	pthread_mutex_unlock(&rl->lock);
	return ok;
}
