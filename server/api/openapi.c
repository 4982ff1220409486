/* The OpenAPI document as served: the repository's document (embedded at build time) with the
 * pollutant and land-use enumerations built from the reference data the server holds, so
 * that the document never disagrees with the tables, also after `soilshare reference load`. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "embedded.h"
#include "refdata.h"
#include "strbuf.h"

/* PollutantCode: every code with its Chinese name, where it comes from and its CAS number. */
static json_t *pollutant_schema(const struct refdata *r)
{
	json_t *codes = json_array(), *names = json_object();
	for (size_t i = 0; i < r->n_pollutants; i++) {
		const struct ref_pollutant *p = &r->pollutants[i];
		json_array_append_new(codes, json_string(p->code));
		char text[256];
		snprintf(text, sizeof(text), "%s (%s%s%s)", p->name_zh,
		         strcmp(p->standard, "GB36600") == 0 ? "GB 36600" : "GB 15618",
		         p->cas[0] ? ", CAS " : "", p->cas);
		json_object_set_new(names, p->code, json_string(text));
	}
	char desc[1024];
	snprintf(desc, sizeof(desc),
	         "A pollutant code of the reference tables (%zu codes): every item of GB "
	         "36600-2018 Tables 1 and 2 (85, petroleum hydrocarbons C10–C40 included) and "
	         "the GB 15618-2018 items GB 36600 lacks (total `Cr`, `Zn`, `hch_total`, "
	         "`ddt_total`). `x-enumDescriptions` gives each code's Chinese name (检测项目), "
	         "its standard and CAS number. The server builds this list from its reference "
	         "tables, which the ecology bureau can correct as data (`soilshare reference "
	         "load`): the document served follows them.",
	         r->n_pollutants);
	return json_pack("{s:s, s:s, s:o, s:o, s:[s]}", "type", "string", "description", desc,
	                 "enum", codes, "x-enumDescriptions", names, "examples", "As");
}

/* LandUseCode: the GB 50137 prefixes (a pattern) or the listed 用地用海 codes (an enum). */
static json_t *land_use_schema(const struct refdata *r)
{
	struct strbuf prefixes;
	strbuf_init(&prefixes, 1024);
	char letters[32] = {0}; /* the major-class letters of the prefixes, sorted */
	size_t n_letters = 0;
	json_t *codes = json_array(), *names = json_object();
	for (size_t i = 0; i < r->n_land_uses; i++) {
		const struct ref_land_use *u = &r->land_uses[i];
		const char *cls = u->land_class[0] ? u->land_class : NULL;
		char text[256];
		snprintf(text, sizeof(text), "%s: %s%s%s", u->name_zh,
		         cls ? "class " : "not construction land (judged as class I)",
		         cls ? cls : "", u->sensitive ? ", sensitive (task 5)" : "");
		if (u->prefix) {
			strbuf_addf(&prefixes, "\n- `%s`: %s", u->code, text);
			size_t at = 0;
			while (at < n_letters && letters[at] < u->code[0])
				at++;
			if ((at == n_letters || letters[at] != u->code[0]) &&
			    n_letters < sizeof(letters)) {
				memmove(letters + at + 1, letters + at, n_letters - at);
				letters[at] = u->code[0];
				n_letters++;
			}
		} else {
			json_array_append_new(codes, json_string(u->code));
			json_object_set_new(names, u->code, json_string(text));
		}
	}
	char pattern[64];
	snprintf(pattern, sizeof(pattern), "^[%.*s][0-9]{0,3}(-C)?$", (int)n_letters, letters);
	struct strbuf desc;
	strbuf_init(&desc, 2048);
	strbuf_addf(
	    &desc,
	    "A land-use code in either coding planning uses; both map to a GB 36600 land "
	    "class (I: sensitive land such as housing and schools; II: other construction "
	    "land) and to the task-5 sensitive-use flag through reference data:\n\n"
	    "- a GB 50137-2011 code such as `R2`, `A33` or `M1` (a major-class letter, up "
	    "to three digits, optionally `-C`), which must fall under a listed prefix; the "
	    "longest matching prefix decides:%s\n"
	    "- a code of the 2023 national land and sea use classification "
	    "(国土空间调查、规划、用途管制用地用海分类指南, levels 1–3), listed exactly, such "
	    "as `0701` or `080403` (%zu codes, named in `x-enumDescriptions`). Codes that "
	    "are not construction land (farmland, forest, water) give a plot no "
	    "`land_class`; its samples are judged as class I, the stricter.\n\n"
	    "`G1-C` is this service's code for community and children's parks, which GB "
	    "36600 puts in class I but GB 50137 gives no code of their own. The lists come "
	    "from the server's reference tables (`soilshare reference load` corrects "
	    "them), and the document served follows them.",
	    prefixes.buf ? prefixes.buf : "", json_array_size(codes));
	json_t *s = json_pack("{s:s, s:s, s:i, s:[{s:s, s:s}, {s:s, s:o, s:o}], s:[s,s,s,s]}",
	                      "type", "string", "description", desc.buf, "maxLength", 6, "anyOf",
	                      "title", "GB 50137-2011", "pattern", pattern, "title",
	                      "用地用海 (2023)", "enum", codes, "x-enumDescriptions", names,
	                      "examples", "R2", "A33", "0701", "080403");
	strbuf_release(&desc);
	strbuf_release(&prefixes);
	return s;
}

char *openapi_document(const struct refdata *r, size_t *len)
{
	json_error_t err;
	json_t *doc = json_loadb(embedded_openapi, embedded_openapi_len, 0, &err);
	json_t *schemas = json_object_get(json_object_get(doc, "components"), "schemas");
	if (!schemas) {
		json_decref(doc);
		return NULL;
	}
	json_object_set_new(schemas, "PollutantCode", pollutant_schema(r));
	json_object_set_new(schemas, "LandUseCode", land_use_schema(r));
	struct strbuf out;
	strbuf_init(&out, embedded_openapi_len + 65536);
	char *text = json_dumps(doc, JSON_INDENT(2) | JSON_REAL_PRECISION(15));
	json_decref(doc);
	if (!text) {
		strbuf_release(&out);
		return NULL;
	}
	strbuf_addf(&out, "%s\n", text);
	free(text);
	return strbuf_detach(&out, len);
}

/* The served version, shared by reference count: a reload never frees a document being sent. */
struct served {
	atomic_int refs;
	size_t len;
	char *text;
};

static pthread_mutex_t served_lock = PTHREAD_MUTEX_INITIALIZER;
static struct served *served;

static void served_release(void *cls)
{
	struct served *s = cls;
	if (s && atomic_fetch_sub(&s->refs, 1) == 1) {
		free(s->text);
		free(s);
	}
}

int openapi_refresh(void)
{
	struct served *s = calloc(1, sizeof(*s));
	if (!s)
		return -1;
	s->text = openapi_document(refdata_hold(), &s->len);
	refdata_release();
	if (!s->text) {
		free(s);
		return -1;
	}
	atomic_init(&s->refs, 1);
	pthread_mutex_lock(&served_lock);
	struct served *old = served;
	served = s;
	pthread_mutex_unlock(&served_lock);
	served_release(old);
	return 0;
}

void handle_openapi(struct request *req)
{
	pthread_mutex_lock(&served_lock);
	struct served *s = served;
	if (s)
		atomic_fetch_add(&s->refs, 1);
	pthread_mutex_unlock(&served_lock);
	if (!s) {
		respond_static(req, 200, "application/json", embedded_openapi,
		               embedded_openapi_len);
		return;
	}
	respond_borrowed(req, 200, "application/json", s->text, s->len, served_release, s, NULL);
}
