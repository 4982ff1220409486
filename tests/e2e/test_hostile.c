/* The bad-request corpus (SPEC §9): every malformed or hostile request of tests/corpus/
 * bad-requests, sent over a raw socket, gets a 4xx problem+json answer, writes nothing and
 * leaves the server answering. The file format is in tests/corpus/README.md. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "rawhttp.h"
#include "strbuf.h"

#define REQUEST_TIMEOUT 240.0 /* a 17 MiB chunked body takes 20 s in the sanitizer build */
#define MAX_EXPECT      8
#define CORPUS_MIN      200

struct entry {
	char *name; /* path under the corpus folder */
	char *comment;
	long expect[MAX_EXPECT];
	int n_expect;
	/* "# answered-by: libmicrohttpd": a framing error the library refuses before the service
	 * sees the request; SPEC §3 lets its answer carry the library's own body, still a 4xx. */
	bool by_library;
	char *request; /* as it goes on the wire */
	size_t len;
};

struct corpus {
	struct entry *items;
	size_t n, cap;
};

/* What the placeholders of a corpus file stand for in this run. */
struct subst {
	char host[128];
	const char *fixture;
	char uniq[48];
	char *revoked, *expired, *forged;
};

static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	cr_assert_not_null(f, "cannot open %s", path);
	struct strbuf sb;
	strbuf_init(&sb, 4096);
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		strbuf_add(&sb, buf, n);
	fclose(f);
	return strbuf_detach(&sb, len);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->name, ((const struct entry *)b)->name);
}

/* ------------------------------------------------------------------ placeholders */

static const char *key_for(const struct subst *v, const char *who)
{
	if (strcmp(who, "revoked") == 0)
		return v->revoked;
	if (strcmp(who, "expired") == 0)
		return v->expired;
	if (strcmp(who, "forged") == 0)
		return v->forged;
	return key_of(who);
}

static void add_hex(struct strbuf *out, const char *s, size_t n, const char *file)
{
	for (size_t i = 0; i < n;) {
		if (s[i] == ' ') {
			i++;
			continue;
		}
		unsigned byte;
		cr_assert(i + 1 < n && sscanf(s + i, "%2x", &byte) == 1, "%s: bad {{HEX:}}", file);
		strbuf_addc(out, (char)byte);
		i += 2;
	}
}

/* A file being expanded: the run's values, what {{LEN}} says, and the file for messages. */
struct expansion {
	const struct subst *v;
	size_t body_len;
	const char *file;
};

static void expand(struct strbuf *out, const char *s, size_t n, const struct expansion *x);

static const char *expand_repeat(struct strbuf *out, const char *p, const char *end,
                                 const struct expansion *x)
{
	char *text;
	unsigned long count = strtoul(p, &text, 10);
	cr_assert(strncmp(text, "}}", 2) == 0, "%s: {{REPEAT:count}}", x->file);
	text += 2;
	const char *stop = memmem(text, (size_t)(end - text), "{{END}}", 7);
	cr_assert_not_null(stop, "%s: {{REPEAT}} without {{END}}", x->file);
	struct strbuf one;
	strbuf_init(&one, (size_t)(stop - text) + 16);
	expand(&one, text, (size_t)(stop - text), x);
	for (unsigned long i = 0; i < count; i++)
		strbuf_add(out, one.buf, one.len);
	strbuf_release(&one);
	return stop + 7;
}

static const char *expand_chunked(struct strbuf *out, const char *p, const struct expansion *x)
{
	unsigned long count, size;
	char fill;
	cr_assert(sscanf(p, "%lu:%lu:%c}}", &count, &size, &fill) == 3,
	          "%s: {{CHUNKED:count:size:byte}}", x->file);
	char *chunk = malloc(size);
	memset(chunk, fill, size);
	for (unsigned long i = 0; i < count; i++) {
		strbuf_addf(out, "%lx\r\n", size);
		strbuf_add(out, chunk, size);
		strbuf_adds(out, "\r\n");
	}
	strbuf_adds(out, "0\r\n\r\n");
	free(chunk);
	return strstr(p, "}}") + 2;
}

/* Expands the placeholder at `p` (just after its "{{"); returns where the text goes on, or
 * NULL when the braces start no placeholder (JSON such as {{"a":1}}). */
static const char *expand_one(struct strbuf *out, const char *p, const char *end,
                              const struct expansion *x)
{
	char number[24];
	snprintf(number, sizeof(number), "%zu", x->body_len);
	const struct {
		const char *name, *value;
	} plain[] = {
	    {"HOST}}", x->v->host},       {"LEN}}", number},  {"UNIQ}}", x->v->uniq},
	    {"FIXTURE}}", x->v->fixture}, {"CRLF}}", "\r\n"},
	};
	size_t left = (size_t)(end - p);
	for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) {
		size_t len = strlen(plain[i].name);
		if (left >= len && memcmp(p, plain[i].name, len) == 0) {
			strbuf_adds(out, plain[i].value);
			return p + len;
		}
	}
	if (left > 7 && memcmp(p, "REPEAT:", 7) == 0)
		return expand_repeat(out, p + 7, end, x);
	if (left > 8 && memcmp(p, "CHUNKED:", 8) == 0)
		return expand_chunked(out, p + 8, x);
	if (left > 4 && (memcmp(p, "KEY:", 4) == 0 || memcmp(p, "HEX:", 4) == 0)) {
		const char *arg = p + 4;
		const char *close = memmem(arg, (size_t)(end - arg), "}}", 2);
		cr_assert_not_null(close, "%s: unclosed placeholder", x->file);
		if (*p == 'K') {
			char who[64];
			snprintf(who, sizeof(who), "%.*s", (int)(close - arg), arg);
			strbuf_adds(out, key_for(x->v, who));
		} else {
			add_hex(out, arg, (size_t)(close - arg), x->file);
		}
		return close + 2;
	}
	return NULL;
}

/* Expands the placeholders of `s` (n bytes) into `out`. */
static void expand(struct strbuf *out, const char *s, size_t n, const struct expansion *x)
{
	const char *end = s + n;
	while (s < end) {
		const char *open = memmem(s, (size_t)(end - s), "{{", 2);
		if (!open) {
			strbuf_add(out, s, (size_t)(end - s));
			return;
		}
		strbuf_add(out, s, (size_t)(open - s));
		const char *next = expand_one(out, open + 2, end, x);
		if (!next) {
			strbuf_adds(out, "{{");
			next = open + 2;
		}
		s = next;
	}
}

/* ------------------------------------------------------------------ corpus files */

/* Comment lines first ("# expect: 400 422" among them), then the request: its head with LF
 * line ends (sent as CRLF), a blank line and the body (the file's last newline is not part
 * of it). */
static void parse_entry(struct entry *e, const char *path, const struct subst *v)
{
	size_t n;
	char *text = read_all(path, &n);
	const char *p = text, *end = text + n;
	while (p < end && *p == '#') {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (len > 9 && strncmp(p, "# expect:", 9) == 0) {
			char *q = strndup(p + 9, len - 9), *tok, *save;
			for (tok = strtok_r(q, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
				cr_assert_lt(e->n_expect, MAX_EXPECT, "%s: too many statuses",
				             e->name);
				e->expect[e->n_expect++] = atol(tok);
			}
			free(q);
		} else if (len >= 28 && strncmp(p, "# answered-by: libmicrohttpd", 28) == 0) {
			e->by_library = true;
		} else if (!e->comment) {
			e->comment = strndup(p + (len > 1 ? 2 : len), len > 1 ? len - 2 : 0);
		}
		p = nl ? nl + 1 : end;
	}
	cr_assert_gt(e->n_expect, 0, "%s has no \"# expect:\" line", e->name);
	for (int i = 0; i < e->n_expect; i++)
		cr_assert(e->expect[i] >= 400 && e->expect[i] <= 499,
		          "%s: a bad request must expect a 4xx status", e->name);

	const char *blank = memmem(p, (size_t)(end - p), "\n\n", 2);
	const char *head_end = blank ? blank + 1 : end;
	struct strbuf body, head, wire;
	strbuf_init(&body, 256);
	if (blank) {
		const char *b = blank + 2;
		size_t blen = (size_t)(end - b);
		if (blen && b[blen - 1] == '\n')
			blen--;
		struct expansion x = {.v = v, .file = e->name};
		expand(&body, b, blen, &x);
	}
	strbuf_init(&head, 1024);
	for (const char *c = p; c < head_end; c++) {
		if (*c == '\n')
			strbuf_addc(&head, '\r');
		strbuf_addc(&head, *c);
	}
	strbuf_adds(&head, "\r\n");
	strbuf_init(&wire, head.len + body.len + 256);
	struct expansion x = {.v = v, .body_len = body.len, .file = e->name};
	expand(&wire, head.buf, head.len, &x);
	strbuf_add(&wire, body.buf, body.len);
	e->request = strbuf_detach(&wire, &e->len);
	strbuf_release(&head);
	strbuf_release(&body);
	free(text);
}

static void collect(struct corpus *c, const char *root, const char *rel, const struct subst *v)
{
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s%s%s", root, rel[0] ? "/" : "", rel);
	DIR *d = opendir(dir);
	cr_assert_not_null(d, "cannot read the corpus folder %s", dir);
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		char sub[4096], path[8192];
		snprintf(sub, sizeof(sub), "%s%s%s", rel, rel[0] ? "/" : "", de->d_name);
		snprintf(path, sizeof(path), "%s/%s", root, sub);
		struct stat st;
		cr_assert_eq(stat(path, &st), 0);
		if (S_ISDIR(st.st_mode)) {
			collect(c, root, sub, v);
			continue;
		}
		size_t nlen = strlen(sub);
		if (nlen < 5 || strcmp(sub + nlen - 5, ".http") != 0)
			continue;
		if (c->n == c->cap) {
			c->cap = c->cap ? c->cap * 2 : 256;
			c->items = realloc(c->items, c->cap * sizeof(*c->items));
		}
		struct entry *e = &c->items[c->n++];
		memset(e, 0, sizeof(*e));
		e->name = strdup(sub);
		parse_entry(e, path, v);
	}
	closedir(d);
}

/* ------------------------------------------------------------------ what was written */

static void add_path_id(json_t *ids, const char *request)
{
	const char *target = strchr(request, ' ');
	if (!target || strncmp(target + 1, "/v1/", 4) != 0)
		return;
	const char *seg = strchr(target + 5, '/');
	if (!seg)
		return;
	seg++;
	size_t len = strcspn(seg, "/? \r\n");
	char *id = malloc(len + 1);
	size_t o = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned byte;
		if (seg[i] == '%' && i + 2 < len && sscanf(seg + i + 1, "%2x", &byte) == 1) {
			id[o++] = (char)byte;
			i += 2;
		} else {
			id[o++] = seg[i];
		}
	}
	id[o] = '\0';
	/* An id with a NUL byte counts up to it, as a C string would cut it. */
	if (id[0])
		json_object_set_new(ids, id, json_true());
	free(id);
}

static void add_body_ids(json_t *ids, const struct entry *e)
{
	const char *body = memmem(e->request, e->len, "\r\n\r\n", 4);
	if (!body)
		return;
	body += 4;
	json_t *doc = json_loadb(body, e->len - (size_t)(body - e->request), 0, NULL);
	json_t *records = json_is_array(doc) ? json_incref(doc) : json_pack("[O]", doc);
	size_t i;
	json_t *rec;
	json_array_foreach(records, i, rec)
	{
		const char *id = json_string_value(json_object_get(rec, "id"));
		if (id)
			json_object_set_new(ids, id, json_true());
	}
	json_decref(records);
	json_decref(doc);
}

/* Every change since `cursor`: none may name a record the corpus addressed. */
static void assert_nothing_written(const char *cursor, json_t *ids, const char *fixture)
{
	json_t *changes = feed_since(NULL, cursor, NULL, 1000, NULL);
	size_t i;
	json_t *ch;
	json_array_foreach(changes, i, ch)
	{
		const char *id = json_string_value(json_object_get(ch, "id"));
		const char *ds = json_string_value(json_object_get(ch, "dataset"));
		cr_assert(!json_object_get(ids, id) && !strcasestr(id, "hostile") &&
		              strcmp(id, fixture) != 0,
		          "a bad request was written: %s/%s (op %s)", ds, id,
		          json_string_value(json_object_get(ch, "op")));
	}
	fprintf(stderr, "hostile: %zu changes by other tests meanwhile, none of the corpus\n",
	        json_array_size(changes));
	json_decref(changes);
}

/* ------------------------------------------------------------------ answers */

static bool expected(const struct entry *e, int status)
{
	for (int i = 0; i < e->n_expect; i++)
		if (e->expect[i] == status)
			return true;
	return false;
}

/* Whether the answer is a 4xx problem+json as the entry expects; else says why. */
static bool answer_ok(const struct entry *e, const struct raw_response *r, struct strbuf *why)
{
	char ct[256], rid[256], replayed[16];
	if (!r->status) {
		strbuf_addf(why, "no answer (%s)", r->error);
		return false;
	}
	if (!expected(e, r->status))
		strbuf_addf(why, "status %d, not the expected one; ", r->status);
	if (e->by_library)
		return why->len == 0;
	if (!raw_header(r, "Content-Type", ct, sizeof(ct)) ||
	    strncmp(ct, "application/problem+json", 24) != 0)
		strbuf_adds(why, "Content-Type is not application/problem+json; ");
	if (!r->complete)
		strbuf_addf(why, "the body did not arrive whole (%s); ", r->error);
	json_t *p = json_loadb(r->body, r->body_len, 0, NULL);
	if (!json_is_object(p)) {
		strbuf_adds(why, "the body is not a JSON object; ");
	} else {
		static const char *const members[] = {"type", "title", "detail", "instance"};
		for (size_t i = 0; i < 4; i++)
			if (!json_is_string(json_object_get(p, members[i])))
				strbuf_addf(why, "no string \"%s\"; ", members[i]);
		if (json_integer_value(json_object_get(p, "status")) != r->status)
			strbuf_adds(why, "\"status\" differs from the HTTP status; ");
		const char *body_rid = json_string_value(json_object_get(p, "request_id"));
		bool replay = raw_header(r, "Idempotent-Replayed", replayed, sizeof(replayed));
		if (!replay && (!body_rid || !raw_header(r, "X-Request-ID", rid, sizeof(rid)) ||
		                strcmp(body_rid, rid) != 0))
			strbuf_adds(why, "\"request_id\" is not the X-Request-ID header; ");
	}
	json_decref(p);
	return why->len == 0;
}

static bool server_answers(const char *url)
{
	static const char probe[] = "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
	struct raw_response r;
	raw_exchange(url, probe, sizeof(probe) - 1, REQUEST_TIMEOUT, &r);
	bool ok = r.status == 200;
	raw_response_release(&r);
	return ok;
}

static void report(const struct entry *e, const struct raw_response *r, const char *why)
{
	char head[600], body[600], want[64] = "";
	for (int i = 0; i < e->n_expect; i++)
		snprintf(want + strlen(want), sizeof(want) - strlen(want), "%s%ld", i ? "/" : "",
		         e->expect[i]);
	raw_printable(r->head, strlen(r->head), head, sizeof(head));
	raw_printable(r->body, r->body_len, body, sizeof(body));
	fprintf(stderr, "FAIL %s (%s)\n  expected %s problem+json; %s\n  got: %s\n  body: %s\n",
	        e->name, e->comment ? e->comment : "", want, why, head, body);
}

/* ------------------------------------------------------------------ set-up */

static void make_keys(struct subst *v)
{
	v->revoked = create_key("ecology", NULL, NULL);
	char key_id[13];
	snprintf(key_id, sizeof(key_id), "%.12s", v->revoked + 3);
	cr_assert_eq(revoke_key(key_id), 0, "revoking a key");
	v->expired = create_key("ecology", NULL, "2000-01-01");
	v->forged = strdup(key_of("ecology"));
	char *last = v->forged + strlen(v->forged) - 1;
	*last = *last == 'A' ? 'B' : 'A';
}

static char *make_fixture(void)
{
	char *id = uniq("110107-HOSTILE-FIXTURE");
	char path[256];
	snprintf(path, sizeof(path), "/v1/plots/%s", id);
	char *body = plot_body("110107", "suspected", "R2");
	struct resp *r = call("PUT", path, key_of("ecology"), body, NULL);
	cr_assert_eq(r->status, 201, "creating the fixture plot: %s", r->body);
	resp_free(r);
	free(body);
	return id;
}

static long fixture_version(const char *id)
{
	char path[256];
	snprintf(path, sizeof(path), "/v1/plots/%s", id);
	struct resp *r = call("GET", path, key_of("water"), NULL, NULL);
	cr_assert_eq(r->status, 200, "the fixture plot is still there: %s", r->body);
	long version = (long)json_integer_value(json_object_get(r->json, "version"));
	resp_free(r);
	return version;
}

static void print_summary(const struct corpus *c)
{
	struct strbuf sb;
	strbuf_init(&sb, 256);
	size_t run = 0;
	for (size_t i = 0; i < c->n; i++) {
		const char *slash = strchr(c->items[i].name, '/');
		size_t len = slash ? (size_t)(slash - c->items[i].name) : 0;
		run++;
		const char *next = i + 1 < c->n ? c->items[i + 1].name : NULL;
		if (next && len && strncmp(next, c->items[i].name, len + 1) == 0)
			continue;
		strbuf_addf(&sb, "%s%.*s %zu", sb.len ? ", " : "", (int)len, c->items[i].name, run);
		run = 0;
	}
	fprintf(stderr, "hostile: %zu requests: %s\n", c->n, sb.buf);
	strbuf_release(&sb);
}

Test(hostile, every_bad_request_gets_a_4xx_problem_and_writes_nothing, .timeout = 900)
{
	const char *url = base_url();
	struct subst v = {.host = ""};
	cr_assert_eq(sscanf(url, "http://%127s", v.host), 1);
	snprintf(v.uniq, sizeof(v.uniq), "%d-%ld", (int)getpid(), (long)time(NULL));
	make_keys(&v);
	char *fixture = make_fixture();
	v.fixture = fixture;

	char root[4096];
	const char *dir = getenv("SOILSHARE_CORPUS");
	if (dir && *dir)
		snprintf(root, sizeof(root), "%s", dir);
	else
		snprintf(root, sizeof(root), "%s/tests/corpus/bad-requests",
		         need_env("SOILSHARE_ROOT"));
	struct corpus c = {0};
	collect(&c, root, "", &v);
	qsort(c.items, c.n, sizeof(*c.items), cmp_names);
	if (!dir || !*dir)
		cr_assert_geq(c.n, CORPUS_MIN, "the corpus holds %zu requests", c.n);
	print_summary(&c);

	json_t *ids = json_object();
	char *before = feed_latest(NULL);
	size_t failed = 0;
	for (size_t i = 0; i < c.n; i++) {
		struct entry *e = &c.items[i];
		add_path_id(ids, e->request);
		add_body_ids(ids, e);
		struct raw_response r;
		double t0 = now();
		raw_exchange(url, e->request, e->len, REQUEST_TIMEOUT, &r);
		if (now() - t0 > 10)
			fprintf(stderr, "hostile: %s took %.1f s\n", e->name, now() - t0);
		struct strbuf why;
		strbuf_init(&why, 128);
		if (!answer_ok(e, &r, &why)) {
			report(e, &r, why.buf);
			failed++;
		}
		strbuf_release(&why);
		raw_response_release(&r);
		cr_assert(server_answers(url), "the server stopped answering after %s", e->name);
	}
	assert_nothing_written(before, ids, fixture);
	cr_assert_eq(failed, 0,
	             "%zu of %zu bad requests did not get the expected answer (see FAIL "
	             "lines above)",
	             failed, c.n);
	cr_assert_eq(fixture_version(fixture), 1, "the fixture plot was not changed");
	struct resp *r = call("GET", "/v1/me", key_of("ecology"), NULL, NULL);
	cr_assert_eq(r->status, 200, "a normal request still works: %s", r->body);
	resp_free(r);

	for (size_t i = 0; i < c.n; i++) {
		free(c.items[i].name);
		free(c.items[i].comment);
		free(c.items[i].request);
	}
	free(c.items);
	json_decref(ids);
	free(before);
	free(fixture);
	free(v.revoked);
	free(v.expired);
	free(v.forged);
}
