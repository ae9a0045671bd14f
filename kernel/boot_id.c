/* The boot identity: see boot_id.h. */
#include "kernel/boot_id.h"

#include "arch/arch.h"
#include "lib/printk.h"

uint64_t boot_id_mix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

void boot_id_draw(struct boot_id *id, uint64_t clock_ns)
{
    const char *source = arch_random64(&id->bits[0]);
    if (source && arch_random64(&id->bits[1]) == source) {
        id->source = source;
    } else {
        /*
         * No generator: the TSC counts from the host's boot and the clock from
         * the domain's creation, so two boots differ in both; the two TSC
         * reads add the time the first mix took.
         */
        uint64_t a = boot_id_mix(arch_rdtsc() ^ clock_ns);
        id->bits[0] = a;
        id->bits[1] = boot_id_mix(a ^ arch_rdtsc() ^ (clock_ns << 17));
        id->source = "tsc+pvclock";
    }
    fmt_snprintf(id->hex, sizeof(id->hex), "%016llx%016llx", (unsigned long long)id->bits[0],
                 (unsigned long long)id->bits[1]);
}
