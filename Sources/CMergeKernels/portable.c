// The portable variant: plain C, the reference the vector variants must match bit for bit.
#pragma clang fp contract(off)
#include "internal.h"

// Columns per chunk of the low-rank row loop: the partial sums of one chunk live in a local array.
#define CHUNK 64

static void lowrank_block(double *C, size_t ldc, size_t rows, size_t cols, size_t r, const double *L,
                          size_t ldl, int trans_l, const double *R, size_t ldr, double coef, double *lpack) {
    for (size_t i = 0; i < rows; i++) {
        for (size_t k = 0; k < r; k++) lpack[k] = trans_l ? L[k * ldl + i] : L[i * ldl + k];
        double *c = C + i * ldc;
        for (size_t j0 = 0; j0 < cols; j0 += CHUNK) {
            size_t n = cols - j0 < CHUNK ? cols - j0 : CHUNK;
            double d[CHUNK];
            for (size_t j = 0; j < n; j++) d[j] = lpack[0] * R[j0 + j];
            for (size_t k = 1; k < r; k++) {
                const double *rk = R + k * ldr + j0;
                double l = lpack[k];
                for (size_t j = 0; j < n; j++) d[j] = d[j] + l * rk[j];
            }
            for (size_t j = 0; j < n; j++) c[j0 + j] = c[j0 + j] + coef * d[j];
        }
    }
}

static void bf16_to_f32(const void *src, void *dst, size_t n) {
    for (size_t i = 0; i < n; i++) loom_st32(dst, i, loom_bits32_from_bf16(loom_ld16(src, i)));
}
static void f16_to_f32(const void *src, void *dst, size_t n) {
    for (size_t i = 0; i < n; i++) loom_st32(dst, i, loom_bits32_from_f16(loom_ld16(src, i)));
}
static void f32_to_bf16(const void *src, void *dst, size_t n) {
    for (size_t i = 0; i < n; i++) loom_st16(dst, i, loom_bf16_from_bits32(loom_ld32(src, i)));
}
static void f32_to_f16(const void *src, void *dst, size_t n) {
    for (size_t i = 0; i < n; i++) loom_st16(dst, i, loom_f16_from_bits32(loom_ld32(src, i)));
}
static void f64_to_f32(const void *src, void *dst, size_t n) {
    for (size_t i = 0; i < n; i++) {
        double d;
        memcpy(&d, (const char *)src + 8 * i, 8);
        float f = (float)d;
        memcpy((char *)dst + 4 * i, &f, 4);
    }
}
static void f32_to_f64(const void *src, void *dst, size_t n) {
    for (size_t i = 0; i < n; i++) {
        double d = (double)loom_f32_from_bits(loom_ld32(src, i));
        memcpy((char *)dst + 8 * i, &d, 8);
    }
}

static void bf16_to_f64(const void *src, void *dst, size_t n) {
    for (size_t i = 0; i < n; i++) {
        double d = (double)loom_f32_from_bits(loom_bits32_from_bf16(loom_ld16(src, i)));
        memcpy((char *)dst + 8 * i, &d, 8);
    }
}
static void f16_to_f64(const void *src, void *dst, size_t n) {
    for (size_t i = 0; i < n; i++) {
        double d = (double)loom_f32_from_bits(loom_bits32_from_f16(loom_ld16(src, i)));
        memcpy((char *)dst + 8 * i, &d, 8);
    }
}
static void f64_to_bf16(const void *src, void *dst, size_t n) {
    for (size_t i = 0; i < n; i++) {
        double d;
        memcpy(&d, (const char *)src + 8 * i, 8);
        loom_st16(dst, i, loom_bf16_from_bits32(loom_f32_bits_round_to_odd(d)));
    }
}
static void f64_to_f16(const void *src, void *dst, size_t n) {
    for (size_t i = 0; i < n; i++) {
        double d;
        memcpy(&d, (const char *)src + 8 * i, 8);
        loom_st16(dst, i, loom_f16_from_bits32(loom_f32_bits_round_to_odd(d)));
    }
}

static ptrdiff_t first_nonfinite_f32(const void *src, size_t n) {
    for (size_t i = 0; i < n; i++)
        if ((loom_ld32(src, i) & 0x7F800000u) == 0x7F800000u) return (ptrdiff_t)i;
    return -1;
}
static ptrdiff_t first_nonfinite_f16(const void *src, size_t n) {
    for (size_t i = 0; i < n; i++)
        if ((loom_ld16(src, i) & 0x7C00u) == 0x7C00u) return (ptrdiff_t)i;
    return -1;
}
static ptrdiff_t first_nonfinite_bf16(const void *src, size_t n) {
    for (size_t i = 0; i < n; i++)
        if ((loom_ld16(src, i) & 0x7F80u) == 0x7F80u) return (ptrdiff_t)i;
    return -1;
}

static ptrdiff_t first_nonfinite_f64(const void *src, size_t n) {
    for (size_t i = 0; i < n; i++) {
        uint64_t u;
        memcpy(&u, (const char *)src + 8 * i, 8);
        if ((u & 0x7FF0000000000000ull) == 0x7FF0000000000000ull) return (ptrdiff_t)i;
    }
    return -1;
}

static void row_sumsq(const double *C, size_t ldc, size_t rows, size_t cols, double *out) {
    for (size_t i = 0; i < rows; i++) {
        const double *c = C + i * ldc;
        double acc[16] = {0};
        for (size_t j = 0; j < cols; j++) acc[j % 16] = acc[j % 16] + c[j] * c[j];
        for (size_t w = 8; w >= 1; w /= 2)
            for (size_t l = 0; l < w; l++) acc[l] = acc[l] + acc[l + w];
        out[i] = acc[0];
    }
}
static void col_sumsq(const double *C, size_t ldc, size_t rows, size_t cols, double *sums) {
    for (size_t i = 0; i < rows; i++)
        for (size_t j = 0; j < cols; j++) sums[j] = sums[j] + C[i * ldc + j] * C[i * ldc + j];
}
static void scale_rows(double *C, size_t ldc, size_t rows, size_t cols, const double *f) {
    for (size_t i = 0; i < rows; i++)
        for (size_t j = 0; j < cols; j++) C[i * ldc + j] = C[i * ldc + j] * f[i];
}
static void scale_cols(double *C, size_t ldc, size_t rows, size_t cols, const double *f) {
    for (size_t i = 0; i < rows; i++)
        for (size_t j = 0; j < cols; j++) C[i * ldc + j] = C[i * ldc + j] * f[j];
}

const loom_kernel_table loom_table_portable = {
    lowrank_block, bf16_to_f32, f16_to_f32, f32_to_bf16, f32_to_f16, f64_to_f32, f32_to_f64,
    bf16_to_f64, f16_to_f64, f64_to_bf16, f64_to_f16,
    first_nonfinite_f32, first_nonfinite_f16, first_nonfinite_bf16, first_nonfinite_f64,
    row_sumsq, col_sumsq, scale_rows, scale_cols,
};
