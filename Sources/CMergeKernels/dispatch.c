// Public entry points: choose the variant (per CPU, or forced per thread) and call it.
#pragma clang fp contract(off)
#include "CMergeKernels.h"
#include "internal.h"
#include <stdlib.h>

// MARK: - Variant selection

static _Thread_local int forced_isa = LOOM_ISA_AUTO;
static int detected_isa = -2; // -2: not probed yet; probing is idempotent, so a race only repeats it

static int best_isa(void) {
    int isa = __atomic_load_n(&detected_isa, __ATOMIC_RELAXED);
    if (isa != -2) return isa;
    isa = LOOM_ISA_PORTABLE;
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("f16c")) {
        isa = LOOM_ISA_AVX2;
        if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
            __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl"))
            isa = LOOM_ISA_AVX512;
    }
#endif
    __atomic_store_n(&detected_isa, isa, __ATOMIC_RELAXED);
    return isa;
}

int loom_kernels_isa_supported(int isa) {
    return isa == LOOM_ISA_AUTO || (isa >= LOOM_ISA_PORTABLE && isa <= best_isa());
}

int loom_kernels_force_isa(int isa) {
    if (!loom_kernels_isa_supported(isa)) return -1;
    forced_isa = isa;
    return 0;
}

int loom_kernels_active_isa(void) { return forced_isa == LOOM_ISA_AUTO ? best_isa() : forced_isa; }

const loom_kernel_table *loom_active_table(void) {
    switch (loom_kernels_active_isa()) {
#if defined(__x86_64__)
    case LOOM_ISA_AVX512: return &loom_table_avx512;
    case LOOM_ISA_AVX2: return &loom_table_avx2;
#endif
    default: return &loom_table_portable;
    }
}

// MARK: - Conversions

void loom_convert_bf16_to_f32(const void *src, void *dst, size_t n) { loom_active_table()->bf16_to_f32(src, dst, n); }
void loom_convert_f16_to_f32(const void *src, void *dst, size_t n) { loom_active_table()->f16_to_f32(src, dst, n); }
void loom_convert_f32_to_bf16(const void *src, void *dst, size_t n) { loom_active_table()->f32_to_bf16(src, dst, n); }
void loom_convert_f32_to_f16(const void *src, void *dst, size_t n) { loom_active_table()->f32_to_f16(src, dst, n); }
void loom_convert_f64_to_f32(const void *src, void *dst, size_t n) { loom_active_table()->f64_to_f32(src, dst, n); }
void loom_convert_f32_to_f64(const void *src, void *dst, size_t n) { loom_active_table()->f32_to_f64(src, dst, n); }
void loom_convert_bf16_to_f64(const void *src, void *dst, size_t n) { loom_active_table()->bf16_to_f64(src, dst, n); }
void loom_convert_f16_to_f64(const void *src, void *dst, size_t n) { loom_active_table()->f16_to_f64(src, dst, n); }
void loom_convert_f64_to_bf16(const void *src, void *dst, size_t n) { loom_active_table()->f64_to_bf16(src, dst, n); }
void loom_convert_f64_to_f16(const void *src, void *dst, size_t n) { loom_active_table()->f64_to_f16(src, dst, n); }
void loom_copy_f32(const void *src, void *dst, size_t n) { memmove(dst, src, n * sizeof(float)); }

uint16_t loom_f32_to_bf16_bits(float x) { return loom_bf16_from_bits32(loom_bits_from_f32(x)); }
uint16_t loom_f32_to_f16_bits(float x) { return loom_f16_from_bits32(loom_bits_from_f32(x)); }
float loom_bf16_bits_to_f32(uint16_t h) { return loom_f32_from_bits(loom_bits32_from_bf16(h)); }
float loom_f16_bits_to_f32(uint16_t h) { return loom_f32_from_bits(loom_bits32_from_f16(h)); }

// MARK: - Finiteness, norms, scaling

ptrdiff_t loom_first_nonfinite_f32(const void *src, size_t n) { return loom_active_table()->first_nonfinite_f32(src, n); }
ptrdiff_t loom_first_nonfinite_f16(const void *src, size_t n) { return loom_active_table()->first_nonfinite_f16(src, n); }
ptrdiff_t loom_first_nonfinite_bf16(const void *src, size_t n) { return loom_active_table()->first_nonfinite_bf16(src, n); }
ptrdiff_t loom_first_nonfinite_f64(const void *src, size_t n) { return loom_active_table()->first_nonfinite_f64(src, n); }

void loom_row_sumsq(const double *C, size_t ldc, size_t rows, size_t cols, double *out) {
    loom_active_table()->row_sumsq(C, ldc, rows, cols, out);
}
void loom_col_sumsq_accumulate(const double *C, size_t ldc, size_t rows, size_t cols, double *sums) {
    loom_active_table()->col_sumsq(C, ldc, rows, cols, sums);
}
void loom_scale_rows(double *C, size_t ldc, size_t rows, size_t cols, const double *f) {
    loom_active_table()->scale_rows(C, ldc, rows, cols, f);
}
void loom_scale_cols(double *C, size_t ldc, size_t rows, size_t cols, const double *f) {
    loom_active_table()->scale_cols(C, ldc, rows, cols, f);
}
