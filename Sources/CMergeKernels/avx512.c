// The AVX-512 variant (F, BW, DQ, VL: Skylake-SP, Ice Lake, Zen 4 and later).
#pragma clang fp contract(off)
#include "internal.h"

#if defined(__x86_64__)
#include <immintrin.h>

#pragma clang attribute push(__attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,avx2,f16c"))), apply_to = function)

#define VW 16
#define NV 4
#define TABLE_NAME loom_table_avx512

typedef float VF16x __attribute__((ext_vector_type(16)));

static inline VF16x cvt_f16_f32(const void *src) { return (VF16x)_mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)src)); }
static inline void cvt_f32_f16(void *dst, VF16x v) {
    _mm256_storeu_si256((__m256i *)dst, _mm512_cvtps_ph((__m512)v, _MM_FROUND_TO_NEAREST_INT));
}

#include "vector_template.h"

#pragma clang attribute pop
#endif
