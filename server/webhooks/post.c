/* One attempt of a delivery over HTTP: signed with the Standard Webhooks headers, no
 * redirects, a 10 s limit, and a connection only to an address of the allowed networks,
 * whatever the host resolves to at the time. */
#include <curl/curl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#include "webhooks.h"
#include "webhooks_internal.h"

#define TIMEOUT_MS 10000L

/* Connects only to addresses inside the allowed networks, whatever the host resolved to. */
static curl_socket_t open_socket(void *cls, curlsocktype purpose, struct curl_sockaddr *address)
{
	struct webhook_attempt *a = cls;
	unsigned char bytes[16];
	char text[64];
	int family = webhook_sockaddr(&address->addr, bytes, text, sizeof(text));
	if (purpose != CURLSOCKTYPE_IPCXN || !family ||
	    !webhook_allow_contains(&webhook_settings.allow, family, bytes)) {
		a->refused = true;
		snprintf(a->refused_addr, sizeof(a->refused_addr), "%s", text);
		return CURL_SOCKET_BAD;
	}
	return socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
}

static size_t discard(char *data, size_t size, size_t nmemb, void *cls)
{
	(void)data;
	(void)cls;
	return size * nmemb;
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *cls)
{
	struct webhook_attempt *a = cls;
	size_t n = size * nmemb;
	if (n > 12 && n < 256 && strncasecmp(data, "Retry-After:", 12) == 0) {
		char value[256];
		memcpy(value, data + 12, n - 12);
		value[n - 12] = '\0';
		value[strcspn(value, "\r\n")] = '\0';
		a->retry_after = webhook_retry_after(value, time(NULL));
	}
	return n;
}

/* Stops a transfer when the server is stopping. */
static int on_progress(void *cls, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
	const atomic_bool *running = cls;
	(void)dt;
	(void)dn;
	(void)ut;
	(void)un;
	return atomic_load(running) ? 0 : 1;
}

/* Posts the delivery once. */
void webhook_post(CURL *curl, const char *url, const char *msg_id, const char *secret,
                  const char *previous, const char *body, const atomic_bool *running,
                  struct webhook_attempt *a)
{
	memset(a, 0, sizeof(*a));
	a->retry_after = -1;
	long long ts = (long long)time(NULL);
	char sig[WEBHOOK_SIGNATURE_SIZE], old[WEBHOOK_SIGNATURE_SIZE];
	if (webhook_sign(secret, msg_id, ts, body, strlen(body), sig) < 0) {
		snprintf(a->error, sizeof(a->error), "the subscription's secret cannot sign");
		return;
	}
	bool two = previous && webhook_sign(previous, msg_id, ts, body, strlen(body), old) == 0;
	char h_id[128], h_ts[64], h_sig[160];
	snprintf(h_id, sizeof(h_id), "webhook-id: %s", msg_id);
	snprintf(h_ts, sizeof(h_ts), "webhook-timestamp: %lld", ts);
	snprintf(h_sig, sizeof(h_sig), "webhook-signature: %s%s%s", sig, two ? " " : "",
	         two ? old : "");
	struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
	h = curl_slist_append(h, h_id);
	h = curl_slist_append(h, h_ts);
	h = curl_slist_append(h, h_sig);
	h = curl_slist_append(h, "User-Agent: soilshare-webhooks/1");
	h = curl_slist_append(h, "Expect:");
	char errbuf[CURL_ERROR_SIZE] = "";
	curl_easy_reset(curl);
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(curl, CURLOPT_PROXY, "");
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, TIMEOUT_MS);
	curl_easy_setopt(curl, CURLOPT_POST, 1L);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(curl, CURLOPT_OPENSOCKETFUNCTION, open_socket);
	curl_easy_setopt(curl, CURLOPT_OPENSOCKETDATA, a);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(curl, CURLOPT_HEADERDATA, a);
	curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(curl, CURLOPT_XFERINFODATA, (void *)running);
	curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
	CURLcode rc = curl_easy_perform(curl);
	curl_slist_free_all(h);
	if (rc == CURLE_OK) {
		curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &a->status);
		return;
	}
	if (a->refused)
		snprintf(a->error, sizeof(a->error),
		         "not sent: the host resolves to %s, outside the networks this server may "
		         "deliver to (%s)",
		         a->refused_addr, webhook_settings.allow_text);
	else
		snprintf(a->error, sizeof(a->error), "no answer: %s",
		         errbuf[0] ? errbuf : curl_easy_strerror(rc));
}
