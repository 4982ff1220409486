/* The bench's ceiling H: a bare libmicrohttpd server answering fixed bytes from memory, with
 * the same threading as soilshare (epoll thread pool) and the response queued on the second
 * call of the access handler, as soilshare does to keep connections alive. */
#include <microhttpd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *body;
static size_t body_len;

static enum MHD_Result answer(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *data,
                              size_t *size, void **state)
{
	(void)cls;
	(void)url;
	(void)method;
	(void)version;
	(void)data;
	static int first_call_marker;
	if (!*state) {
		*state = &first_call_marker;
		return MHD_YES;
	}
	*size = 0;
	struct MHD_Response *r =
	    MHD_create_response_from_buffer(body_len, body, MHD_RESPMEM_PERSISTENT);
	MHD_add_response_header(r, "Content-Type", "application/json");
	enum MHD_Result ok = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ok;
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: bare PORT THREADS BODY_FILE\n");
		return 2;
	}
	FILE *f = fopen(argv[3], "rb");
	if (!f)
		return 1;
	fseek(f, 0, SEEK_END);
	body_len = (size_t)ftell(f);
	fseek(f, 0, SEEK_SET);
	body = malloc(body_len);
	if (fread(body, 1, body_len, f) != body_len)
		return 1;
	fclose(f);
	struct MHD_Daemon *d = MHD_start_daemon(
	    MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC, (uint16_t)atoi(argv[1]), NULL, NULL,
	    answer, NULL, MHD_OPTION_THREAD_POOL_SIZE, (unsigned)atoi(argv[2]),
	    MHD_OPTION_CONNECTION_LIMIT, 4096u, MHD_OPTION_CONNECTION_TIMEOUT, 30u, MHD_OPTION_END);
	if (!d)
		return 1;
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, NULL);
	int sig;
	sigwait(&set, &sig);
	MHD_stop_daemon(d);
	return 0;
}
