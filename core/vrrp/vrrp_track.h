/*
 * vrrp_track.h - what an instance tracks besides its peers: vrrp_scripts run
 * every interval with rise/fall, interfaces (their link events arrive
 * through vrrp_link), numbers in files polled every second; and how they
 * weigh into the priority and fault the state machine is given.
 */
#ifndef LVSBOX_VRRP_TRACK_H
#define LVSBOX_VRRP_TRACK_H

#include "vrrp_engine.h"

#define TRACK_FILE_POLL_MS 1000

void script_schedule(struct vscript *s, uint64_t after_ms);
void script_free(struct vscript *s);
void inst_evaluate(const struct inst *in, int *priority, bool *fault);
void inst_trackers_changed(struct inst *in);
int add_tracker(struct inst *in, int kind, const struct conf_track *t);
void on_file_poll(struct loop *loop, struct loop_timer *timer);
struct vscript *script_create(struct vrrpd *d, const struct conf_vrrp_script *c);
void script_remove(struct vscript *s);

#endif
