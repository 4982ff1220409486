/* The log admin commands of the server binary: log keygen, key and verify. */
#include <errno.h>
#include <fcntl.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db.h"
#include "internal.h"
#include "tlog.h"

static const char usage[] =
    "usage: soilshare log keygen --name NAME --out FILE   make the log's signing key\n"
    "       soilshare log key [FILE]                      print its verifier key (FILE, or\n"
    "                                                     --log-key FILE, or LOG_KEY_FILE)\n"
    "       soilshare log verify [--verifier-key KEY]     check the stored log (DATABASE_URL)\n";

int tlog_key_load(const char *path, struct note_key *k, char *errbuf, size_t size)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(errbuf, size, "cannot read the log key file %s: %s", path,
		         strerror(errno));
		return -1;
	}
	char line[NOTE_KEY_TEXT_MAX + 8];
	bool got = fgets(line, sizeof(line), f) != NULL;
	fclose(f);
	char why[256];
	if (!got || note_key_parse(line, k, why, sizeof(why)) < 0) {
		snprintf(errbuf, size,
		         "%s does not hold a log signing key (PRIVATE+KEY+<name>+<id>+<key> on its "
		         "first line, as `soilshare log keygen` writes it): %s",
		         path, got ? why : "it is empty");
		return -1;
	}
	if (!k->has_private) {
		snprintf(errbuf, size,
		         "%s holds a verifier key, the log's public half; the server needs the "
		         "signing key that `soilshare log keygen` wrote",
		         path);
		return -1;
	}
	return 0;
}

static int cmd_keygen(int argc, char **argv)
{
	const char *name = NULL, *out = NULL;
	for (int i = 0; i < argc; i++) {
		const char **dst = strcmp(argv[i], "--name") == 0  ? &name
		                   : strcmp(argv[i], "--out") == 0 ? &out
		                                                   : NULL;
		if (!dst || i + 1 >= argc) {
			fprintf(stderr, "log keygen: unexpected \"%s\"\n%s", argv[i], usage);
			return 2;
		}
		*dst = argv[++i];
	}
	if (!name || !note_name_valid(name)) {
		fprintf(stderr,
		        "log keygen: --name takes the log's name, printable ASCII without spaces "
		        "or '+', e.g. soilshare.example.gov.cn/log (clients see it in every "
		        "checkpoint)\n");
		return 2;
	}
	if (!out) {
		fprintf(stderr, "log keygen: --out FILE is required: where to write the signing "
		                "key (only the server should read it)\n");
		return 2;
	}
	uint8_t seed[32];
	struct note_key k;
	if (gnutls_rnd(GNUTLS_RND_KEY, seed, sizeof(seed)) < 0 ||
	    note_key_from_seed(name, seed, &k) < 0) {
		fprintf(stderr, "log keygen: no random bytes available\n");
		return 1;
	}
	char skey[NOTE_KEY_TEXT_MAX], vkey[NOTE_KEY_TEXT_MAX];
	if (note_signer_key(&k, skey, sizeof(skey)) < 0 ||
	    note_verifier_key(&k, vkey, sizeof(vkey)) < 0) {
		fprintf(stderr, "log keygen: cannot write the key\n");
		return 1;
	}
	int fd = open(out, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		fprintf(stderr, "log keygen: cannot create %s: %s%s\n", out, strerror(errno),
		        errno == EEXIST ? " (a log key is never overwritten: move the old one "
		                          "away yourself if you mean to replace it)"
		                        : "");
		return 1;
	}
	size_t len = strlen(skey);
	skey[len++] = '\n';
	bool ok = write(fd, skey, len) == (ssize_t)len && fsync(fd) == 0;
	ok = close(fd) == 0 && ok;
	memset(skey, 0, sizeof(skey));
	memset(&k, 0, sizeof(k));
	if (!ok) {
		fprintf(stderr, "log keygen: cannot write %s: %s\n", out, strerror(errno));
		unlink(out);
		return 1;
	}
	printf("%s\n", vkey);
	fprintf(stderr,
	        "wrote the log's signing key to %s (keep it secret; start every server with "
	        "--log-key %s).\nThe line above is its verifier key: publish it, and give it "
	        "to soilshare-sync as --verifier-key.\n",
	        out, out);
	return 0;
}

static int cmd_key(int argc, char **argv)
{
	const char *path = getenv("LOG_KEY_FILE");
	if (argc == 1)
		path = argv[0];
	else if (argc == 2 && strcmp(argv[0], "--log-key") == 0)
		path = argv[1];
	else if (argc != 0) {
		fprintf(stderr, "%s", usage);
		return 2;
	}
	if (!path || !*path) {
		fprintf(stderr,
		        "log key: name the signing key file (log key FILE, --log-key FILE or "
		        "LOG_KEY_FILE)\n");
		return 2;
	}
	struct note_key k;
	char err[512], vkey[NOTE_KEY_TEXT_MAX];
	if (tlog_key_load(path, &k, err, sizeof(err)) < 0 ||
	    note_verifier_key(&k, vkey, sizeof(vkey)) < 0) {
		fprintf(stderr, "log key: %s\n", err);
		return 1;
	}
	printf("%s\n", vkey);
	return 0;
}

static int cmd_verify(int argc, char **argv)
{
	const char *url = getenv("DATABASE_URL"), *vkey = NULL, *path = getenv("LOG_KEY_FILE");
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--verifier-key") == 0 && i + 1 < argc) {
			vkey = argv[++i];
		} else if (strcmp(argv[i], "--log-key") == 0 && i + 1 < argc) {
			path = argv[++i];
		} else {
			fprintf(stderr, "log verify: unexpected \"%s\"\n%s", argv[i], usage);
			return 2;
		}
	}
	if (!url) {
		fprintf(stderr, "log verify: set DATABASE_URL to the database to check\n");
		return 2;
	}
	struct note_key key;
	char err[512];
	bool pinned = false;
	if (vkey) {
		if (note_key_parse(vkey, &key, err, sizeof(err)) < 0) {
			fprintf(stderr, "log verify: --verifier-key: %s\n", err);
			return 2;
		}
		pinned = true;
	} else if (path && *path) {
		if (tlog_key_load(path, &key, err, sizeof(err)) < 0) {
			fprintf(stderr, "log verify: %s\n", err);
			return 2;
		}
		pinned = true;
	}
	db_configure(url, 600000);
	tlog_register_statements();
	return tlog_verify(pinned ? &key : NULL, false);
}

int log_command(int argc, char **argv)
{
	if (argc < 1) {
		fprintf(stderr, "%s", usage);
		return 2;
	}
	if (strcmp(argv[0], "keygen") == 0)
		return cmd_keygen(argc - 1, argv + 1);
	if (strcmp(argv[0], "key") == 0)
		return cmd_key(argc - 1, argv + 1);
	if (strcmp(argv[0], "verify") == 0)
		return cmd_verify(argc - 1, argv + 1);
	fprintf(stderr, "log: unknown command \"%s\"\n%s", argv[0], usage);
	return 2;
}
