/* config_cli.c — the command line: options, actions and the source FILE. */
#include "core/config.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/config_impl.h"
#include "core/secret.h"

static int usage_error(char **err, char *msg)
{
	*err = msg;
	return EXIT_USAGE;
}

static const char secret_cli_msg[] =
	"--%s: passwords and tokens are not accepted on the command line (other users "
	"could read them in the process list); use --%s-file FILE (mode 600), the "
	"%s environment variable, or %s in a mode-600 config file";

void config_cli_push(struct config_priv *p, const struct opt *o, const char *v)
{
	p->cli = xgrow(p->cli, &p->cli_cap, p->ncli + 1, sizeof(*p->cli));
	p->cli[p->ncli++] = (struct cli_arg){ o, xstrdup(v) };
}

/* Handles argv[*i] = "--name[=value]" (value possibly in argv[*i + 1]). */
static int cli_long(struct config *c, int argc, char **argv, int *i, unsigned *actions,
		    char **err)
{
	const char *name = argv[*i] + 2;
	const char *eq = strchr(name, '=');
	size_t nlen = eq ? (size_t)(eq - name) : strlen(name);
	const struct opt *o = opt_find(name, nlen);
	bool neg = false;
	if (!o && nlen > 3 && strncmp(name, "no-", 3) == 0) {
		o = opt_find(name + 3, nlen - 3);
		neg = o && o->type == OT_BOOL;
		if (!neg)
			o = NULL;
	}
	if (!o) {
		if (!log_text_clean(name) || nlen > 60)
			return usage_error(err, xstrdup("unknown option (see --help)"));
		return usage_error(err, xasprintf("unknown option --%.*s (see --help)", (int)nlen, name));
	}
	if (o->flags & OF_FILE_ONLY)
		return usage_error(err, xasprintf(secret_cli_msg, o->name, o->name, o->env, o->name));
	if (o->type == OT_ACTION || neg) {
		if (eq)
			return usage_error(err, xasprintf("--%s%s takes no value", neg ? "no-" : "",
							  o->name));
		if (neg)
			config_cli_push(c->priv, o, "false");
		else
			*actions |= 1u << o->min;
		return EXIT_OK;
	}
	const char *v;
	if (eq)
		v = eq + 1;
	else if (o->type == OT_BOOL)
		v = "true";
	else if (*i + 1 < argc)
		v = argv[++*i];
	else
		return usage_error(err, xasprintf("--%s needs a value (%s)", o->name, o->arg));
	if (o->type == OT_CONFIG) {
		if (!*v || !log_text_clean(v))
			return usage_error(err, xstrdup("--config needs a file name"));
		config_set_str(&c->priv->cli_config, xstrdup(v));
	} else {
		config_cli_push(c->priv, o, v);
	}
	return EXIT_OK;
}

/* "-h", "-V", "-s URL", "-sURL". */
static int cli_short(struct config *c, int argc, char **argv, int *i, unsigned *actions,
		     char **err)
{
	const char *a = argv[*i];
	const struct opt *o = opt_find_short(a[1]);
	if (!o) {
		if (isprint((unsigned char)a[1]))
			return usage_error(err, xasprintf("unknown option -%c (see --help)", a[1]));
		return usage_error(err, xstrdup("unknown option (see --help)"));
	}
	if (o->type == OT_ACTION) {
		if (a[2])
			return usage_error(err, xasprintf("-%c takes no value", a[1]));
		*actions |= 1u << o->min;
		return EXIT_OK;
	}
	const char *v = a[2] ? a + 2 : *i + 1 < argc ? argv[++*i] : NULL;
	if (!v)
		return usage_error(err, xasprintf("-%c needs a value (%s)", a[1], o->arg));
	config_cli_push(c->priv, o, v);
	return EXIT_OK;
}

static int cli_positional(struct config *c, const char *a, char **err)
{
	if (c->source_path)
		return usage_error(err, xstrdup("only one source FILE (or -) may be given"));
	if (!*a || !log_text_clean(a))
		return usage_error(err, xstrdup("the source FILE name is empty or has control characters"));
	c->source_path = xstrdup(a);
	return EXIT_OK;
}

static int cli_actions(struct config *c, unsigned actions, char **err)
{
	if (actions & (1u << ACTION_HELP)) {
		c->action = ACTION_HELP;
	} else if (actions & (1u << ACTION_VERSION)) {
		c->action = ACTION_VERSION;
	} else if (actions & (actions - 1)) {
		const char *names[2];
		int n = 0;
		for (size_t i = 0; i < config_nopts && n < 2; i++)
			if (config_opts[i].type == OT_ACTION && (actions & (1u << config_opts[i].min)))
				names[n++] = config_opts[i].name;
		return usage_error(err, xasprintf("--%s and --%s cannot be used together",
						  names[0], names[1]));
	} else {
		for (int a = 0; actions; a++, actions >>= 1)
			if (actions & 1)
				c->action = (enum config_action)a;
	}
	return EXIT_OK;
}

/* Collects the command line and checks every value on a scratch config, so
 * a bad argument is reported before any file is read. */
int config_cli_scan(struct config *c, int argc, char **argv, char **err)
{
	unsigned actions = 0;
	bool only_files = false;
	int rc = EXIT_OK;
	for (int i = 1; i < argc && rc == EXIT_OK; i++) {
		const char *a = argv[i];
		if (only_files || a[0] != '-' || strcmp(a, "-") == 0)
			rc = cli_positional(c, a, err);
		else if (strcmp(a, "--") == 0)
			only_files = true;
		else if (a[1] == '-')
			rc = cli_long(c, argc, argv, &i, &actions, err);
		else
			rc = cli_short(c, argc, argv, &i, &actions, err);
	}
	if (rc == EXIT_OK)
		rc = cli_actions(c, actions, err);
	if (rc != EXIT_OK || c->action == ACTION_HELP || c->action == ACTION_VERSION)
		return rc;
	struct config scratch;
	config_init(&scratch);
	for (size_t i = 0; i < c->priv->ncli && rc == EXIT_OK; i++) {
		const struct opt *o = c->priv->cli[i].o;
		char *why = config_set_value(&scratch, o, c->priv->cli[i].val);
		if (why) {
			rc = usage_error(err, xasprintf("--%s: %s", o->name, why));
			free(why);
		}
	}
	config_free(&scratch);
	return rc;
}

int config_load_cli(struct config *c, char **err)
{
	for (size_t i = 0; i < c->priv->ncli; i++) {
		const struct opt *o = c->priv->cli[i].o;
		char *why = config_apply(c, o, c->priv->cli[i].val, (struct origin){ ORG_CLI, 0 });
		if (why) {  /* config_cli_scan checked them already */
			*err = xasprintf("--%s: %s", o->name, why);
			free(why);
			return EXIT_USAGE;
		}
	}
	return EXIT_OK;
}
