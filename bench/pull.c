/* The bench's feed client: follows /v1/changes from the start with one keep-alive connection
 * until an empty page, as an agency's sync job would; prints the number of pages. */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collect.h"

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: pull BASE_URL KEY DATASETS\n");
		return 2;
	}
	CURL *c = curl_easy_init();
	struct curl_slist *h = NULL;
	char auth[256], url[1024], cursor[128] = "";
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", argv[2]);
	h = curl_slist_append(h, auth);
	struct buf b = {0};
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	int pages = 0;
	for (;;) {
		snprintf(url, sizeof(url), "%s/v1/changes?limit=1000&datasets=%s%s%s", argv[1],
		         argv[3], cursor[0] ? "&cursor=" : "", cursor);
		curl_easy_setopt(c, CURLOPT_URL, url);
		b.n = 0;
		long status = 0;
		if (curl_easy_perform(c) != CURLE_OK ||
		    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status) != CURLE_OK ||
		    status != 200) {
			fprintf(stderr, "pull: request failed (HTTP %ld)\n", status);
			return 1;
		}
		if (strncmp(b.p, "{\"changes\":[]", 13) == 0)
			break;
		const char *nc = strstr(b.p + (b.n > 200 ? b.n - 200 : 0), "\"next_cursor\":\"");
		if (!nc) {
			fprintf(stderr, "pull: no next_cursor\n");
			return 1;
		}
		nc += 15;
		size_t len = strcspn(nc, "\"");
		if (len >= sizeof(cursor))
			return 1;
		memcpy(cursor, nc, len);
		cursor[len] = '\0';
		pages++;
	}
	printf("%d\n", pages);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	free(b.p);
	return 0;
}
