/*
 * For the tests whose only fixture is the kernel log, captured
 * (sim/log_capture.h): each test starts from an empty log, with
 * sim_log_setup on a fresh simulated Xen too.
 */
#ifndef LOG_FIXTURE_H
#define LOG_FIXTURE_H

#include "sim/log_capture.h"
#include "sim/xen_sim.h"

static inline int log_setup(void **state)
{
    (void)state;
    log_capture_start();
    return 0;
}

static inline int sim_log_setup(void **state)
{
    xen_sim_reset();
    return log_setup(state);
}

static inline int log_teardown(void **state)
{
    (void)state;
    log_capture_stop();
    return 0;
}

#endif
