// The AVX2 + F16C variant (Haswell and later, Zen and later).
#pragma clang fp contract(off)
#include "internal.h"

#if defined(__x86_64__)
#include <immintrin.h>

#pragma clang attribute push(__attribute__((target("avx2,f16c"))), apply_to = function)

#define VW 8
#define NV 2
#define TABLE_NAME loom_table_avx2

typedef float VF8 __attribute__((ext_vector_type(8)));

static inline VF8 cvt_f16_f32(const void *src) { return (VF8)_mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)src)); }
static inline void cvt_f32_f16(void *dst, VF8 v) {
    _mm_storeu_si128((__m128i *)dst, _mm256_cvtps_ph((__m256)v, _MM_FROUND_TO_NEAREST_INT));
}

#include "vector_template.h"

#pragma clang attribute pop
#endif
