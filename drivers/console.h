/*
 * The PV console ring (io/console.h), output side.  Writes copy into the
 * ring and kick the backend (xenconsoled).  When the ring is full we wait a
 * bounded time for the backend to drain it; if it does not, the rest of the
 * message is dropped and counted, and later writes do not wait again until
 * the backend has made room: a stuck backend must not stall the VM.  Once it
 * has, a line on the console says how many bytes were lost.
 *
 * The console is a terminal (xl console, xenconsoled's log): each "\n" goes
 * out as "\r\n", as Linux's hvc_console and Mini-OS's console_print send it,
 * so that lines start at the left margin instead of in a staircase.
 */
#ifndef DRIVERS_CONSOLE_H
#define DRIVERS_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>

#include "arch/xen.h"
#include "drivers/ring_transport.h"

#define CONSOLE_FULL_WAIT_NS (200ull * 1000 * 1000)

struct console {
    struct xencons_interface *ring;
    struct ring_transport transport;
    bool stalled;                   /* the last wait for room timed out */
    unsigned long dropped;          /* bytes dropped because the ring stayed full */
    unsigned long dropped_reported; /* ... of which a console line has told */
    bool cr_sent;                   /* the "\r" of a "\n" not yet sent went out */
    bool mid_line;                  /* the last byte sent did not end a line */
};

void console_init(struct console *c, struct xencons_interface *ring,
                  const struct ring_transport *transport);

/* Returns the number of bytes of s that went into the ring. */
size_t console_write(struct console *c, const char *s, size_t len);

/* A printk sink writing to the console given as ctx. */
void console_printk_sink(const char *s, size_t len, void *ctx);

#endif
