#include "CMergeKernels.h"
int loom_kernels_placeholder(void) { return 0; }
