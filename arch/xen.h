/*
 * Xen's public headers (Debian's libxen-dev), with the interface version this
 * kernel is written against.  Include this, never <xen/...> directly.
 */
#ifndef ARCH_XEN_H
#define ARCH_XEN_H

#define __XEN_INTERFACE_VERSION__ 0x00040d00

#include <stdint.h>

#include <xen/xen.h>
#include <xen/errno.h>
#include <xen/event_channel.h>
#include <xen/hvm/hvm_op.h>
#include <xen/hvm/params.h>
#include <xen/arch-x86/hvm/start_info.h>
#include <xen/io/console.h>
#include <xen/io/xs_wire.h>
#include <xen/memory.h>
#include <xen/sched.h>
#include <xen/vcpu.h>
#include <xen/version.h>

#endif
