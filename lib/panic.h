/*
 * The end of the road: report a fatal error on every console and ask Xen to
 * crash the domain (a test VM must never hang silently).  Callers end the
 * message with "\n".
 *
 * Not part of the machine seam (arch/arch.h): the kernel implements it in
 * arch/x86/setup.c (every printk sink, then SCHEDOP_shutdown with reason
 * crash); the host build in tests/sim/xen_sim_panic.c, where a test can catch it
 * (xen_sim_catch_panic()).
 */
#ifndef LIB_PANIC_H
#define LIB_PANIC_H

_Noreturn void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
