#include "drivers/xen_errno.h"

struct errno_name {
    int value;
    const char *name;
};

/* Xen's list, in its order: for an alias (EWOULDBLOCK), the first name wins. */
#define XEN_ERRNO(name, value) {value, #name},
static const struct errno_name names[] = {
#include <xen/errno.h>
};

const char *xen_errno_name(long rc)
{
    long value = rc < 0 ? -rc : rc;
    for (unsigned int i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (names[i].value == value)
            return names[i].name;
    }
    return "E?";
}
