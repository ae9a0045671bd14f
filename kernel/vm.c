#include "kernel/vm.h"
#include "drivers/timer.h"

int vm_start(struct vm *vm, struct control *control, struct xenstore *xs,
             const struct control_power *power, const struct control_config *config,
             uint32_t watchdog_s)
{
    vm->control = control;
    vm->xs = xs;
    watchdog_start(&vm->watchdog, watchdog_s, power->now_ns(power->ctx));
    control_init(control, xs, power, config);
    return control_start(control);
}

uint64_t vm_turn(struct vm *vm)
{
    uint64_t until = loop_step(vm->control, vm->xs);
    /*
     * Petted every turn, a busy one too (until is LOOP_AGAIN, 0, then: the
     * earlier of the two stays 0); a sleep ends by the next pet.
     */
    const struct control_power *power = &vm->control->power;
    return watchdog_tick(&vm->watchdog, power->now_ns(power->ctx),
                         until == CONTROL_NO_DEADLINE ? TIME_FOREVER : until);
}
