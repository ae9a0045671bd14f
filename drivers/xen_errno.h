/*
 * Xen's error numbers (public/errno.h: XEN_EPERM, XEN_EEXIST, ...), which
 * hypercalls return negated, and their names for log lines.  The error domain
 * of every layer that talks to Xen directly (events, timer, devices, power).
 */
#ifndef DRIVERS_XEN_ERRNO_H
#define DRIVERS_XEN_ERRNO_H

#include "arch/xen.h"

/* "EEXIST" for -17 or 17; "E?" followed by nothing for a value Xen does not define. */
const char *xen_errno_name(long rc);

#endif
