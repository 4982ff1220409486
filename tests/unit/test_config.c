/* Unit tests of configuration parsing in server/config.c. */
#include <criterion/criterion.h>
#include <string.h>
#include <unistd.h>

#include "config.h"

/* A fake environment: NAME=value pairs, NULL-terminated. */
static const char *const *fake_env;

static const char *fake_getenv(const char *name)
{
	size_t n = strlen(name);
	for (const char *const *e = fake_env; e && *e; e++)
		if (strncmp(*e, name, n) == 0 && (*e)[n] == '=')
			return *e + n + 1;
	return NULL;
}

static int parse(struct config *c, const char *const *env, int argc, const char **argv, char *err,
                 size_t size)
{
	fake_env = env;
	err[0] = '\0';
	return config_parse(c, argc, (char **)argv, fake_getenv, err, size);
}

#define ARGV(...)                                                                                  \
	((const char *[]){__VA_ARGS__}),                                                           \
	    (int)(sizeof((const char *[]){__VA_ARGS__}) / sizeof(char *))

static int parse_args(struct config *c, const char *const *env, const char **argv, int argc,
                      char *err, size_t size)
{
	return parse(c, env, argc, argv, err, size);
}

Test(config, defaults)
{
	struct config c;
	char err[256];
	memset(&c, 0x55, sizeof(c));
	int rc = config_parse(&c, 0, NULL, NULL, err, sizeof(err));
	cr_assert_eq(rc, 0, "no arguments parse: %s", err);
	cr_assert_null(c.database_url, "no database URL by default");
	cr_assert_str_eq(c.bind, "0.0.0.0", "bind");
	cr_assert_eq(c.port, 8080, "port");
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	cr_assert_eq(c.threads, 2 * (int)cores, "threads default to 2 per core (bench/threads)");
	cr_assert_eq(c.db_lanes, cores > 4 ? (int)(cores + 3) / 4 : 1,
	             "one database lane per 4 cores, at least one (bench/pipeline)");
	cr_assert_null(c.tls_cert, "no TLS");
	cr_assert_null(c.tls_key, "no TLS key");
	cr_assert_eq(c.max_connections, 4096, "max connections");
	cr_assert_eq(c.per_ip_connections, 1024, "per-IP connections");
	cr_assert_eq(c.idle_timeout_sec, 30, "idle timeout");
	cr_assert_eq(c.statement_timeout_ms, 5000, "statement timeout");
	cr_assert_float_eq(c.rate_per_sec, 100.0, 1e-9, "rate limit");
	cr_assert_float_eq(c.rate_burst, 200.0, 1e-9, "burst");
	cr_assert_eq(c.drain_timeout_sec, 10, "drain timeout");
}

Test(config, environment)
{
	static const char *const env[] = {"DATABASE_URL=postgres://db/soilshare",
	                                  "PORT=7000",
	                                  "THREADS=4",
	                                  "BIND=127.0.0.1",
	                                  "RATE_LIMIT=2.5",
	                                  "RATE_BURST=10",
	                                  "STATEMENT_TIMEOUT_MS=250",
	                                  "PER_IP_CONNECTIONS=0",
	                                  "DRAIN_TIMEOUT=0",
	                                  "OTHER=1",
	                                  NULL};
	struct config c;
	char err[256];
	cr_assert_eq(parse(&c, env, 0, NULL, err, sizeof(err)), 0, "env parses: %s", err);
	cr_assert_str_eq(c.database_url, "postgres://db/soilshare", "DATABASE_URL");
	cr_assert_eq(c.port, 7000, "PORT");
	cr_assert_eq(c.threads, 4, "THREADS");
	cr_assert_str_eq(c.bind, "127.0.0.1", "BIND");
	cr_assert_float_eq(c.rate_per_sec, 2.5, 1e-9, "RATE_LIMIT");
	cr_assert_float_eq(c.rate_burst, 10.0, 1e-9, "RATE_BURST");
	cr_assert_eq(c.statement_timeout_ms, 250, "STATEMENT_TIMEOUT_MS");
	cr_assert_eq(c.per_ip_connections, 0, "0 means no per-IP limit");
	cr_assert_eq(c.drain_timeout_sec, 0, "DRAIN_TIMEOUT 0");
	cr_assert_eq(c.idle_timeout_sec, 30, "unset variables keep their default");
}

Test(config, empty_env_value_ignored)
{
	static const char *const env[] = {"PORT=", NULL};
	struct config c;
	char err[256];
	cr_assert_eq(parse(&c, env, 0, NULL, err, sizeof(err)), 0, "empty PORT: %s", err);
	cr_assert_eq(c.port, 8080, "an empty variable keeps the default");
}

Test(config, flags_override_env)
{
	static const char *const env[] = {"PORT=7000", "DATABASE_URL=postgres://env", NULL};
	struct config c;
	char err[256];
	cr_assert_eq(parse_args(&c, env, ARGV("--port", "9000"), err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(c.port, 9000, "--port 9000 overrides PORT=7000, got %d", c.port);
	cr_assert_str_eq(c.database_url, "postgres://env", "env value kept where no flag");

	cr_assert_eq(parse_args(&c, env, ARGV("--port=9000"), err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(c.port, 9000, "--port=9000 overrides PORT=7000, got %d", c.port);

	cr_assert_eq(parse_args(&c, env,
	                        ARGV("--database-url=postgres://flag", "--threads", "3",
	                             "--rate-limit=0.5", "--bind", "::1"),
	                        err, sizeof(err)),
	             0, "%s", err);
	cr_assert_str_eq(c.database_url, "postgres://flag", "--database-url");
	cr_assert_eq(c.threads, 3, "--threads");
	cr_assert_float_eq(c.rate_per_sec, 0.5, 1e-9, "--rate-limit");
	cr_assert_str_eq(c.bind, "::1", "--bind");
	cr_assert_eq(c.port, 7000, "PORT from env when no --port");
}

Test(config, later_flag_wins)
{
	struct config c;
	char err[256];
	cr_assert_eq(parse_args(&c, NULL, ARGV("--port", "1000", "--port=2000"), err, sizeof(err)),
	             0, "%s", err);
	cr_assert_eq(c.port, 2000, "the last --port wins");
}

Test(config, help)
{
	struct config c;
	char err[256];
	cr_assert_eq(parse_args(&c, NULL, ARGV("--help"), err, sizeof(err)), 1, "--help returns 1");
	cr_assert_eq(parse_args(&c, NULL, ARGV("-h"), err, sizeof(err)), 1, "-h returns 1");
	cr_assert_eq(parse_args(&c, NULL, ARGV("--port", "9000", "--help"), err, sizeof(err)), 1,
	             "--help after other flags");
}

static void expect_bad(const char *const *env, const char **argv, int argc, const char *needle)
{
	struct config c;
	char err[256];
	int rc = parse(&c, env, argc, argv, err, sizeof(err));
	cr_assert_eq(rc, -1, "%s %s accepted", argc ? argv[0] : "(env)", argc > 1 ? argv[1] : "");
	cr_assert_neq(err[0], '\0', "a message is given");
	if (needle)
		cr_assert(strstr(err, needle), "message should mention \"%s\": %s", needle, err);
}

Test(config, bad_values)
{
	expect_bad(NULL, ARGV("--port", "0"), "--port");
	expect_bad(NULL, ARGV("--port", "65536"), "65535");
	expect_bad(NULL, ARGV("--port", "abc"), "abc");
	expect_bad(NULL, ARGV("--port", "80.5"), "whole number");
	expect_bad(NULL, ARGV("--port="), NULL);
	expect_bad(NULL, ARGV("--port", "80x"), NULL);
	expect_bad(NULL, ARGV("--threads", "0"), NULL);
	expect_bad(NULL, ARGV("--threads", "257"), NULL);
	expect_bad(NULL, ARGV("--idle-timeout", "-1"), NULL);
	expect_bad(NULL, ARGV("--statement-timeout", "99"), NULL);
	expect_bad(NULL, ARGV("--rate-limit", "0"), NULL);
	expect_bad(NULL, ARGV("--rate-burst", "0.5"), NULL);
	expect_bad(NULL, ARGV("--rate-limit", "inf"), NULL);
	expect_bad(NULL, ARGV("--port", "99999999999999999999999"), NULL);
	static const char *const env[] = {"PORT=abc", NULL};
	expect_bad(env, NULL, 0, "PORT");
	static const char *const env2[] = {"THREADS=0", NULL};
	expect_bad(env2, NULL, 0, "THREADS");
}

Test(config, not_a_number_rejected)
{
	/* strtod accepts "nan"; NaN compares false with both bounds, so it must be
	 * refused explicitly. */
	expect_bad(NULL, ARGV("--rate-limit", "nan"), NULL);
	expect_bad(NULL, ARGV("--rate-burst", "NaN"), NULL);
	expect_bad(NULL, ARGV("--port", "nan"), NULL);
	static const char *const env[] = {"RATE_LIMIT=nan", NULL};
	expect_bad(env, NULL, 0, "RATE_LIMIT");
}

Test(config, unknown_flags_and_arguments)
{
	expect_bad(NULL, ARGV("--frobnicate"), "frobnicate");
	expect_bad(NULL, ARGV("--frobnicate=1"), "frobnicate");
	expect_bad(NULL, ARGV("--por", "80"), "--por");
	expect_bad(NULL, ARGV("--portx=80"), NULL);
	expect_bad(NULL, ARGV("-p", "80"), NULL);
	expect_bad(NULL, ARGV("stray"), "stray");
	expect_bad(NULL, ARGV("--port"), "needs a value");
}

Test(config, tls_cert_needs_key)
{
	expect_bad(NULL, ARGV("--tls-cert", "/etc/ss/cert.pem"), "tls");
	expect_bad(NULL, ARGV("--tls-key", "/etc/ss/key.pem"), "tls");
	static const char *const env[] = {"TLS_CERT=/etc/ss/cert.pem", NULL};
	expect_bad(env, NULL, 0, "tls");

	struct config c;
	char err[256];
	cr_assert_eq(parse_args(&c, NULL,
	                        ARGV("--tls-cert", "/etc/ss/cert.pem", "--tls-key=/etc/ss/key.pem"),
	                        err, sizeof(err)),
	             0, "both given: %s", err);
	cr_assert_str_eq(c.tls_cert, "/etc/ss/cert.pem", "cert");
	cr_assert_str_eq(c.tls_key, "/etc/ss/key.pem", "key");
	cr_assert_eq(parse_args(&c, env, ARGV("--tls-key", "/k.pem"), err, sizeof(err)), 0,
	             "cert from env, key from flag: %s", err);
}

Test(config, map_tiles_must_be_a_template)
{
	expect_bad(NULL, ARGV("--map-tiles", "tiles.example/{z}/{x}/{y}.png"), "--map-tiles");
	expect_bad(NULL, ARGV("--map-tiles", "https://tiles.example/{z}/{x}.png"), "{y}");
	expect_bad(NULL, ARGV("--map-tiles", "javascript:alert(1)//{z}{x}{y}"), NULL);
	expect_bad(NULL, ARGV("--map-tiles", "//tiles.example/{z}/{x}/{y}.png"), NULL);
	static const char *const env[] = {"MAP_TILES=ftp://t.example/{z}/{x}/{y}.png", NULL};
	expect_bad(env, NULL, 0, "--map-tiles");

	struct config c;
	char err[256];
	cr_assert_eq(parse_args(&c, NULL,
	                        ARGV("--map-tiles", "https://{s}.tiles.example/{z}/{x}/{y}.png"),
	                        err, sizeof(err)),
	             0, "an https template: %s", err);
	cr_assert_str_eq(c.map_tiles, "https://{s}.tiles.example/{z}/{x}/{y}.png", "kept as given");
	cr_assert_eq(
	    parse_args(&c, NULL, ARGV("--map-tiles=/tiles/{z}/{x}/{y}.png"), err, sizeof(err)), 0,
	    "a path of this server: %s", err);
	cr_assert_eq(parse_args(&c, NULL, ARGV("--port", "8080"), err, sizeof(err)), 0, "%s", err);
	cr_assert_null(c.map_tiles, "no tiles by default");
}

Test(config, log_format_and_read_url)
{
	struct config c;
	char err[256];
	cr_assert_eq(parse_args(&c, NULL, ARGV("--port", "8080"), err, sizeof(err)), 0, "%s", err);
	cr_assert_str_eq(c.log_format, "json", "JSON access log by default");
	cr_assert_null(c.database_read_url, "no standby by default");
	static const char *const env[] = {"LOG_FORMAT=text",
	                                  "DATABASE_READ_URL=postgresql://standby/soilshare", NULL};
	cr_assert_eq(parse_args(&c, env, ARGV("--port", "8080"), err, sizeof(err)), 0, "%s", err);
	cr_assert_str_eq(c.log_format, "text");
	cr_assert_str_eq(c.database_read_url, "postgresql://standby/soilshare");
	cr_assert_eq(parse_args(&c, NULL, ARGV("--log-format", "none"), err, sizeof(err)), 0);
	cr_assert_str_eq(c.log_format, "none");
	expect_bad(NULL, ARGV("--log-format", "xml"), "--log-format");
}

Test(config, webhook_options)
{
	struct config c;
	char err[256];
	cr_assert_eq(config_parse(&c, 0, NULL, NULL, err, sizeof(err)), 0);
	cr_assert_null(c.webhook_allow, "no network allowed by default");
	cr_assert_float_eq(c.webhook_retry_base, 5.0, 1e-9, "the real schedule by default");
	cr_assert_eq(c.webhook_senders, 2);

	static const char *const env[] = {"WEBHOOK_ALLOW=10.20.0.0/16, 127.0.0.1/32",
	                                  "WEBHOOK_RETRY_BASE=0.05", NULL};
	cr_assert_eq(parse_args(&c, env, ARGV("--webhook-senders", "4"), err, sizeof(err)), 0, "%s",
	             err);
	cr_assert_str_eq(c.webhook_allow, "10.20.0.0/16, 127.0.0.1/32");
	cr_assert_float_eq(c.webhook_retry_base, 0.05, 1e-9);
	cr_assert_eq(c.webhook_senders, 4);

	cr_assert_eq(
	    parse_args(&c, NULL, ARGV("--webhook-allow", "10.20.0.1/16"), err, sizeof(err)), -1,
	    "host bits past the prefix");
	cr_assert(strstr(err, "10.20.0.1/16"), "names the bad network: %s", err);
	cr_assert_eq(parse_args(&c, NULL, ARGV("--webhook-allow=localhost"), err, sizeof(err)), -1,
	             "a name is no network");
	cr_assert_eq(parse_args(&c, NULL, ARGV("--webhook-retry-base", "0"), err, sizeof(err)), -1,
	             "a base of 0 would retry at once");
}
