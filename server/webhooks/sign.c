/* Webhook secrets and Standard Webhooks signatures (HMAC-SHA256, base64). */
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <nettle/base64.h>
#include <nettle/hmac.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "webhooks.h"

#define SECRET_PREFIX "whsec_"
#define SECRET_BYTES  32
#define KEY_MAX       64 /* Standard Webhooks secrets are 24 to 64 bytes */

int webhook_secret_new(char out[WEBHOOK_SECRET_SIZE])
{
	uint8_t bytes[SECRET_BYTES];
	if (gnutls_rnd(GNUTLS_RND_KEY, bytes, sizeof(bytes)) < 0)
		return -1;
	memcpy(out, SECRET_PREFIX, 6);
	base64_encode_raw(out + 6, sizeof(bytes), bytes);
	out[6 + BASE64_ENCODE_RAW_LENGTH(SECRET_BYTES)] = '\0';
	return 0;
}

/* The secret's key bytes: the base64 after "whsec_". Returns their number, or -1. */
static int secret_key(const char *secret, uint8_t key[KEY_MAX])
{
	if (strncmp(secret, SECRET_PREFIX, 6) != 0)
		return -1;
	const char *b64 = secret + 6;
	size_t len = strlen(b64);
	if (len == 0 || BASE64_DECODE_LENGTH(len) > KEY_MAX + 2)
		return -1;
	uint8_t buf[KEY_MAX + 3];
	size_t n = sizeof(buf);
	struct base64_decode_ctx ctx;
	base64_decode_init(&ctx);
	if (!base64_decode_update(&ctx, &n, buf, len, b64) || !base64_decode_final(&ctx) ||
	    n == 0 || n > KEY_MAX)
		return -1;
	memcpy(key, buf, n);
	return (int)n;
}

int webhook_sign(const char *secret, const char *msg_id, long long timestamp, const char *body,
                 size_t len, char out[WEBHOOK_SIGNATURE_SIZE])
{
	uint8_t key[KEY_MAX];
	int klen = secret_key(secret, key);
	if (klen < 0)
		return -1;
	char ts[24];
	int tl = snprintf(ts, sizeof(ts), "%lld", timestamp);
	struct hmac_sha256_ctx ctx;
	hmac_sha256_set_key(&ctx, (size_t)klen, key);
	hmac_sha256_update(&ctx, strlen(msg_id), (const uint8_t *)msg_id);
	hmac_sha256_update(&ctx, 1, (const uint8_t *)".");
	hmac_sha256_update(&ctx, (size_t)tl, (const uint8_t *)ts);
	hmac_sha256_update(&ctx, 1, (const uint8_t *)".");
	hmac_sha256_update(&ctx, len, (const uint8_t *)body);
	uint8_t mac[SHA256_DIGEST_SIZE];
	hmac_sha256_digest(&ctx, sizeof(mac), mac);
	memcpy(out, "v1,", 3);
	base64_encode_raw(out + 3, sizeof(mac), mac);
	out[3 + BASE64_ENCODE_RAW_LENGTH(SHA256_DIGEST_SIZE)] = '\0';
	memset(key, 0, sizeof(key));
	return 0;
}
