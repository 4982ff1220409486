/* The change feed: positions, cursors, the feed thread and long-poll waiters. */
#ifndef SOILSHARE_FEED_H
#define SOILSHARE_FEED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "listquery.h"

#define FEED_LIMIT_DEFAULT 1000
#define FEED_WAIT_MAX      60

struct feed_query {
	bool has_cursor;
	bool latest;
	int64_t after_pos;   /* changes after this position */
	int64_t cursor_time; /* Unix time of the change at after_pos (0: unknown) */
	char *datasets;      /* JSON array of dataset names, or NULL for all */
	int limit;
	int wait;
	bool bom;             /* bom=1: a CSV page starts with a byte-order mark */
	char cursor_text[64]; /* the cursor as given, for an empty page */
};

/* Pure: parses the feed's query arguments; -1 with a message for a 400. */
int feed_query_parse(const struct query_arg *args, size_t n, struct feed_query *q, char *errbuf,
                     size_t size);
void feed_query_release(struct feed_query *q);
/* Pure: "f1:<pos>:<unix time>" in base64url, and back (-1 when not a feed cursor). */
int feed_cursor_encode(int64_t pos, int64_t time, char *out, size_t size);
int feed_cursor_decode(const char *cursor, int64_t *pos, int64_t *time);

struct feed_config {
	const char *conninfo;
	double retention_sec;
	/* Runs on the feed thread after each run of feed_sequence() (NULL: nothing). */
	void (*tick)(void);
};

/* Starts the feed thread: it orders finished changes, wakes long-polls and sweeps old
 * idempotency keys. */
int feed_start(const struct feed_config *cfg);
/* Wakes every waiting long-poll and stops the thread. */
void feed_stop(void);

/* When the listener last heard of a committed change (feed_now() seconds; 0: never). */
double feed_changed_at(void);

/* Appends the long-poll gauges (parked requests, the oldest one's age, feed lag) to /metrics. */
struct strbuf;
void feed_metrics(struct strbuf *sb);
double feed_retention(void);

/* Parks a waiter until the feed moves or `deadline` (monotonic seconds) passes:
 * `suspend(arg)` runs at once, under the waiters' lock so that no wake-up can come before
 * it, and `resume(arg)` when the waiter is woken. Returns false, having called neither,
 * when it cannot wait (the feed is stopping, or too many wait). */
bool feed_wait(double deadline, void (*suspend)(void *arg), void (*resume)(void *arg), void *arg);
double feed_now(void);

#endif
