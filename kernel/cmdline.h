/*
 * The kernel command line's lexer: space-separated words, each `key=value`
 * or a bare `key` (what each word means: kernel/config.h).  The PVH start info points at it
 * (cmdline_paddr); with xl it is the domain config's `cmdline = "..."`.
 */
#ifndef KERNEL_CMDLINE_H
#define KERNEL_CMDLINE_H

#include <stddef.h>

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

#endif
