/* Random request ids. */
#include <stdint.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "encoding.h"
#include "ids.h"

/* splitmix64: one 64-bit state per thread, each output a bijective mix of it. A request
 * id needs uniqueness, not secrecy; the kernel's generator cost six system calls per
 * request through libuuid. */
static _Thread_local uint64_t rng_state;
static _Thread_local int rng_seeded;

static uint64_t rng_next(void)
{
	if (!rng_seeded) {
		if (getrandom(&rng_state, sizeof(rng_state), 0) != (ssize_t)sizeof(rng_state)) {
			struct timespec ts;
			clock_gettime(CLOCK_REALTIME, &ts);
			rng_state = ((uint64_t)ts.tv_sec << 32) ^ (uint64_t)ts.tv_nsec ^
			            ((uint64_t)gettid() << 48) ^ (uint64_t)(uintptr_t)&rng_state;
		}
		rng_seeded = 1;
	}
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15u);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

void request_id_new(char out[37])
{
	unsigned char b[16];
	uint64_t hi = rng_next(), lo = rng_next();
	memcpy(b, &hi, 8);
	memcpy(b + 8, &lo, 8);
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40); /* version 4 */
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80); /* RFC 4122 variant */
	char h[33];
	hex_encode(b, 16, h);
	memcpy(out, h, 8);
	out[8] = '-';
	memcpy(out + 9, h + 8, 4);
	out[13] = '-';
	memcpy(out + 14, h + 12, 4);
	out[18] = '-';
	memcpy(out + 19, h + 16, 4);
	out[23] = '-';
	memcpy(out + 24, h + 20, 12);
	out[36] = '\0';
}
