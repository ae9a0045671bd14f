#include "lib/panic.h"
#include "lib/printk.h"

void panic(const char *fmt, ...)
{
    char msg[PRINTK_LINE_MAX];
    va_list ap;
    va_start(ap, fmt);
    fmt_vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    printk("%s", msg);
    arch_crash(msg);
}
