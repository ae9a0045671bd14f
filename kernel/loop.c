#include "kernel/loop.h"
#include "drivers/nmi.h"

uint64_t loop_step(struct control *c, struct xenstore *xs)
{
    struct xenstore_watch_event ev;

    nmi_report(); /* an NMI ends the wait before this step: say so here, not inside the wait */
    xenstore_service(xs);
    while (xenstore_next_watch_event(xs, &ev))
        control_handle_watch(c, &ev);
    control_run_due(c);
    if (xenstore_has_work(xs))
        return LOOP_AGAIN;
    uint64_t next = control_next_deadline(c);
    /* A deadline of 0 would read as LOOP_AGAIN: it is due at once anyway. */
    return next == LOOP_AGAIN ? LOOP_AGAIN : next;
}
