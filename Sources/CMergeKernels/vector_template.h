// The vector variants' kernels, written once with clang vector extensions and included by avx2.c and
// avx512.c inside a `#pragma clang attribute push(target(...))` region. The includer defines:
//   VW          float lanes per register (8 or 16)
//   NV          registers per row of a low-rank tile (tile = LOOM_MR rows x NV*VW columns)
//   TABLE_NAME  name of the loom_kernel_table to define
//   cvt_f16_f32(const void *src) -> VF and cvt_f32_f16(void *dst, VF v) for VW values
// Every operation below is lane-wise IEEE arithmetic in the same order as portable.c, so results match it.

// Wider-than-register vectors (8 or 16 doubles) only cross static inline calls, never an ABI boundary.
#pragma clang diagnostic ignored "-Wpsabi"

typedef float VF __attribute__((ext_vector_type(VW)));
typedef double VD __attribute__((ext_vector_type(VW)));
typedef uint32_t VU __attribute__((ext_vector_type(VW)));
typedef int32_t VI __attribute__((ext_vector_type(VW)));
typedef uint16_t VH __attribute__((ext_vector_type(VW)));
typedef uint16_t VH2 __attribute__((ext_vector_type(2 * VW)));
typedef double VD16 __attribute__((ext_vector_type(16)));
// One register of doubles (the low-rank kernel's unit), and 64-bit lanes matching VD for bit tests.
#define VWD (VW / 2)
typedef double VDR __attribute__((ext_vector_type(VWD)));
typedef uint64_t VUL __attribute__((ext_vector_type(VW)));
typedef int64_t VIL __attribute__((ext_vector_type(VW)));

// Unaligned loads and stores (memcpy of a register's size compiles to one instruction).
#define DEFINE_LOAD_STORE(T)                                                                             \
    static inline T ld_##T(const void *p) {                                                              \
        T v;                                                                                             \
        memcpy(&v, p, sizeof v);                                                                         \
        return v;                                                                                        \
    }                                                                                                    \
    static inline void st_##T(void *p, T v) { memcpy(p, &v, sizeof v); }
DEFINE_LOAD_STORE(VF)
DEFINE_LOAD_STORE(VD)
DEFINE_LOAD_STORE(VDR)
DEFINE_LOAD_STORE(VUL)
DEFINE_LOAD_STORE(VD16)
DEFINE_LOAD_STORE(VU)
DEFINE_LOAD_STORE(VH)
DEFINE_LOAD_STORE(VH2)

// MARK: - Low-rank update

// How far ahead along each row of C to prefetch (measured: 1-2 KiB is best on Zen 5; less helps less).
#define PREFETCH_BYTES 1024

// One tile: `mr` rows x `nv` registers of doubles starting at column j. `mr` and `nv` are constants at
// each call site, so inlining specialises the loops and keeps the accumulators in registers.
static inline __attribute__((always_inline)) void lr_tile(double *C, size_t ldc, size_t r,
                                                          const double *lp, size_t mr, const double *R,
                                                          size_t ldr, size_t j, size_t nv, double coef) {
    VDR acc[LOOM_MR][NV];
    // C is read once and written once; the hardware prefetcher alone leaves the loads of the next tiles
    // waiting behind this tile's arithmetic. Integer arithmetic: the address may lie past the row's end.
    for (size_t ii = 0; ii < mr; ii++)
        for (size_t l = 0; l < nv * VWD; l += 8)
            __builtin_prefetch((const void *)((uintptr_t)(C + ii * ldc + j + l) + PREFETCH_BYTES), 1);
    for (size_t v = 0; v < nv; v++) {
        VDR b = ld_VDR(R + j + v * VWD);
        for (size_t ii = 0; ii < mr; ii++) acc[ii][v] = lp[ii] * b;
    }
    for (size_t k = 1; k < r; k++) {
        const double *rk = R + k * ldr + j;
        const double *lk = lp + k * LOOM_MR;
        VDR b[NV];
        for (size_t v = 0; v < nv; v++) b[v] = ld_VDR(rk + v * VWD);
        for (size_t ii = 0; ii < mr; ii++) {
            double a = lk[ii];
            for (size_t v = 0; v < nv; v++) acc[ii][v] = acc[ii][v] + a * b[v];
        }
    }
    for (size_t ii = 0; ii < mr; ii++)
        for (size_t v = 0; v < nv; v++) {
            double *c = C + ii * ldc + j + v * VWD;
            st_VDR(c, ld_VDR(c) + coef * acc[ii][v]);
        }
}

static inline __attribute__((always_inline)) void lr_rows(double *C, size_t ldc, size_t cols, size_t r,
                                                          const double *lp, size_t mr, const double *R,
                                                          size_t ldr, double coef) {
    size_t j = 0;
    for (; j + NV * VWD <= cols; j += NV * VWD) lr_tile(C, ldc, r, lp, mr, R, ldr, j, NV, coef);
    for (; j + VWD <= cols; j += VWD) lr_tile(C, ldc, r, lp, mr, R, ldr, j, 1, coef);
    for (; j < cols; j++)
        for (size_t ii = 0; ii < mr; ii++) {
            double d = lp[ii] * R[j];
            for (size_t k = 1; k < r; k++) d = d + lp[k * LOOM_MR + ii] * R[k * ldr + j];
            C[ii * ldc + j] = C[ii * ldc + j] + coef * d;
        }
}

static void lowrank_block(double *C, size_t ldc, size_t rows, size_t cols, size_t r, const double *L,
                          size_t ldl, int trans_l, const double *R, size_t ldr, double coef, double *lpack) {
    for (size_t i = 0; i < rows; i += LOOM_MR) {
        size_t mr = rows - i < LOOM_MR ? rows - i : LOOM_MR;
        for (size_t k = 0; k < r; k++)
            for (size_t ii = 0; ii < mr; ii++)
                lpack[k * LOOM_MR + ii] = trans_l ? L[k * ldl + i + ii] : L[(i + ii) * ldl + k];
        if (mr == LOOM_MR) lr_rows(C + i * ldc, ldc, cols, r, lpack, LOOM_MR, R, ldr, coef);
        else
            for (size_t ii = 0; ii < mr; ii++) lr_rows(C + (i + ii) * ldc, ldc, cols, r, lpack + ii, 1, R, ldr, coef);
    }
}

// MARK: - Conversions

static void bf16_to_f32(const void *src, void *dst, size_t n) {
    size_t i = 0;
    for (; i + VW <= n; i += VW) {
        VU x = __builtin_convertvector(ld_VH((const char *)src + 2 * i), VU) << 16;
        VU nan = (VU)((VI)(x & 0x7FFFFFFFu) > (VI)0x7F800000);
        st_VU((char *)dst + 4 * i, x | (nan & 0x00400000u));
    }
    for (; i < n; i++) loom_st32(dst, i, loom_bits32_from_bf16(loom_ld16(src, i)));
}

static void f32_to_bf16(const void *src, void *dst, size_t n) {
    size_t i = 0;
    for (; i + VW <= n; i += VW) {
        VU x = ld_VU((const char *)src + 4 * i);
        VU rounded = (x + 0x7FFFu + ((x >> 16) & 1u)) >> 16;
        VU quiet = (x >> 16) | 0x0040u;
        VU nan = (VU)((VI)(x & 0x7FFFFFFFu) > (VI)0x7F800000);
        st_VH((char *)dst + 2 * i, __builtin_convertvector((quiet & nan) | (rounded & ~nan), VH));
    }
    for (; i < n; i++) loom_st16(dst, i, loom_bf16_from_bits32(loom_ld32(src, i)));
}

static void f16_to_f32(const void *src, void *dst, size_t n) {
    size_t i = 0;
    for (; i + VW <= n; i += VW) st_VF((char *)dst + 4 * i, cvt_f16_f32((const char *)src + 2 * i));
    for (; i < n; i++) loom_st32(dst, i, loom_bits32_from_f16(loom_ld16(src, i)));
}

static void f32_to_f16(const void *src, void *dst, size_t n) {
    size_t i = 0;
    for (; i + VW <= n; i += VW) cvt_f32_f16((char *)dst + 2 * i, ld_VF((const char *)src + 4 * i));
    for (; i < n; i++) loom_st16(dst, i, loom_f16_from_bits32(loom_ld32(src, i)));
}

static void f64_to_f32(const void *src, void *dst, size_t n) {
    for (size_t i = 0; i + VW <= n; i += VW)
        st_VF((char *)dst + 4 * i, __builtin_convertvector(ld_VD((const char *)src + 8 * i), VF));
    loom_table_portable.f64_to_f32((const char *)src + 8 * (n - n % VW), (char *)dst + 4 * (n - n % VW), n % VW);
}

static void f32_to_f64(const void *src, void *dst, size_t n) {
    for (size_t i = 0; i + VW <= n; i += VW)
        st_VD((char *)dst + 8 * i, __builtin_convertvector(ld_VF((const char *)src + 4 * i), VD));
    loom_table_portable.f32_to_f64((const char *)src + 4 * (n - n % VW), (char *)dst + 8 * (n - n % VW), n % VW);
}

static VD bf16_to_vd(const void *src) {
    VU x = __builtin_convertvector(ld_VH(src), VU) << 16;
    VU nan = (VU)((VI)(x & 0x7FFFFFFFu) > (VI)0x7F800000);
    return __builtin_convertvector((VF)(x | (nan & 0x00400000u)), VD);
}

static void bf16_to_f64(const void *src, void *dst, size_t n) {
    size_t i = 0;
    for (; i + VW <= n; i += VW) st_VD((char *)dst + 8 * i, bf16_to_vd((const char *)src + 2 * i));
    loom_table_portable.bf16_to_f64((const char *)src + 2 * i, (char *)dst + 8 * i, n - i);
}

static void f16_to_f64(const void *src, void *dst, size_t n) {
    size_t i = 0;
    for (; i + VW <= n; i += VW)
        st_VD((char *)dst + 8 * i, __builtin_convertvector(cvt_f16_f32((const char *)src + 2 * i), VD));
    loom_table_portable.f16_to_f64((const char *)src + 2 * i, (char *)dst + 8 * i, n - i);
}

// loom_f32_bits_round_to_odd, lane-wise.
static inline VU round_to_odd(VD d) {
    VF f = __builtin_convertvector(d, VF);
    VU u = (VU)f;
    VUL mb = (VUL)__builtin_convertvector(f, VD) & 0x7FFFFFFFFFFFFFFFull, md = (VUL)d & 0x7FFFFFFFFFFFFFFFull;
    VU nan = __builtin_convertvector((VIL)(md > 0x7FF0000000000000ull), VU);
    VU above = __builtin_convertvector((VIL)(mb > md), VU) & ~nan;
    VU inexact = __builtin_convertvector((VIL)(mb != md), VU) & ~nan;
    return (u + above) | (inexact & 1u); // `above` is all ones (-1) where set
}

static void f64_to_bf16(const void *src, void *dst, size_t n) {
    size_t i = 0;
    for (; i + VW <= n; i += VW) {
        VU x = round_to_odd(ld_VD((const char *)src + 8 * i));
        VU rounded = (x + 0x7FFFu + ((x >> 16) & 1u)) >> 16;
        VU quiet = (x >> 16) | 0x0040u;
        VU nan = (VU)((VI)(x & 0x7FFFFFFFu) > (VI)0x7F800000);
        st_VH((char *)dst + 2 * i, __builtin_convertvector((quiet & nan) | (rounded & ~nan), VH));
    }
    loom_table_portable.f64_to_bf16((const char *)src + 8 * i, (char *)dst + 2 * i, n - i);
}

static void f64_to_f16(const void *src, void *dst, size_t n) {
    size_t i = 0;
    for (; i + VW <= n; i += VW) cvt_f32_f16((char *)dst + 2 * i, (VF)round_to_odd(ld_VD((const char *)src + 8 * i)));
    loom_table_portable.f64_to_f16((const char *)src + 8 * i, (char *)dst + 2 * i, n - i);
}

// MARK: - Finiteness: test a chunk with vector ORs, then find the index with the scalar loop.

#define SCAN_CHUNK 256

#define DEFINE_SCAN(NAME, VT, LANE_BYTES, MASK)                                                          \
    static ptrdiff_t NAME(const void *src, size_t n) {                                                   \
        const int lanes = (int)(sizeof(VT) / LANE_BYTES);                                                \
        size_t i = 0;                                                                                    \
        for (; i + SCAN_CHUNK <= n; i += SCAN_CHUNK) {                                                   \
            VT any = 0;                                                                                  \
            for (size_t t = 0; t < SCAN_CHUNK; t += (size_t)lanes) {                                     \
                VT x = ld_##VT((const char *)src + LANE_BYTES * (i + t)) & (MASK);                        \
                any |= (VT)(x == (MASK));                                                                \
            }                                                                                            \
            if (__builtin_reduce_or(any)) break;                                                         \
        }                                                                                                \
        ptrdiff_t k = loom_table_portable.NAME((const char *)src + LANE_BYTES * i, n - i);              \
        return k < 0 ? -1 : (ptrdiff_t)i + k;                                                            \
    }

DEFINE_SCAN(first_nonfinite_f32, VU, 4, 0x7F800000u)
DEFINE_SCAN(first_nonfinite_f16, VH2, 2, (uint16_t)0x7C00u)
DEFINE_SCAN(first_nonfinite_bf16, VH2, 2, (uint16_t)0x7F80u)
DEFINE_SCAN(first_nonfinite_f64, VUL, 8, 0x7FF0000000000000ull)

// MARK: - Norms and scaling

static void row_sumsq(const double *C, size_t ldc, size_t rows, size_t cols, double *out) {
    for (size_t i = 0; i < rows; i++) {
        const double *c = C + i * ldc;
        VD16 acc = 0;
        size_t j = 0;
        for (; j + 16 <= cols; j += 16) {
            VD16 x = ld_VD16(c + j);
            acc = acc + x * x;
        }
        double a[16];
        memcpy(a, &acc, sizeof a);
        for (; j < cols; j++) a[j % 16] = a[j % 16] + c[j] * c[j];
        for (size_t w = 8; w >= 1; w /= 2)
            for (size_t l = 0; l < w; l++) a[l] = a[l] + a[l + w];
        out[i] = a[0];
    }
}

static void col_sumsq(const double *C, size_t ldc, size_t rows, size_t cols, double *sums) {
    for (size_t i = 0; i < rows; i++) {
        const double *c = C + i * ldc;
        size_t j = 0;
        for (; j + VW <= cols; j += VW) {
            VD x = ld_VD(c + j);
            st_VD(sums + j, ld_VD(sums + j) + x * x);
        }
        for (; j < cols; j++) sums[j] = sums[j] + c[j] * c[j];
    }
}

static void scale_rows(double *C, size_t ldc, size_t rows, size_t cols, const double *f) {
    for (size_t i = 0; i < rows; i++) {
        double *c = C + i * ldc;
        size_t j = 0;
        for (; j + VW <= cols; j += VW) st_VD(c + j, ld_VD(c + j) * f[i]);
        for (; j < cols; j++) c[j] = c[j] * f[i];
    }
}

static void scale_cols(double *C, size_t ldc, size_t rows, size_t cols, const double *f) {
    for (size_t i = 0; i < rows; i++) {
        double *c = C + i * ldc;
        size_t j = 0;
        for (; j + VW <= cols; j += VW) st_VD(c + j, ld_VD(c + j) * ld_VD(f + j));
        for (; j < cols; j++) c[j] = c[j] * f[j];
    }
}

const loom_kernel_table TABLE_NAME = {
    lowrank_block, bf16_to_f32, f16_to_f32, f32_to_bf16, f32_to_f16, f64_to_f32, f32_to_f64,
    bf16_to_f64, f16_to_f64, f64_to_bf16, f64_to_f16,
    first_nonfinite_f32, first_nonfinite_f16, first_nonfinite_bf16, first_nonfinite_f64,
    row_sumsq, col_sumsq, scale_rows, scale_cols,
};
