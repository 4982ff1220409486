/* The access log: one line per request on stderr (SPEC §7), as JSON or text. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "api.h"
#include "internal.h"
#include "utf8.h"

enum log_format { LOG_JSON, LOG_TEXT, LOG_NONE };
static enum log_format format = LOG_JSON;

void access_log_configure(const struct config *cfg)
{
	format = !strcmp(cfg->log_format, "text")   ? LOG_TEXT
	         : !strcmp(cfg->log_format, "none") ? LOG_NONE
	                                            : LOG_JSON;
}

/* Appends `s` as the inside of a JSON string: quotes, backslashes and control characters
 * escaped (the text is UTF-8). Stops before overflowing. */
static size_t json_text(char *out, size_t used, size_t size, const char *s)
{
	for (; *s && used + 7 < size; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\') {
			out[used++] = '\\';
			out[used++] = (char)c;
		} else if (c < 0x20 || c == 0x7f) {
			used += (size_t)snprintf(out + used, size - used, "\\u%04x", c);
		} else {
			out[used++] = (char)c;
		}
	}
	return used;
}

void access_log(struct request *req)
{
	if (format == LOG_NONE)
		return;
	char when[40];
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	struct tm tm;
	gmtime_r(&ts.tv_sec, &tm);
	size_t n = strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(when + n, sizeof(when) - n, ".%03ldZ", ts.tv_nsec / 1000000);
	const struct identity *who = req->app ? who_of(req) : NULL;
	const char *key = who && who->key_id[0] ? who->key_id : NULL;
	const char *agency = who && who->agency[0] ? who->agency : NULL;
	const char *route = req->match.route ? req->match.route->pattern : NULL;
	const char *path = req->path && utf8_valid(req->path, strlen(req->path)) ? req->path : "";
	double ms = (http_now() - req->started_at) * 1000;
	char line[1024];
	size_t used;
	if (format == LOG_TEXT) {
		used = (size_t)snprintf(
		    line, sizeof(line), "%s %s %u %s %.200s %.3fms %zuB %s %s\n", when,
		    req->request_id, req->status, http_method_name(req->method), path, ms,
		    req->bytes_out, agency ? agency : "-", key ? key : "-");
	} else {
		used =
		    (size_t)snprintf(line, sizeof(line),
		                     "{\"time\":\"%s\",\"request_id\":\"%s\",\"key_id\":%s%s%s,"
		                     "\"agency\":%s%s%s,\"method\":\"%s\",\"route\":%s%s%s,"
		                     "\"path\":\"",
		                     when, req->request_id, key ? "\"" : "", key ? key : "null",
		                     key ? "\"" : "", agency ? "\"" : "", agency ? agency : "null",
		                     agency ? "\"" : "", http_method_name(req->method),
		                     route ? "\"" : "", route ? route : "null", route ? "\"" : "");
		if (used < sizeof(line))
			used = json_text(line, used, sizeof(line) - 96, path);
		if (used < sizeof(line))
			used += (size_t)snprintf(
			    line + used, sizeof(line) - used,
			    "\",\"status\":%u,\"duration_ms\":%.3f,\"bytes\":%zu}\n", req->status,
			    ms, req->bytes_out);
	}
	if (used > sizeof(line) - 1)
		used = sizeof(line) - 1;
	/* One write: lines of concurrent requests never interleave. */
	ssize_t w = write(STDERR_FILENO, line, used);
	(void)w;
}
