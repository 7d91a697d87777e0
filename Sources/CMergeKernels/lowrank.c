// The low-rank update driver: pack R into column panels, then let the variant stream C past each panel.
#pragma clang fp contract(off)
#include "CMergeKernels.h"
#include "internal.h"
#include <stdlib.h>

// A panel of R holds at most this many bytes, so it stays in L2 while every row of C streams past it
// once. Its rows are padded by a cache line: R rows a multiple of 4 KiB apart (any model width of 1024,
// 4096...) would otherwise share one L1 set with each other and with C, and the kernel would run at
// half speed.
#define R_PANEL_BYTES (256u * 1024u)
// Packed L for r up to this lives on the stack.
#define STACK_RANK 1024

static size_t panel_cols(size_t r, size_t cols) {
    size_t nc = R_PANEL_BYTES / (sizeof(double) * r);
    nc = nc < 64 ? 64 : nc & ~(size_t)63;
    return nc < cols ? nc : cols;
}

static size_t panel_stride(size_t nc) { return ((nc + 7) & ~(size_t)7) + 8; }

static int valid_rank(size_t r) { return r >= 1 && r <= SIZE_MAX / (4 * R_PANEL_BYTES); }

// Copies columns j0..<j0+n of R into rows of stride ldp.
static void pack_panel(const double *R, size_t ldr, int trans_r, size_t r, size_t j0, size_t n, double *out,
                       size_t ldp) {
    if (trans_r) loom_transpose_f64(R + j0 * ldr, ldr, n, r, out, ldp);
    else
        for (size_t k = 0; k < r; k++) memcpy(out + k * ldp, R + k * ldr + j0, n * sizeof(double));
}

size_t loom_lowrank_packed_count(size_t r, size_t cols) {
    if (!valid_rank(r) || cols == 0) return 0;
    size_t nc = panel_cols(r, cols);
    return (cols + nc - 1) / nc * r * panel_stride(nc);
}

void loom_lowrank_pack(const double *R, size_t ldr, int trans_r, size_t r, size_t cols, double *packed) {
    if (!valid_rank(r) || cols == 0) return;
    size_t nc = panel_cols(r, cols), ldp = panel_stride(nc);
    for (size_t j0 = 0; j0 < cols; j0 += nc, packed += r * ldp)
        pack_panel(R, ldr, trans_r, r, j0, cols - j0 < nc ? cols - j0 : nc, packed, ldp);
}

int loom_lowrank_update_packed(double *C, size_t ldc, size_t rows, size_t cols, size_t r, const double *L,
                               size_t ldl, int trans_l, const double *packed, double coef) {
    if (!valid_rank(r)) return -1;
    if (rows == 0 || cols == 0) return 0;
    const loom_kernel_table *t = loom_active_table();
    double stack[STACK_RANK * LOOM_MR];
    double *lpack = r <= STACK_RANK ? stack : malloc(sizeof(double) * r * LOOM_MR);
    if (!lpack) return -2;
    size_t nc = panel_cols(r, cols), ldp = panel_stride(nc);
    for (size_t j0 = 0; j0 < cols; j0 += nc, packed += r * ldp)
        t->lowrank_block(C + j0, ldc, rows, cols - j0 < nc ? cols - j0 : nc, r, L, ldl, trans_l, packed, ldp, coef, lpack);
    if (lpack != stack) free(lpack);
    return 0;
}

int loom_lowrank_update(double *C, size_t ldc, size_t rows, size_t cols, size_t r, const double *L, size_t ldl,
                        int trans_l, const double *R, size_t ldr, int trans_r, double coef) {
    if (!valid_rank(r)) return -1;
    if (rows == 0 || cols == 0) return 0;
    const loom_kernel_table *t = loom_active_table();
    size_t nc = panel_cols(r, cols), ldp = panel_stride(nc);
    // One panel of R and packed L; 64-byte aligned so that panel rows start on cache lines.
    size_t bytes = (sizeof(double) * r * (ldp + LOOM_MR) + 63) & ~(size_t)63;
    double *rpack = aligned_alloc(64, bytes);
    if (!rpack) return -2;
    double *lpack = rpack + r * ldp;
    for (size_t j0 = 0; j0 < cols; j0 += nc) {
        size_t n = cols - j0 < nc ? cols - j0 : nc;
        pack_panel(R, ldr, trans_r, r, j0, n, rpack, ldp);
        t->lowrank_block(C + j0, ldc, rows, n, r, L, ldl, trans_l, rpack, ldp, coef, lpack);
    }
    free(rpack);
    return 0;
}

void loom_transpose_f64(const double *src, size_t lds, size_t rows, size_t cols, double *dst, size_t ldd) {
    const size_t b = 32;
    for (size_t i0 = 0; i0 < rows; i0 += b)
        for (size_t j0 = 0; j0 < cols; j0 += b) {
            size_t i1 = rows - i0 < b ? rows : i0 + b, j1 = cols - j0 < b ? cols : j0 + b;
            for (size_t i = i0; i < i1; i++)
                for (size_t j = j0; j < j1; j++) dst[j * ldd + i] = src[i * lds + j];
        }
}
