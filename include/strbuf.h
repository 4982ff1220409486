/* A growable byte buffer for building response bodies and headers. */
#ifndef SOILSHARE_STRBUF_H
#define SOILSHARE_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

/* `buf` is never NULL after strbuf_init and always NUL-terminated at `len`. */
struct strbuf {
	char *buf;
	size_t len;
	size_t cap;
};

void strbuf_init(struct strbuf *sb, size_t hint);
void strbuf_add(struct strbuf *sb, const char *data, size_t len);
void strbuf_adds(struct strbuf *sb, const char *s);
void strbuf_addc(struct strbuf *sb, char c);
__attribute__((format(printf, 2, 3))) void strbuf_addf(struct strbuf *sb, const char *fmt, ...);
/* Appends `s` percent-encoded for a URL query value or path segment. */
void strbuf_add_urlencoded(struct strbuf *sb, const char *s);
/* Hands the buffer to the caller (free() it) and leaves `sb` empty. */
char *strbuf_detach(struct strbuf *sb, size_t *len);
void strbuf_release(struct strbuf *sb);

#endif
