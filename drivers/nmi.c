/* Reporting NMIs the arch handler counted: see nmi.h. */
#include "drivers/nmi.h"

#include "arch/arch.h"
#include "lib/log.h"

static unsigned long reported;

unsigned long nmi_report(void)
{
    unsigned long count = arch_nmi_count();
    /* One line however many came: an NMI storm cannot flood the console. */
    if (count != reported) {
        /* Recorded first: were the line to print this again, it is said once. */
        reported = count;
        log_info("nmi", "received (%lu so far)", count);
    }
    return count;
}
