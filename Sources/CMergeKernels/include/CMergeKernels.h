#ifndef LOOM_CMERGEKERNELS_H
#define LOOM_CMERGEKERNELS_H
#include <stddef.h>
#include <stdint.h>
int loom_kernels_placeholder(void);
#endif
