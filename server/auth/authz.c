/* Authorisation of writes (SPEC §3): publishers, district scope, ownership. Pure. */
#include <stdio.h>
#include <string.h>

#include "auth.h"
#include "lifecycle.h"

const char *identity_publisher(const struct identity *id)
{
	return id->agency;
}

bool authz_may_publish(const struct dataset *ds, const struct identity *who)
{
	return dataset_publisher(ds, who->agency);
}

bool authz_can_write(const struct dataset *ds, const struct identity *who,
                     const char *old_publisher, const char *old_district, const char *new_district,
                     char *msg, size_t size)
{
	if (!authz_may_publish(ds, who)) {
		snprintf(msg, size, "agency %s does not publish %s; its publishers are the %s",
		         who->agency, ds->name,
		         ds->publishers[1] ? "agencies listed in GET /v1/datasets"
		                           : ds->publishers[0]);
		return false;
	}
	bool district_key = who->district[0] != '\0';
	if (district_key) {
		if (old_district && strcmp(old_district, who->district) != 0) {
			snprintf(
			    msg, size,
			    "this key writes records of district %s only; the record belongs to "
			    "district %s",
			    who->district, old_district);
			return false;
		}
		if (new_district && strcmp(new_district, who->district) != 0) {
			snprintf(msg, size,
			         "this key writes records of district %s only; the record names "
			         "district %s",
			         who->district, new_district);
			return false;
		}
	}
	if (old_publisher && strcmp(old_publisher, who->agency) != 0) {
		bool shared = ds->shared_with_district &&
		              ((strcmp(old_publisher, "district") == 0 &&
		                strcmp(who->agency, "ecology") == 0) ||
		               (strcmp(old_publisher, "ecology") == 0 && district_key));
		if (!shared) {
			snprintf(msg, size,
			         "the record was published by %s; only its publisher may change it",
			         old_publisher);
			return false;
		}
	}
	return true;
}

/* The 名录 is the municipal ecology bureau's decision (Soil Pollution Law arts. 58, 66). */
static bool is_ecology(const struct identity *who)
{
	return strcmp(who->agency, "ecology") == 0;
}

bool authz_can_set_status(const struct identity *who, const char *from, const char *to, char *msg,
                          size_t size)
{
	if (is_ecology(who) || !to)
		return true;
	if (!from && (lifecycle_in_directory(to) || strcmp(to, "delisted") == 0)) {
		snprintf(msg, size,
		         "only an ecology key creates a plot already %s: the risk control and "
		         "remediation directory (名录) is the ecology bureau's decision (Soil "
		         "Pollution Law arts. 58 and 66); publish it as its survey stage, or ask "
		         "the ecology bureau",
		         to);
		return false;
	}
	if (from && strcmp(from, to) != 0 &&
	    (strcmp(to, "listed") == 0 || strcmp(to, "delisted") == 0)) {
		snprintf(msg, size,
		         "only an ecology key moves a plot into %s: listing and delisting are the "
		         "ecology bureau's decision (Soil Pollution Law arts. 58 and 66)",
		         to);
		return false;
	}
	return true;
}

bool authz_can_delete_status(const struct identity *who, const char *status, char *msg, size_t size)
{
	if (is_ecology(who) || !status || strcmp(status, "suspected") == 0)
		return true;
	snprintf(msg, size,
	         "a district key deletes only a suspected plot (a mistaken entry); this plot is "
	         "%s, so only an ecology key may delete it",
	         status);
	return false;
}
