/* The kernel module's interface inside the library. */
#ifndef FA_KERNEL_INTERNAL_H
#define FA_KERNEL_INTERNAL_H

#include "internal.h"
#include "kernel_table.h"

/* Kernel term type by name (FA_KERNEL_NONE if unknown). */
fa_kernel_type_t fa_kernel_type_lookup(const char *name);

#endif
