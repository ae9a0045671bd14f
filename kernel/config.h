/*
 * The VM's configuration, and the one place that turns every kernel
 * command-line word into it (docs/protocol.md, "Kernel command line"):
 * kernel/config.c (features, suspend-evtchn=, watchdog=, debug=) and
 * kernel/config_agent.c (agent=, agent-version=, ip=, heartbeat=, memcheck=).
 * The words are found by kernel/cmdline.c, the lexer.
 */
#ifndef KERNEL_CONFIG_H
#define KERNEL_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

/* What the kernel command line says about each control/feature-* key. */
enum control_feature {
    FEATURE_ON,   /* write "1" (the default) */
    FEATURE_OFF,  /* write "0" */
    FEATURE_OMIT, /* write nothing */
};

#define CONTROL_IPS_MAX         8  /* ip= words used */
#define CONTROL_IP_MAX          46 /* INET6_ADDRSTRLEN: the longest address text, with its NUL */
#define CONTROL_AGENT_REFRESH_S 60 /* as xe-guest-utilities' xe-daemon (its -i default) */

/* What the guest agent publishes (docs/protocol.md, "Guest-agent keys"): see
 * kernel/control/control_agent.c. */
struct control_agent_config {
    bool on;             /* publish them (command line agent=on, the default) */
    uint32_t version[4]; /* attr/PVAddons/{Major,Minor,Micro,Build}Version */
    char ips[CONTROL_IPS_MAX][CONTROL_IP_MAX]; /* ip= words, validated */
    unsigned int nips;
    uint64_t mem_total_kib; /* RAM in the memory map */
    uint64_t mem_used_kib;  /* what the VM itself takes of it */
};

/* memcheck=MiB or memcheck=all, and the free RAM it may fill (kernel/vm_boot.c finds it). */
struct control_memcheck_config {
    bool on, all;
    uint32_t mib;
    uint64_t free_first_pfn, free_pages;
};

struct control_config {
    enum control_feature feature_poweroff;
    enum control_feature feature_reboot;
    enum control_feature feature_suspend;
    bool suspend_evtchn; /* offer the suspend event channel (device/suspend/event-channel) */
    struct control_agent_config agent;
    unsigned int heartbeat_s; /* heartbeat=N: every N s; 0: none */
    struct control_memcheck_config memcheck;
};

/* debug=fault or debug=stack-overflow: misbehave at boot, once the devices are up. */
enum vm_debug {
    VM_DEBUG_NONE,
    VM_DEBUG_FAULT,          /* touch unmapped memory: a fatal trap's register dump */
    VM_DEBUG_STACK_OVERFLOW, /* recurse into the stack's guard page */
};

/* Everything the command line configures. */
struct vm_config {
    struct control_config control;
    uint32_t watchdog_s; /* watchdog=N: 0 for none */
    enum vm_debug debug;
};

/*
 * All of it: cmdline_control_config(), watchdog_cmdline() and debug=.
 * Returns the number of bad values (each logged).
 */
int config_from_cmdline(const char *cmdline, struct vm_config *cfg);

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

/*
 * The watchdog=N word: N (1 to WATCHDOG_TIMEOUT_MAX), or 0 if absent.  A bad
 * value logs "test-vm: cmdline: error: watchdog=...: ..." and gives 0 (no
 * watchdog), as a bad feature-* word keeps its default.
 */
uint32_t watchdog_cmdline(const char *cmdline);

#endif
