/* Signed notes, Ed25519 note keys and checkpoints in the C2SP formats. */
#include <errno.h>
#include <inttypes.h>
#include <nettle/eddsa.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "encoding.h"
#include "note.h"

#define ALG_ED25519 0x01
#define EM_DASH     "\xe2\x80\x94"
#define SIG_PREFIX  EM_DASH " "

bool note_name_valid(const char *name)
{
	size_t len = strlen(name);
	if (len == 0 || len > NOTE_NAME_MAX)
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];
		if (c <= ' ' || c >= 0x7F || c == '+')
			return false;
	}
	return true;
}

static uint32_t key_id(const char *name, const uint8_t pub[32])
{
	struct sha256_ctx ctx;
	uint8_t alg = ALG_ED25519, d[SHA256_DIGEST_SIZE];
	sha256_init(&ctx);
	sha256_update(&ctx, strlen(name), (const uint8_t *)name);
	sha256_update(&ctx, 1, (const uint8_t *)"\n");
	sha256_update(&ctx, 1, &alg);
	sha256_update(&ctx, 32, pub);
	sha256_digest(&ctx, sizeof(d), d);
	return (uint32_t)d[0] << 24 | (uint32_t)d[1] << 16 | (uint32_t)d[2] << 8 | d[3];
}

int note_key_from_seed(const char *name, const uint8_t seed[32], struct note_key *k)
{
	memset(k, 0, sizeof(*k));
	if (!note_name_valid(name))
		return -1;
	snprintf(k->name, sizeof(k->name), "%s", name);
	memcpy(k->seed, seed, 32);
	ed25519_sha512_public_key(k->pub, k->seed);
	k->id = key_id(k->name, k->pub);
	k->has_private = true;
	return 0;
}

static int key_text(const struct note_key *k, const char *prefix, const uint8_t key[32], char *out,
                    size_t size)
{
	uint8_t data[33];
	char b64[64];
	data[0] = ALG_ED25519;
	memcpy(data + 1, key, 32);
	if (base64_std_encode(data, sizeof(data), b64, sizeof(b64)) < 0)
		return -1;
	int n = snprintf(out, size, "%s%s+%08" PRIx32 "+%s", prefix, k->name, k->id, b64);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

int note_verifier_key(const struct note_key *k, char *out, size_t size)
{
	return key_text(k, "", k->pub, out, size);
}

int note_signer_key(const struct note_key *k, char *out, size_t size)
{
	if (!k->has_private)
		return -1;
	return key_text(k, "PRIVATE+KEY+", k->seed, out, size);
}

int note_key_parse(const char *text, struct note_key *k, char *errbuf, size_t size)
{
	memset(k, 0, sizeof(*k));
	while (*text == ' ' || *text == '\t' || *text == '\n' || *text == '\r')
		text++;
	size_t len = strlen(text);
	while (len > 0 && strchr(" \t\r\n", text[len - 1]))
		len--;
	bool signer = len > 12 && strncmp(text, "PRIVATE+KEY+", 12) == 0;
	const char *p = signer ? text + 12 : text, *end = text + len;
	const char *plus = memchr(p, '+', (size_t)(end - p));
	if (!plus || plus == p || (size_t)(plus - p) > NOTE_NAME_MAX) {
		snprintf(errbuf, size,
		         "a key is <name>+<key id>+<key data>%s; this one has no name before '+'",
		         signer ? " after PRIVATE+KEY+" : "");
		return -1;
	}
	memcpy(k->name, p, (size_t)(plus - p));
	k->name[plus - p] = '\0';
	if (!note_name_valid(k->name)) {
		snprintf(errbuf, size, "the key's name has a space, '+' or a non-ASCII character");
		return -1;
	}
	const char *hex = plus + 1;
	char idtext[9];
	if (end - hex < 10 || hex[8] != '+') {
		snprintf(errbuf, size, "the key id after the name must be 8 hex digits and a '+'");
		return -1;
	}
	memcpy(idtext, hex, 8);
	idtext[8] = '\0';
	char *stop;
	errno = 0;
	unsigned long id = strtoul(idtext, &stop, 16);
	if (*stop || errno || strspn(idtext, "0123456789abcdef") != 8) {
		snprintf(errbuf, size, "the key id \"%s\" is not 8 lower-case hex digits", idtext);
		return -1;
	}
	uint8_t data[40];
	const char *b64 = hex + 9;
	int n = base64_std_decode(b64, (size_t)(end - b64), data, sizeof(data));
	if (n != 33 || data[0] != ALG_ED25519) {
		snprintf(errbuf, size,
		         "the key data is not base64 of an Ed25519 key (one byte 0x01, then 32 "
		         "bytes)");
		return -1;
	}
	if (signer) {
		memcpy(k->seed, data + 1, 32);
		ed25519_sha512_public_key(k->pub, k->seed);
		k->has_private = true;
	} else {
		memcpy(k->pub, data + 1, 32);
	}
	k->id = key_id(k->name, k->pub);
	if (k->id != (uint32_t)id) {
		snprintf(errbuf, size,
		         "the key id %s does not belong to this name and key (it should be "
		         "%08" PRIx32 "): the key was mistyped or altered",
		         idtext, k->id);
		return -1;
	}
	return 0;
}

char *note_sign(const struct note_key *k, const char *text, size_t text_len, size_t *len)
{
	if (!k->has_private || text_len == 0 || text[text_len - 1] != '\n')
		return NULL;
	uint8_t sig[4 + ED25519_SIGNATURE_SIZE];
	sig[0] = (uint8_t)(k->id >> 24);
	sig[1] = (uint8_t)(k->id >> 16);
	sig[2] = (uint8_t)(k->id >> 8);
	sig[3] = (uint8_t)k->id;
	ed25519_sha512_sign(k->pub, k->seed, text_len, (const uint8_t *)text, sig + 4);
	char b64[128];
	if (base64_std_encode(sig, sizeof(sig), b64, sizeof(b64)) < 0)
		return NULL;
	size_t cap = text_len + strlen(k->name) + strlen(b64) + 16;
	char *out = malloc(cap);
	if (!out)
		return NULL;
	memcpy(out, text, text_len);
	int n = snprintf(out + text_len, cap - text_len, "\n" SIG_PREFIX "%s %s\n", k->name, b64);
	*len = text_len + (size_t)n;
	return out;
}

/* The last "\n\n" of the note: the text ends with its first newline. */
static const char *split_note(const char *note, size_t len)
{
	for (size_t i = len; i >= 2; i--)
		if (note[i - 1] == '\n' && note[i - 2] == '\n')
			return note + i - 2;
	return NULL;
}

int note_verify(const struct note_key *k, const char *note, size_t len, size_t *text_len,
                char *errbuf, size_t size)
{
	const char *split = split_note(note, len);
	if (!split || split == note || len == 0 || note[len - 1] != '\n') {
		snprintf(errbuf, size,
		         "not a signed note: no empty line before its signatures, or no final "
		         "newline");
		return -1;
	}
	size_t tlen = (size_t)(split - note) + 1;
	const char *line = split + 2, *end = note + len;
	bool seen = false;
	while (line < end) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		size_t llen = (size_t)(nl - line), plen = strlen(SIG_PREFIX);
		if (llen < plen || memcmp(line, SIG_PREFIX, plen) != 0) {
			snprintf(errbuf, size, "a signature line does not start with \"— \"");
			return -1;
		}
		const char *name = line + plen;
		const char *sp = memchr(name, ' ', (size_t)(nl - name));
		if (!sp) {
			snprintf(errbuf, size, "a signature line has no space after the key name");
			return -1;
		}
		if ((size_t)(sp - name) == strlen(k->name) &&
		    memcmp(name, k->name, strlen(k->name)) == 0) {
			uint8_t sig[4 + ED25519_SIGNATURE_SIZE + 4];
			int n = base64_std_decode(sp + 1, (size_t)(nl - sp - 1), sig, sizeof(sig));
			uint32_t id = n >= 4 ? (uint32_t)sig[0] << 24 | (uint32_t)sig[1] << 16 |
			                           (uint32_t)sig[2] << 8 | sig[3]
			                     : 0;
			if (n == 4 + ED25519_SIGNATURE_SIZE && id == k->id) {
				seen = true;
				if (!ed25519_sha512_verify(k->pub, tlen, (const uint8_t *)note,
				                           sig + 4)) {
					snprintf(errbuf, size,
					         "the signature by %s+%08" PRIx32
					         " does not verify: the note was altered or "
					         "signed by another key",
					         k->name, k->id);
					return -1;
				}
			}
		}
		line = nl + 1;
	}
	if (!seen) {
		snprintf(errbuf, size, "the note carries no signature by the key %s+%08" PRIx32,
		         k->name, k->id);
		return -1;
	}
	*text_len = tlen;
	return 0;
}

int checkpoint_text(const char *origin, uint64_t size, const struct merkle_hash *root, char *out,
                    size_t out_size)
{
	char b64[64];
	if (base64_std_encode(root->b, MERKLE_HASH_LEN, b64, sizeof(b64)) < 0)
		return -1;
	int n = snprintf(out, out_size, "%s\n%" PRIu64 "\n%s\n", origin, size, b64);
	return n < 0 || (size_t)n >= out_size ? -1 : n;
}

int checkpoint_parse(const char *text, size_t len, char *origin, size_t origin_size,
                     uint64_t *tree_size, struct merkle_hash *root)
{
	const char *end = text + len;
	const char *l1 = memchr(text, '\n', len);
	if (!l1 || l1 == text || (size_t)(l1 - text) >= origin_size)
		return -1;
	const char *l2 = memchr(l1 + 1, '\n', (size_t)(end - l1 - 1));
	if (!l2)
		return -1;
	const char *l3 = memchr(l2 + 1, '\n', (size_t)(end - l2 - 1));
	if (!l3)
		return -1;
	memcpy(origin, text, (size_t)(l1 - text));
	origin[l1 - text] = '\0';
	const char *s = l1 + 1;
	size_t slen = (size_t)(l2 - s);
	if (slen == 0 || slen > 19 || strspn(s, "0123456789") < slen || (s[0] == '0' && slen > 1))
		return -1;
	uint64_t v = 0;
	for (size_t i = 0; i < slen; i++)
		v = v * 10 + (uint64_t)(s[i] - '0');
	*tree_size = v;
	if (base64_std_decode(l2 + 1, (size_t)(l3 - l2 - 1), root->b, MERKLE_HASH_LEN) !=
	    MERKLE_HASH_LEN)
		return -1;
	return 0;
}
