/*
 * The simulated Xen's end of a panic() (lib/panic.c prints, then calls
 * arch_crash()): caught by a test (xen_sim_catch_panic()) or printed, then
 * abort().
 */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>

#include "drivers/timer.h"
#include "sim/xen_sim.h"
#include "sim/xen_sim_private.h"

void xen_sim_catch_panic(jmp_buf *env)
{
    sim.panic_env = env;
}

const char *xen_sim_panic_message(void)
{
    return sim.panic_message;
}

void arch_crash(const char *why)
{
    snprintf(sim.panic_message, sizeof(sim.panic_message), "%s", why);
    jmp_buf *env = sim.panic_env;
    if (env) {
        sim.panic_env = NULL;
        wait_abandoned(); /* the longjmp may leave a wait_for_event_until() */
        longjmp(*env, 1);
    }
    fprintf(stderr, "xen_sim: guest panic: %s", sim.panic_message);
    abort();
}
