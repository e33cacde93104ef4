/*
 * vrrp_apply.c - bringing the running instances, vrrp_scripts and sync groups
 * to a config, at start and on reload: what did not change keeps running
 * untouched.
 */
#include <stdlib.h>
#include <string.h>
#include "log.h"
#include "vrrp_apply.h"
#include "vrrp_engine.h"
#include "vrrp_filter.h"
#include "vrrp_group.h"
#include "vrrp_inst.h"
#include "vrrp_track.h"

/*
 * Brings the running set to d->conf. old_* are what ran before (NULL at
 * start). An instance whose fingerprint is unchanged is kept as it is, its
 * config pointer moved to the new tree.
 */
void apply_config(struct vrrpd *d, struct conf_keepalived *old_conf)
{
	struct vscript *old_scripts = d->scripts, **stail = &d->scripts;
	struct inst *old_insts = d->insts, **itail = &d->insts;
	struct sgroup *old_groups = d->groups;

	d->scripts = NULL;
	if (d->conf->global.enable_script_security && !d->conf->global.script_user)
		log_warn("enable_script_security without script_user: scripts with no user of their own run as root");
	for (int i = 0; i < d->conf->nscripts; i++) {
		const struct conf_vrrp_script *c = &d->conf->scripts[i];
		char *fp = d->ops->script_fingerprint(d->conf, c->name);
		struct vscript *s = NULL, **pp;
		for (pp = &old_scripts; *pp; pp = &(*pp)->next)
			if (fp && strcmp((*pp)->name, c->name) == 0 && strcmp((*pp)->fingerprint, fp) == 0) {
				s = *pp;
				*pp = s->next;
				s->conf = c;
				break;
			}
		free(fp);
		if (!s) {
			s = script_create(d, c);
			if (!s)
				continue;
			if (!s->disabled)
				script_schedule(s, 0);
		}
		s->next = NULL;
		*stail = s;
		stail = &s->next;
	}

	/* Instances that stay, in the new config's order later; first stop the rest. */
	struct inst *kept = NULL;
	d->insts = NULL;
	d->groups = NULL;
	/* Groups are rebuilt below; a stopping member must not reach into them. */
	for (struct inst *in = old_insts; in; in = in->next)
		in->group = NULL;
	while (old_insts) {
		struct inst *in = old_insts;
		old_insts = in->next;
		const struct conf_vrrp_instance *c = NULL;
		for (int i = 0; i < d->conf->ninstances; i++)
			if (strcmp(d->conf->instances[i].name, in->name) == 0)
				c = &d->conf->instances[i];
		char *fp = c ? d->ops->instance_fingerprint(d->conf, c) : NULL;
		if (c && fp && strcmp(fp, in->fingerprint) == 0) {
			in->conf = c;
			in->next = kept;
			kept = in;
			free(fp);
			continue;
		}
		free(fp);
		log_notice("(%s) %s by reload", in->name, c ? "changed" : "removed");
		in->deleted = !c;
		inst_stop(in);
		inst_free(in);
	}
	while (old_scripts) {
		struct vscript *s = old_scripts;
		old_scripts = s->next;
		script_remove(s);
	}
	if (old_conf)
		conf_keepalived_free(old_conf);

	for (int i = 0; i < d->conf->ninstances; i++) {
		const struct conf_vrrp_instance *c = &d->conf->instances[i];
		struct inst *in = NULL, **pp;
		for (pp = &kept; *pp; pp = &(*pp)->next)
			if (strcmp((*pp)->name, c->name) == 0) {
				in = *pp;
				*pp = in->next;
				break;
			}
		if (!in) {
			in = inst_create(d, c);
			if (!in)
				continue;
			in->fresh = true;
		}
		in->next = NULL;
		*itail = in;
		itail = &in->next;
	}
	/* Groups need every member in place before any instance starts. */
	groups_free(d);
	d->groups = NULL;
	groups_build(d, old_groups);
	while (old_groups) {
		struct sgroup *g = old_groups;
		old_groups = g->next;
		free(g->members);
		free(g->name);
		free(g);
	}
	/* before any instance starts: a no_accept master filters from its first moment */
	filter_sync(d);
	for (struct inst *in = d->insts; in; in = in->next)
		if (in->fresh) {
			in->fresh = false;
			inst_start(in);
		}
}
