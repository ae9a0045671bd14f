/*
 * The VM as a whole: its bring-up (vm_boot), the interpreter started over
 * xenstore with the watchdog= watchdog (vm_start), and the turns of the
 * outer loop (vm_turn).  The kernel (boot/main.c) and every test that boots
 * a VM (the unit tests' fixtures, fuzz_control) call these, so that a test
 * runs the VM as the kernel wires it:
 *
 *     vm_start(&vm, &control, &xenstore, &power, &config, watchdog_s);
 *     for (;;) {
 *         uint64_t wake = vm_turn(&vm);
 *         if (wake != LOOP_AGAIN)
 *             wait_for_event_until(wake);   // or, in a test, move the fake clock
 *     }
 */
#ifndef KERNEL_VM_H
#define KERNEL_VM_H

#include <stdint.h>

#include "drivers/xenstore/xenstore.h"
#include "kernel/control/control.h"
#include "kernel/loop.h"
#include "kernel/watchdog.h"

struct vm {
    struct control *control; /* the caller's: tests look inside it */
    struct xenstore *xs;
    struct watchdog watchdog;
};

/* The kernel image in memory (linker.ld's __image_start and __image_end). */
struct vm_image {
    const char *start, *end;
};

struct hvm_start_info;

/*
 * The kernel's whole bring-up (kernel/vm_boot.c), from Xen's start info to a
 * started interpreter over the VM's one set of devices (the event upcall on
 * upcall_vector): panics if the devices cannot come up.  Then the kernel
 * runs vm_turn() for ever (boot/main.c).
 */
void vm_boot(struct vm *vm, const struct hvm_start_info *si, const struct vm_image *image,
             unsigned int upcall_vector);

struct devices;
struct vm_config;

/*
 * vm_start() over a set of devices that are up (kernel/vm_boot.c): their
 * power actions and xenstore, the watchdog petted in their long steps, the
 * configuration's interpreter part and watchdog=.  vm_boot() ends with it,
 * and the unit tests' devices fixture starts the VM with it.
 */
int vm_start_on_devices(struct vm *vm, struct devices *d, struct control *c,
                        const struct vm_config *config);

/*
 * Arm the watchdog (watchdog_s seconds, 0: none) before xenstore is used, so
 * that a VM that hangs from here on is shut down; then start the interpreter
 * over xs with power and config (control_init, control_start).  Returns
 * control_start()'s status.
 */
int vm_start(struct vm *vm, struct control *control, struct xenstore *xs,
             const struct control_power *power, const struct control_config *config,
             uint32_t watchdog_s);

/*
 * One turn of the outer loop: loop_step(), then the watchdog's pet if it is
 * due.  Returns LOOP_AGAIN if work is waiting, else the time (ns, on the
 * power's clock) until which the VM may sleep: the earlier of its next
 * deadline and the next pet (TIME_FOREVER when it has neither).
 */
uint64_t vm_turn(struct vm *vm);

#endif
