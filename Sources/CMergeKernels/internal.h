// Shared by the kernel variants: the dispatch table and the scalar bit conversions that define the
// semantics every vector path must reproduce.
#ifndef LOOM_KERNELS_INTERNAL_H
#define LOOM_KERNELS_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

// Rows per register tile of the low-rank kernel; packed L holds `r * LOOM_MR` doubles.
#define LOOM_MR 4

/// One variant of every kernel. `lowrank_block` updates C[rows, cols] from an untransposed R with row
/// stride `ldr`; `lpack` is scratch for `r * LOOM_MR` doubles. Other entries match the public functions.
typedef struct {
    void (*lowrank_block)(double *C, size_t ldc, size_t rows, size_t cols, size_t r, const double *L,
                          size_t ldl, int trans_l, const double *R, size_t ldr, double coef, double *lpack);
    void (*bf16_to_f32)(const void *src, void *dst, size_t n);
    void (*f16_to_f32)(const void *src, void *dst, size_t n);
    void (*f32_to_bf16)(const void *src, void *dst, size_t n);
    void (*f32_to_f16)(const void *src, void *dst, size_t n);
    void (*f64_to_f32)(const void *src, void *dst, size_t n);
    void (*f32_to_f64)(const void *src, void *dst, size_t n);
    void (*bf16_to_f64)(const void *src, void *dst, size_t n);
    void (*f16_to_f64)(const void *src, void *dst, size_t n);
    void (*f64_to_bf16)(const void *src, void *dst, size_t n);
    void (*f64_to_f16)(const void *src, void *dst, size_t n);
    ptrdiff_t (*first_nonfinite_f32)(const void *src, size_t n);
    ptrdiff_t (*first_nonfinite_f16)(const void *src, size_t n);
    ptrdiff_t (*first_nonfinite_bf16)(const void *src, size_t n);
    ptrdiff_t (*first_nonfinite_f64)(const void *src, size_t n);
    void (*row_sumsq)(const double *C, size_t ldc, size_t rows, size_t cols, double *out);
    void (*col_sumsq)(const double *C, size_t ldc, size_t rows, size_t cols, double *sums);
    void (*scale_rows)(double *C, size_t ldc, size_t rows, size_t cols, const double *f);
    void (*scale_cols)(double *C, size_t ldc, size_t rows, size_t cols, const double *f);
} loom_kernel_table;

extern const loom_kernel_table loom_table_portable;
/// The variant for the calling thread.
const loom_kernel_table *loom_active_table(void);
#if defined(__x86_64__)
extern const loom_kernel_table loom_table_avx2;
extern const loom_kernel_table loom_table_avx512;
#endif

// MARK: - Unaligned element access (tensor data in mmapped files has no alignment guarantee)

static inline uint16_t loom_ld16(const void *p, size_t i) {
    uint16_t v;
    memcpy(&v, (const char *)p + 2 * i, 2);
    return v;
}
static inline uint32_t loom_ld32(const void *p, size_t i) {
    uint32_t v;
    memcpy(&v, (const char *)p + 4 * i, 4);
    return v;
}
static inline void loom_st16(void *p, size_t i, uint16_t v) { memcpy((char *)p + 2 * i, &v, 2); }
static inline void loom_st32(void *p, size_t i, uint32_t v) { memcpy((char *)p + 4 * i, &v, 4); }
static inline float loom_f32_from_bits(uint32_t u) {
    float f;
    memcpy(&f, &u, 4);
    return f;
}
static inline uint32_t loom_bits_from_f32(float f) {
    uint32_t u;
    memcpy(&u, &f, 4);
    return u;
}
static inline uint64_t loom_bits_from_f64(double d) {
    uint64_t u;
    memcpy(&u, &d, 8);
    return u;
}

// MARK: - Scalar conversions (the reference semantics)

static inline uint16_t loom_bf16_from_bits32(uint32_t x) {
    if ((x & 0x7FFFFFFFu) > 0x7F800000u) return (uint16_t)((x >> 16) | 0x0040u);
    return (uint16_t)((x + 0x7FFFu + ((x >> 16) & 1u)) >> 16);
}

static inline uint32_t loom_bits32_from_bf16(uint16_t h) {
    uint32_t x = (uint32_t)h << 16;
    if ((x & 0x7FFFFFFFu) > 0x7F800000u) x |= 0x00400000u;
    return x;
}

static inline uint16_t loom_f16_from_bits32(uint32_t x) {
    uint16_t sign = (uint16_t)((x >> 16) & 0x8000u);
    uint32_t a = x & 0x7FFFFFFFu;
    if (a > 0x7F800000u) return (uint16_t)(sign | 0x7E00u | ((a >> 13) & 0x3FFu));
    if (a >= 0x477FF000u) return (uint16_t)(sign | 0x7C00u); // >= 65520 rounds to Inf
    if (a >= 0x38800000u) {                                  // f16 normal: rebias exponent 127 -> 15
        uint32_t m = a - (112u << 23);
        return (uint16_t)(sign | ((m + 0xFFFu + ((m >> 13) & 1u)) >> 13));
    }
    if (a <= 0x33000000u) return sign; // <= 2^-25 (half the smallest subnormal): ties to even 0
    // Subnormal result: value = mant * 2^(e-150), in units of 2^-24 that is mant >> (126 - e).
    uint32_t e = a >> 23, mant = (a & 0x7FFFFFu) | 0x800000u, s = 126u - e;
    uint32_t q = mant >> s, rem = mant & ((1u << s) - 1u), half = 1u << (s - 1u);
    if (rem > half || (rem == half && (q & 1u))) q += 1u;
    return (uint16_t)(sign | q);
}

static inline uint32_t loom_bits32_from_f16(uint16_t h) {
    uint32_t sign = (uint32_t)(h & 0x8000u) << 16;
    uint32_t a = h & 0x7FFFu;
    if (a >= 0x7C00u) return sign | 0x7F800000u | (a > 0x7C00u ? 0x00400000u : 0u) | ((a & 0x3FFu) << 13);
    if (a >= 0x0400u) return sign | ((a + (112u << 10)) << 13);
    // Zero or subnormal: a * 2^-24 is exact in float32 (normal there).
    return sign | loom_bits_from_f32((float)a * 0x1p-24f);
}

// MARK: - float64 to 16-bit formats

/// The float32 bits of `d` rounded to odd (truncated toward zero, lowest bit set when inexact), except for
/// NaN, which converts as `(float)d` does. Rounding that to a format of at most 22 significant bits (bf16,
/// f16) with round-to-nearest-even gives `d` correctly rounded to it: with two or more extra bits, the
/// sticky lowest bit keeps the one rounding's ties and halves apart (Boldo and Melquiond, 2008). Overflow
/// gives FLT_MAX with the sign, which both formats then round to infinity.
static inline uint32_t loom_f32_bits_round_to_odd(double d) {
    float f = (float)d;
    uint32_t u = loom_bits_from_f32(f);
    if (d != d) return u;
    double back = (double)f;
    uint64_t mb = loom_bits_from_f64(back) & 0x7FFFFFFFFFFFFFFFull, md = loom_bits_from_f64(d) & 0x7FFFFFFFFFFFFFFFull;
    if (mb > md) u -= 1; // rounded away from zero: step back toward it
    if (mb != md) u |= 1;
    return u;
}

#endif
