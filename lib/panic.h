/*
 * The end of the road: report a fatal error on every console and ask Xen to
 * crash the domain (a test VM must never hang silently).  Callers end the
 * message with "\n".  lib/panic.c prints it through printk (every sink: the
 * console ring and port 0xe9), then arch_crash() ends the domain: the kernel
 * with SCHEDOP_shutdown(crash) (arch/x86/setup.c), the host build in the
 * simulated Xen, where a test can catch it (xen_sim_catch_panic()).  As
 * XTF's panic() over arch_crash_hard().
 */
#ifndef LIB_PANIC_H
#define LIB_PANIC_H

_Noreturn void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * panic()'s end, once the message is printed, from the machine: Xen crashes
 * the domain (arch/x86/setup.c); the simulated Xen records why and returns
 * to the test that caught it, or aborts (tests/sim/xen_sim_panic.c).
 */
_Noreturn void arch_crash(const char *why);

#endif
