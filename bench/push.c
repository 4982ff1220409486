/* The bench's publishing client: posts each file (a JSON array of records) to
 * /v1/{dataset} in turn over one keep-alive connection, as an agency's loading script would;
 * a 503 (the server busy or the database away) is sent again after a second, up to three
 * times. Prints how many requests were sent again; exits 1 on any other answer than 200. */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collect.h"

static char *slurp(const char *path, long *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *p = NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (*len = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (p = malloc((size_t)*len + 1)) != NULL &&
	    fread(p, 1, (size_t)*len, f) != (size_t)*len) {
		free(p);
		p = NULL;
	}
	fclose(f);
	return p;
}

int main(int argc, char **argv)
{
	if (argc < 5) {
		fprintf(stderr, "usage: push BASE_URL KEY DATASET FILE...\n");
		return 2;
	}
	CURL *c = curl_easy_init();
	struct curl_slist *h = NULL;
	char auth[256], url[1024];
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", argv[2]);
	snprintf(url, sizeof(url), "%s/v1/%s", argv[1], argv[3]);
	h = curl_slist_append(h, auth);
	h = curl_slist_append(h, "Content-Type: application/json");
	h = curl_slist_append(h, "Expect:"); /* no 100-continue round trip */
	struct buf b = {0};
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	int retries = 0;
	for (int i = 4; i < argc; i++) {
		long len = 0;
		char *body = slurp(argv[i], &len);
		if (!body) {
			fprintf(stderr, "push: cannot read %s\n", argv[i]);
			return 1;
		}
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
		long status = 0;
		for (int attempt = 1;; attempt++) {
			b.n = 0;
			status = 0;
			if (curl_easy_perform(c) != CURLE_OK ||
			    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status) != CURLE_OK)
				status = 0;
			if (status != 503 || attempt == 4)
				break;
			retries++;
			fprintf(stderr, "push: %s answered 503; sending it again\n", argv[i]);
			sleep(1);
		}
		free(body);
		if (status != 200) {
			fprintf(stderr, "push: %s answered %ld: %s\n", argv[i], status,
			        b.p ? b.p : "");
			return 1;
		}
	}
	printf("%d\n", retries);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	free(b.p);
	return 0;
}
