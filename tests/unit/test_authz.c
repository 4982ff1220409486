/* Unit tests of write authorisation (SPEC §3) and API key helpers, server/auth/. */
#include <criterion/criterion.h>
#include <string.h>

#include "auth.h"

static const struct identity ecology = {.key_id = "0123456789ab", .agency = "ecology"};
static const struct identity planning = {.key_id = "0123456789ac", .agency = "planning"};
static const struct identity water = {.key_id = "0123456789ad", .agency = "water"};
static const struct identity chaoyang = {
    .key_id = "0123456789ae", .agency = "district", .district = "110105"};

static const struct dataset *ds(const char *name)
{
	const struct dataset *d = dataset_find(name);
	cr_assert_not_null(d, "dataset %s", name);
	return d;
}

static void allow(const char *dataset, const struct identity *who, const char *old_pub,
                  const char *old_district, const char *new_district)
{
	char msg[256] = "";
	bool ok = authz_can_write(ds(dataset), who, old_pub, old_district, new_district, msg,
	                          sizeof(msg));
	cr_assert(ok, "%s%s%s should write %s (old publisher %s, old district %s, new %s): %s",
	          who->agency, who->district[0] ? " " : "", who->district, dataset,
	          old_pub ? old_pub : "-", old_district ? old_district : "-",
	          new_district ? new_district : "-", msg);
}

static void deny(const char *dataset, const struct identity *who, const char *old_pub,
                 const char *old_district, const char *new_district, const char *needle)
{
	char msg[256] = "";
	bool ok = authz_can_write(ds(dataset), who, old_pub, old_district, new_district, msg,
	                          sizeof(msg));
	cr_assert_not(ok, "%s%s%s must not write %s (old publisher %s, old district %s, new %s)",
	              who->agency, who->district[0] ? " " : "", who->district, dataset,
	              old_pub ? old_pub : "-", old_district ? old_district : "-",
	              new_district ? new_district : "-");
	cr_assert_neq(msg[0], '\0', "a 403 message is given");
	if (needle)
		cr_assert(strstr(msg, needle), "message should mention \"%s\": %s", needle, msg);
}

Test(authz, may_publish)
{
	cr_assert(authz_may_publish(ds("plots"), &ecology), "ecology publishes plots");
	cr_assert(authz_may_publish(ds("plots"), &chaoyang), "a district publishes plots");
	cr_assert(authz_may_publish(ds("supervised-units"), &chaoyang),
	          "a district publishes units");
	cr_assert_not(authz_may_publish(ds("plots"), &planning), "planning does not publish plots");
	cr_assert_not(authz_may_publish(ds("plots"), &water), "water only reads");
	cr_assert(authz_may_publish(ds("land-use-changes"), &planning), "planning posts changes");
	cr_assert_not(authz_may_publish(ds("land-use-changes"), &ecology),
	              "ecology does not post land-use changes");
	cr_assert_not(authz_may_publish(ds("land-use-changes"), &chaoyang),
	              "a district does not post land-use changes");
}

Test(authz, publishers_create)
{
	allow("plots", &ecology, NULL, NULL, "110105");
	allow("plots", &ecology, NULL, NULL, "110108");
	allow("land-use-changes", &planning, NULL, NULL, "110108");
	allow("land-use-changes", &planning, "planning", "110108", "110105");
	allow("supervised-units", &ecology, NULL, NULL, "110101");
}

Test(authz, readers_refused)
{
	deny("plots", &water, NULL, NULL, "110105", "water");
	deny("land-use-changes", &water, NULL, NULL, "110105", NULL);
	deny("supervised-units", &water, "ecology", "110105", "110105", NULL);
	deny("plots", &water, "ecology", "110105", NULL, NULL);
}

Test(authz, non_publishers_refused)
{
	deny("land-use-changes", &ecology, NULL, NULL, "110105", "planning");
	deny("land-use-changes", &chaoyang, NULL, NULL, "110105", NULL);
	deny("plots", &planning, NULL, NULL, "110105", NULL);
}

Test(authz, district_key_own_district)
{
	allow("plots", &chaoyang, NULL, NULL, "110105");
	allow("plots", &chaoyang, "district", "110105", "110105");
	allow("supervised-units", &chaoyang, NULL, NULL, "110105");
	allow("plots", &chaoyang, "district", "110105", NULL); /* delete */
}

Test(authz, district_key_other_district)
{
	deny("plots", &chaoyang, NULL, NULL, "110108", "110108");
	deny("plots", &chaoyang, "district", "110108", "110108", "110108");
	deny("plots", &chaoyang, "district", "110108", NULL, "110108"); /* delete */
	deny("supervised-units", &chaoyang, "ecology", "110108", "110108", NULL);
}

Test(authz, district_key_moving_records)
{
	/* Out of its district. */
	deny("plots", &chaoyang, "district", "110105", "110108", "110108");
	/* Into its district from another. */
	deny("plots", &chaoyang, "district", "110108", "110105", "110108");
	deny("plots", &chaoyang, "ecology", "110108", "110105", NULL);
}

Test(authz, ecology_and_district_share_plots_and_units)
{
	/* Ecology edits a plot a district published. */
	allow("plots", &ecology, "district", "110105", "110105");
	allow("plots", &ecology, "district", "110105", NULL);
	allow("supervised-units", &ecology, "district", "110108", "110108");
	/* Ecology may move a district record between districts: it is not district-scoped. */
	allow("plots", &ecology, "district", "110105", "110108");
	/* A district edits an ecology record of its own district. */
	allow("plots", &chaoyang, "ecology", "110105", "110105");
	allow("supervised-units", &chaoyang, "ecology", "110105", "110105");
}

Test(authz, other_agencies_records_refused)
{
	/* Planning editing an ecology record: not a plots publisher at all. */
	deny("plots", &planning, "ecology", "110105", "110105", NULL);
	/* A land-use change published by someone else than planning is not planning's to change. */
	deny("land-use-changes", &planning, "ecology", "110105", "110105", "ecology");
	/* Sharing is only between ecology and districts. */
	deny("plots", &ecology, "agriculture", "110105", "110105", "agriculture");
	deny("plots", &chaoyang, "agriculture", "110105", "110105", NULL);
}

Test(authz, identity_publisher)
{
	cr_assert_str_eq(identity_publisher(&ecology), "ecology", "agency key");
	cr_assert_str_eq(identity_publisher(&chaoyang), "district",
	                 "district key publishes as district");
}

/* ---------------------------------------------------------------- API keys */

#define SECRET43 "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcde"

Test(api_key, parse_valid)
{
	cr_assert_eq(strlen(SECRET43), KEY_SECRET_LEN, "fixture secret is 43 characters");
	char id[KEY_ID_LEN + 1] = "";
	cr_assert_eq(api_key_parse("ss_0123456789ab_" SECRET43, id, sizeof(id)), 0, "valid key");
	cr_assert_str_eq(id, "0123456789ab", "key id extracted");
	cr_assert_eq(api_key_parse("ss_ffffffffffff____________________________________________",
	                           id, sizeof(id)),
	             0, "underscores are base64url");
	cr_assert_str_eq(id, "ffffffffffff", "key id extracted");
}

Test(api_key, parse_invalid)
{
	static const char *const bad[] = {
	    "",
	    "ss_",
	    "sk_0123456789ab_" SECRET43,     /* wrong prefix */
	    "SS_0123456789ab_" SECRET43,     /* prefix is lower-case */
	    "ss_0123456789AB_" SECRET43,     /* key id is lower-case hex */
	    "ss_0123456789ag_" SECRET43,     /* not hex */
	    "ss_0123456789a_" SECRET43 "x",  /* 11-character id */
	    "ss_0123456789ab-" SECRET43,     /* separator */
	    "ss_0123456789ab_" SECRET43 "x", /* 44-character secret */
	    "ss_0123456789ab_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcd",  /* 42 */
	    "ss_0123456789ab_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789+/abcde", /* base64 */
	    "ss_0123456789ab_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcd=", /* padding */
	    "ss_0123456789ab_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abc d", /* space */
	    " ss_0123456789ab_" SECRET43,                                  /* leading space */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char id[KEY_ID_LEN + 1] = "untouched";
		cr_assert_eq(api_key_parse(bad[i], id, sizeof(id)), -1, "\"%s\" accepted", bad[i]);
	}
	char small[KEY_ID_LEN];
	cr_assert_eq(api_key_parse("ss_0123456789ab_" SECRET43, small, sizeof(small)), -1,
	             "an id buffer without room for the NUL is refused");
}

Test(api_key, hash_known_values)
{
	char out[65];
	api_key_hash("abc", out);
	cr_assert_str_eq(out, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
	                 "SHA-256 of \"abc\"");
	api_key_hash("", out);
	cr_assert_str_eq(out, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	                 "SHA-256 of the empty string");
	char other[65];
	api_key_hash("ss_0123456789ab_" SECRET43, out);
	api_key_hash("ss_0123456789ab_" SECRET43 "", other);
	cr_assert_str_eq(out, other, "hashing is deterministic");
	api_key_hash("ss_0123456789ac_" SECRET43, other);
	cr_assert_str_neq(out, other, "another key, another hash");
	cr_assert_eq(strlen(out), 64, "64 hex characters");
	for (int i = 0; i < 64; i++)
		cr_assert(strchr("0123456789abcdef", out[i]), "lower-case hex: %s", out);
}

/* SPEC §3: the 名录 is ecology's decision. */
Test(authz, listing_and_delisting_need_ecology)
{
	char msg[512];
	const char *into[] = {"listed", "delisted"};
	for (size_t i = 0; i < 2; i++) {
		cr_assert(
		    authz_can_set_status(&ecology, "risk_assessment", into[i], msg, sizeof(msg)));
		cr_assert_not(
		    authz_can_set_status(&chaoyang, "effect_evaluation", into[i], msg, sizeof(msg)),
		    "a district key moves no plot into %s", into[i]);
		cr_assert(strstr(msg, "ecology"), "the message names who may: %s", msg);
	}
	/* Staying, and the steps between, are the district's too. */
	cr_assert(authz_can_set_status(&chaoyang, "listed", "listed", msg, sizeof(msg)));
	cr_assert(authz_can_set_status(&chaoyang, "listed", "under_control", msg, sizeof(msg)));
	cr_assert(authz_can_set_status(&chaoyang, "under_control", "effect_evaluation", msg,
	                               sizeof(msg)));
	cr_assert(authz_can_set_status(&chaoyang, "delisted", "post_management", msg, sizeof(msg)));
}

Test(authz, creating_a_plot_in_the_directory_needs_ecology)
{
	char msg[512];
	const char *refused[] = {"listed", "under_control", "effect_evaluation", "delisted"};
	const char *allowed[] = {
	    "suspected",       "preliminary_survey", "cleared",         "exceeds_screening",
	    "detailed_survey", "risk_assessment",    "post_management", "closed"};
	for (size_t i = 0; i < 4; i++) {
		cr_assert_not(authz_can_set_status(&chaoyang, NULL, refused[i], msg, sizeof(msg)),
		              "%s", refused[i]);
		cr_assert(authz_can_set_status(&ecology, NULL, refused[i], msg, sizeof(msg)));
	}
	for (size_t i = 0; i < 8; i++)
		cr_assert(authz_can_set_status(&chaoyang, NULL, allowed[i], msg, sizeof(msg)), "%s",
		          allowed[i]);
}

Test(authz, district_keys_delete_only_suspected_plots)
{
	char msg[512];
	cr_assert(authz_can_delete_status(&chaoyang, "suspected", msg, sizeof(msg)));
	cr_assert_not(authz_can_delete_status(&chaoyang, "preliminary_survey", msg, sizeof(msg)));
	cr_assert(strstr(msg, "suspected") && strstr(msg, "ecology"), "%s", msg);
	cr_assert_not(authz_can_delete_status(&chaoyang, "listed", msg, sizeof(msg)));
	cr_assert(authz_can_delete_status(&ecology, "listed", msg, sizeof(msg)));
	cr_assert(authz_can_delete_status(&chaoyang, NULL, msg, sizeof(msg)),
	          "a dataset without a status");
}
