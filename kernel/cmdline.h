/*
 * The kernel command line: space-separated words, each `key=value` or a bare
 * `key`.  The PVH start info points at it (cmdline_paddr); with xl it is the
 * domain config's `cmdline = "..."`.
 */
#ifndef KERNEL_CMDLINE_H
#define KERNEL_CMDLINE_H

#include <stddef.h>

#include "kernel/control/control.h"

#define CMDLINE_NOT_FOUND (-1)
#define CMDLINE_TOO_LONG  (-2)

/*
 * Copy the value of the last `key=value` word (a bare `key` has the value "")
 * into val, NUL-terminated.  Returns the value's length, CMDLINE_NOT_FOUND
 * (also for a NULL cmdline), or CMDLINE_TOO_LONG if it does not fit in
 * len - 1 bytes (val is then "").
 */
int cmdline_get(const char *cmdline, const char *key, char *val, size_t len);
/* The same for key's nth word (0: the first), for a word that may be given again (ip=). */
int cmdline_get_nth(const char *cmdline, const char *key, unsigned int nth, char *val, size_t len);

/*
 * Fill *cfg from feature-poweroff=, feature-reboot= and feature-suspend=,
 * each 1 (write "1", also the default when the word is absent), 0 (write "0")
 * or omit (write nothing).  A bad value is logged and the default kept.
 * suspend-evtchn=1 (or 0, the default) sets cfg->suspend_evtchn.
 * And the guest agent's and heartbeat's words (cmdline_agent_config()).
 * Returns the number of bad values.
 */
int cmdline_control_config(const char *cmdline, struct control_config *cfg);

/*
 * agent=on|off (default on), agent-version=A.B.C.D (default
 * CMDLINE_AGENT_VERSION), ip=ADDR (IPv4 or IPv6, up to CONTROL_IPS_MAX of them),
 * heartbeat=N (seconds, 1 to CMDLINE_HEARTBEAT_MAX; 0 or absent: none).  A bad
 * value is logged and left out (or the default kept); returns their number.
 * memcheck=MiB (1 to CMDLINE_MEMCHECK_MAX_MIB) or memcheck=all sets
 * cfg->memcheck.on, .all and .mib.  The memory figures and the free range
 * are the caller's.
 */
#define CMDLINE_MEMCHECK_MAX_MIB 1048576u
#define CMDLINE_AGENT_VERSION    "8.4.0.1"
#define CMDLINE_HEARTBEAT_MAX    86400u
int cmdline_agent_config(const char *cmdline, struct control_config *cfg);

#endif
