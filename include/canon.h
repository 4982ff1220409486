/* Canonical JSON: the JSON Canonicalization Scheme of RFC 8785, the byte form in which the
 * verifiable log hashes a change-feed entry. Pure.
 *
 * - No whitespace; object members sorted by name, compared as UTF-16 code units; arrays in
 *   their order.
 * - Strings as UTF-8, escaping only '"', '\\' and the characters below U+0020: \b \t \n \f \r
 *   and otherwise \u00xx (lower-case hex). Nothing else is escaped (not '/', not U+007F).
 * - Every number is an IEEE-754 double, written as ECMAScript's Number.prototype.toString
 *   writes it: the shortest digits that read back as the same double; plain decimal from
 *   1e-6 up to below 1e21, else d.ddde+N / d.ddde-N; -0 as 0. An integer beyond 2^53 is
 *   the double nearest to it (123456789012345678 is written 123456789012345680).
 * - true, false and null as themselves. */
#ifndef SOILSHARE_CANON_H
#define SOILSHARE_CANON_H

#include <jansson.h>
#include <stddef.h>

#include "strbuf.h"

/* The ECMAScript text of a double (at most 25 bytes and a NUL); -1 for NaN and infinities. */
int canon_number(double v, char *out, size_t size);
/* Appends `v` in canonical form; -1 (with part of it appended) for a non-finite number. */
int canon_json(const json_t *v, struct strbuf *out);
/* Reads JSON text, every number as a double, and appends its canonical form; -1 with a
 * message when the text is not JSON or holds a number no double can hold. */
int canon_text(const char *text, size_t len, struct strbuf *out, char *errbuf, size_t size);

#endif
