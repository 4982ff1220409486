/* A webhook receiver inside a test process: an HTTP server on 127.0.0.1 that keeps every
 * delivery with its headers and arrival time, and answers as the test scripts it. */
#ifndef SOILSHARE_TEST_RECEIVER_H
#define SOILSHARE_TEST_RECEIVER_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

struct received {
	double at; /* CLOCK_MONOTONIC seconds when the whole request had arrived */
	char id[96];
	char timestamp[32];
	char signature[256];
	char *body;
	size_t len;
	json_t *json;      /* the body parsed, or NULL */
	unsigned answered; /* the status it was answered with */
};

struct receiver;

/* Starts one on a free port of 127.0.0.1; it answers 204 unless scripted. */
struct receiver *receiver_start(void);
/* Its URL, "http://127.0.0.1:<port>/hook". */
const char *receiver_url(const struct receiver *r);
/* The next `times` requests are answered `status`, with `header` ("Name: value") if given.
 * Scripts queue up: each runs after the one before is used up. */
void receiver_script(struct receiver *r, unsigned status, const char *header, int times);
/* Each request is answered only after `seconds`. */
void receiver_delay(struct receiver *r, double seconds);
/* Requests so far. */
size_t receiver_count(struct receiver *r);
/* Waits until at least `n` requests arrived or `seconds` passed; returns how many did. */
size_t receiver_wait(struct receiver *r, size_t n, double seconds);
/* Request `i` (from 0, in arrival order); valid until receiver_stop. */
const struct received *receiver_get(struct receiver *r, size_t i);
void receiver_stop(struct receiver *r);

/* Whether one of the delivery's v1 signatures is the one `secret` makes (webhook_sign()). */
bool received_signed_by(const struct received *d, const char *secret);
/* The `n`th (from 0) signature of the webhook-signature header into `out`; false if none. */
bool received_signature(const struct received *d, int n, char *out, size_t size);
/* The feed position of the change the delivery announces (its cursor's position + 1), or -1. */
long long received_position(const struct received *d);
/* data.id of the delivery's body, or "". */
const char *received_record_id(const struct received *d);

/* CLOCK_MONOTONIC seconds, the clock of `at`. */
double receiver_now(void);

#endif
