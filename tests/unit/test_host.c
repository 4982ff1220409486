/* http_host_valid: the Host header values that absolute links may be built from. */
#include <criterion/criterion.h>

#include "http.h"

Test(http_host_valid, names_addresses_and_ports)
{
	static const char *const good[] = {
	    "localhost",
	    "127.0.0.1",
	    "127.0.0.1:8080",
	    "soil.beijing.gov.cn",
	    "soil-share.example:443",
	    "[::1]",
	    "[::1]:8080",
	    "[2001:db8::1]:80",
	    "a",
	};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		cr_assert(http_host_valid(good[i]), "\"%s\" was refused", good[i]);
}

Test(http_host_valid, refuses_what_would_change_a_url)
{
	static const char *const bad[] = {
	    "",
	    ":8080",
	    "host:",
	    "host:80a",
	    "host:123456",
	    "host/evil",
	    "host?x=1",
	    "host#x",
	    "user@host",
	    "host name",
	    "host\"><script>",
	    "[::1",
	    "[]",
	    "[::1]x",
	    "[::1]:",
	    "[fe80::1%eth0]",
	    "hôst",
	    "host:80:90",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert(!http_host_valid(bad[i]), "\"%s\" was taken", bad[i]);
}
