/* The public page and the dashboard of a server started with --map-tiles: the template reaches
 * the pages' settings as JSON that no HTML parser can break out of, and the pages may load its
 * images. */
#include <criterion/criterion.h>
#include <string.h>

#include "harness.h"
#include "spawn.h"

Test(pages_tiles, template_reaches_the_page_escaped, .timeout = 60, .fini = server_kill)
{
	char url[128], page[160];
	const char *flags[] = {"--map-tiles",
	                       "https://t.example/{z}/{x}/{y}.png?k=</script><script>alert(1)"
	                       "</script>&a=\"",
	                       NULL};
	server_spawn(url, sizeof(url), flags);
	static const char *const pages[] = {"/public/", "/dashboard/"};
	for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
		snprintf(page, sizeof(page), "%s%s", url, pages[i]);
		struct resp *r = call_url("GET", page, NULL, NULL, NULL);
		cr_assert_eq(r->status, 200, "%s", r->body);
		cr_assert(strstr(r->body, "<script type=\"application/json\" id=\"settings\">"
		                          "{\"tiles\":\"https://t.example/{z}/{x}/{y}.png?k="
		                          "\\u003c/script\\u003e\\u003cscript\\u003ealert(1)"
		                          "\\u003c/script\\u003e\\u0026a=\\\"\"}</script>"),
		          "%s: the template is in the settings, escaped:\n%s", pages[i], r->body);
		cr_assert_null(strstr(r->body, "alert(1)</script>"), "nothing of it is markup");
		const char *csp = resp_header(r, "Content-Security-Policy");
		cr_assert(csp && strstr(csp, "img-src 'self' https:;"),
		          "%s: the tiles may load: %s", pages[i], csp ? csp : "(none)");
		resp_free(r);
	}
}
