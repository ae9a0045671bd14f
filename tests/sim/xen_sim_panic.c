/*
 * The simulated Xen's panic(): caught by a test (xen_sim_catch_panic()) or
 * printed, then abort().
 */
#include <setjmp.h>
#include <stdarg.h>
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

void panic(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sim.panic_message, sizeof(sim.panic_message), fmt, ap);
    va_end(ap);

    jmp_buf *env = sim.panic_env;
    if (env) {
        sim.panic_env = NULL;
        wait_abandoned(); /* the longjmp may leave a wait_for_event_until() */
        longjmp(*env, 1);
    }
    fprintf(stderr, "xen_sim: guest panic: %s", sim.panic_message);
    abort();
}
