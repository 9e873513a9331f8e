/* validate.c — see validate.h. Error texts follow Phantom where known (phantom-api.md §3, §9). */
#include "tests/tools/phantom-emu/validate.h"

#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "tests/tools/phantom-emu/isotime.h"

static const char *const statuses[] = { "new", "open", "closed", NULL };
static const char *const sensitivities[] = { "white", "green", "amber", "red", NULL };
static const char *const container_types[] = { "default", "case", NULL };
static const char *const note_types[] = { "general", "artifact", "task", NULL };
static const char *const note_formats[] = { "markdown", "html", NULL };
static const char *const kill_chains[] = {
	"Reconnaissance", "Weaponization", "Delivery", "Exploitation", "Installation",
	"Command & Control", "Actions on Objectives", NULL,
};

static bool in_list(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(s, *list) == 0)
			return true;
	return false;
}

static bool in_vec(const char *s, char *const *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(s, v[i]) == 0)
			return true;
	return false;
}

/* A string field: absent is fine unless required; null is fine when nullable. */
static bool take_string(const json_t *in, json_t *out, const char *key, bool required,
			bool nullable, char **err)
{
	json_t *v = json_object_get(in, key);
	if (!v || (json_is_null(v) && nullable)) {
		if (required && !v) {
			*err = xasprintf("%s is required", key);
			return false;
		}
		if (v)
			json_object_set(out, key, v);
		return true;
	}
	if (!json_is_string(v) || (required && json_string_length(v) == 0)) {
		*err = xasprintf(json_is_string(v) ? "%s may not be blank" : "%s must be a string", key);
		return false;
	}
	json_object_set(out, key, v);
	return true;
}

/* A string that must be one of `list`; `err_fmt` gets the offending value. */
static bool take_enum(const json_t *in, json_t *out, const char *key, const char *const *list,
		      const char *err_fmt, char **err)
{
	json_t *v = json_object_get(in, key);
	if (!v)
		return true;
	if (!json_is_string(v)) {
		*err = xasprintf("%s must be a string", key);
		return false;
	}
	if (!in_list(json_string_value(v), list)) {
		*err = xasprintf(err_fmt, json_string_value(v));
		return false;
	}
	json_object_set(out, key, v);
	return true;
}

static bool take_severity(const json_t *in, json_t *out, const struct vocab *vc, char **err)
{
	json_t *v = json_object_get(in, "severity");
	if (!v)
		return true;
	if (!json_is_string(v) || !in_vec(json_string_value(v), vc->severities, vc->nseverities)) {
		*err = xstrdup("Severity matching query does not exist.");
		return false;
	}
	json_object_set(out, "severity", v);
	return true;
}

/* Phantom lower-cases the status name; a non-string fails there too. */
static bool take_status(const json_t *in, json_t *out, char **err)
{
	json_t *v = json_object_get(in, "status");
	if (!v)
		return true;
	if (!json_is_string(v)) {
		*err = xstrdup("status must be a status name (string)");
		return false;
	}
	char *low = xstrdup(json_string_value(v));
	for (char *p = low; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	bool ok = in_list(low, statuses);
	if (ok)
		json_object_set_new(out, "status", json_string(low));
	else
		*err = xstrdup("Status matching query does not exist.");
	free(low);
	return ok;
}

static bool take_object(const json_t *in, json_t *out, const char *key, char **err)
{
	json_t *v = json_object_get(in, key);
	if (!v)
		return true;
	if (!json_is_object(v)) {
		*err = xasprintf("%s must be a JSON object", key);
		return false;
	}
	json_object_set(out, key, v);
	return true;
}

static bool take_tags(const json_t *in, json_t *out, char **err)
{
	json_t *v = json_object_get(in, "tags");
	if (!v)
		return true;
	bool ok = json_is_array(v);
	size_t i;
	json_t *t;
	json_array_foreach(v, i, t)
		ok = ok && json_is_string(t);
	if (!ok) {
		*err = xstrdup("tags must be a list of strings");
		return false;
	}
	json_object_set(out, "tags", v);
	return true;
}

static bool take_bool(const json_t *in, json_t *out, const char *key, char **err)
{
	json_t *v = json_object_get(in, key);
	if (!v)
		return true;
	if (!json_is_boolean(v)) {
		*err = xasprintf("%s must be true or false", key);
		return false;
	}
	json_object_set(out, key, v);
	return true;
}

/* A timestamp, stored normalised to Phantom's own format. */
static bool take_time(const json_t *in, json_t *out, const char *key, char **err)
{
	json_t *v = json_object_get(in, key);
	if (!v)
		return true;
	if (json_is_null(v)) {
		json_object_set(out, key, v);
		return true;
	}
	int64_t ns;
	if (!json_is_string(v) || isotime_parse(json_string_value(v), &ns) != 0) {
		*err = xasprintf("%s: invalid ISO-8601 timestamp", key);
		return false;
	}
	char buf[ISOTIME_LEN];
	isotime_format(ns, buf);
	json_object_set_new(out, key, json_string(buf));
	return true;
}

static bool id_value(const json_t *v, uint64_t *id)
{
	if (json_is_integer(v) && json_integer_value(v) > 0) {
		*id = (uint64_t)json_integer_value(v);
		return true;
	}
	const char *s = json_string_value(v);
	if (!s || !*s || strlen(s) > 18 || strspn(s, "0123456789") != strlen(s))
		return false;
	*id = strtoull(s, NULL, 10);
	return *id > 0;
}

/* A reference to another record (owner_id -> owner); null clears it. */
static bool take_ref(const json_t *in, json_t *out, const char *key, const char *as, char **err)
{
	json_t *v = json_object_get(in, key);
	uint64_t id;
	if (!v)
		return true;
	if (json_is_null(v)) {
		json_object_set(out, as, v);
		return true;
	}
	if (!id_value(v, &id)) {
		*err = xasprintf("\"%s\" Not found", key);
		return false;
	}
	json_object_set_new(out, as, json_integer((json_int_t)id));
	return true;
}

int validate_id(const json_t *in, const char *key, uint64_t *id, char **err)
{
	json_t *v = json_object_get(in, key);
	if (!v) {
		*err = xasprintf("%s is required", key);
		return -1;
	}
	if (!id_value(v, id)) {
		*err = xasprintf("%s must be a record id", key);
		return -1;
	}
	return 0;
}

static json_t *finish(json_t *out, bool ok)
{
	if (ok)
		return out;
	json_decref(out);
	return NULL;
}

json_t *validate_container(const json_t *in, bool create, const struct vocab *vc, char **err)
{
	json_t *out = json_object();
	bool ok = take_string(in, out, "name", create, false, err);
	json_t *label = json_object_get(in, "label");
	if (ok && (label || create)) {
		if (!json_is_string(label)) {
			*err = xstrdup(label ? "label must be a string" : "label is required");
			ok = false;
		} else if (!in_vec(json_string_value(label), vc->labels, vc->nlabels)) {
			*err = xasprintf("%s is not a known label.", json_string_value(label));
			ok = false;
		} else {
			json_object_set(out, "label", label);
		}
	}
	ok = ok && take_string(in, out, "description", false, true, err);
	ok = ok && take_severity(in, out, vc, err);
	ok = ok && take_status(in, out, err);
	ok = ok && take_enum(in, out, "sensitivity", sensitivities,
			     "\"%s\" is not a valid choice for sensitivity.", err);
	ok = ok && take_enum(in, out, "container_type", container_types,
			     "\"%s\" is not a valid choice for container_type.", err);
	ok = ok && take_string(in, out, "source_data_identifier", false, true, err);
	ok = ok && take_tags(in, out, err);
	ok = ok && take_object(in, out, "data", err);
	ok = ok && take_object(in, out, "custom_fields", err);
	ok = ok && take_ref(in, out, "owner_id", "owner", err);
	ok = ok && take_ref(in, out, "asset_id", "asset", err);
	ok = ok && take_ref(in, out, "ingest_app_id", "ingest_app", err);
	ok = ok && take_time(in, out, "start_time", err);
	ok = ok && take_time(in, out, "end_time", err);
	ok = ok && take_time(in, out, "due_time", err);
	ok = ok && take_time(in, out, "close_time", err);
	ok = ok && take_enum(in, out, "kill_chain", kill_chains,
			     "\"%s\" is not a valid choice for kill_chain.", err);
	ok = ok && take_bool(in, out, "run_automation", err);
	json_t *arts = json_object_get(in, "artifacts");
	if (ok && create && arts && !json_is_array(arts)) {
		*err = xstrdup("artifacts must be a list");
		ok = false;
	}
	return finish(out, ok);
}

json_t *validate_artifact(const json_t *in, bool create, const struct vocab *vc, char **err)
{
	(void)create;  /* an artifact has no required content fields */
	json_t *out = json_object();
	bool ok = take_string(in, out, "name", false, true, err);
	ok = ok && take_string(in, out, "label", false, true, err);
	ok = ok && take_string(in, out, "type", false, true, err);
	ok = ok && take_string(in, out, "description", false, true, err);
	ok = ok && take_string(in, out, "source_data_identifier", false, true, err);
	ok = ok && take_severity(in, out, vc, err);
	ok = ok && take_object(in, out, "cef", err);
	ok = ok && take_object(in, out, "cef_types", err);
	ok = ok && take_object(in, out, "data", err);
	ok = ok && take_tags(in, out, err);
	ok = ok && take_time(in, out, "start_time", err);
	ok = ok && take_time(in, out, "end_time", err);
	ok = ok && take_enum(in, out, "kill_chain", kill_chains,
			     "\"%s\" is not a valid choice for kill_chain.", err);
	ok = ok && take_ref(in, out, "owner_id", "owner", err);
	ok = ok && take_ref(in, out, "ingest_app_id", "ingest_app", err);
	ok = ok && take_bool(in, out, "run_automation", err);
	return finish(out, ok);
}

json_t *validate_note(const json_t *in, char **err)
{
	json_t *out = json_object();
	bool ok = take_string(in, out, "title", true, false, err);
	ok = ok && take_string(in, out, "content", true, false, err);
	if (ok && !json_object_get(in, "note_type")) {
		*err = xstrdup("note_type is required");
		ok = false;
	}
	ok = ok && take_enum(in, out, "note_type", note_types,
			     "\"%s\" is not a valid choice for note_type.", err);
	ok = ok && take_enum(in, out, "note_format", note_formats,
			     "\"%s\" is not a valid choice for note_format.", err);
	/* The bulk docs call it phase_id, Splunk's connector sends phase. */
	ok = ok && take_ref(in, out, "phase_id", "phase", err);
	ok = ok && take_ref(in, out, "phase", "phase", err);
	return finish(out, ok);
}

json_t *validate_comment(const json_t *in, char **err)
{
	json_t *out = json_object();
	bool ok = take_string(in, out, "comment", true, false, err);
	return finish(out, ok);
}
