/*
 * Checking an IP address's text, for ip= (the addresses the VM claims in
 * attr/vif/0/: it has no network): IPv4 as four decimal numbers 0-255
 * without leading zeros; IPv6 as RFC 4291 section 2.2 writes it (groups of
 * one to four hex digits, at most one "::", an IPv4 tail allowed), no zone
 * or prefix length.
 */
#ifndef KERNEL_IP_ADDRESS_H
#define KERNEL_IP_ADDRESS_H

#include <stdbool.h>
#include <stddef.h>

bool ip_is_ipv4(const char *s, size_t len);
bool ip_is_ipv6(const char *s, size_t len);

#endif
