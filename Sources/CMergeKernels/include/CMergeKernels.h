/// Fixed-order float kernels for loom's merges (arithmetic in float64, conversions to and from storage formats).
///
/// Every function gives the same bits on every x86_64 CPU: each has a portable C version and, on x86_64,
/// AVX2+F16C and AVX-512 versions chosen at run time, and all versions evaluate the same IEEE operations in
/// the same order per element (no FMA contraction, no reassociation). Results assume the default floating
/// point environment (round to nearest, no flush-to-zero), which Swift and C programs start with.
/// One exception: when arithmetic (not a conversion) meets NaN inputs, the result is NaN in every variant
/// but its sign and payload may differ (IEEE 754 leaves the choice between two NaN operands open, and
/// compilers commute additions). Merges reject non-finite values anyway.
///
/// All functions are pure apart from writing their outputs: they are safe to call concurrently from many
/// threads on disjoint output buffers. Inputs may overlap each other but not the output, unless stated.
#ifndef LOOM_CMERGEKERNELS_H
#define LOOM_CMERGEKERNELS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

// MARK: - Instruction sets

/// The kernel variants. Values are stable (tests and logs use them).
enum {
    LOOM_ISA_AUTO = -1,    ///< Best variant the CPU supports (the default).
    LOOM_ISA_PORTABLE = 0, ///< Plain C; the reference every other variant must match bit for bit.
    LOOM_ISA_AVX2 = 1,     ///< x86_64 with AVX2 and F16C.
    LOOM_ISA_AVX512 = 2,   ///< x86_64 with AVX-512 F, BW, DQ and VL.
};

/// Whether this CPU can run `isa` (LOOM_ISA_AUTO and LOOM_ISA_PORTABLE always can).
int loom_kernels_isa_supported(int isa);

/// Forces the variant used by kernels called **from the calling thread** (thread-local; other threads
/// are unaffected). Returns 0, or -1 without changing anything if the CPU cannot run `isa`.
/// Meant for tests and benchmarks; production code leaves the default (LOOM_ISA_AUTO).
int loom_kernels_force_isa(int isa);

/// The variant kernels called from this thread use now (never LOOM_ISA_AUTO).
int loom_kernels_active_isa(void);

// MARK: - Low-rank update

/// `C[rows, cols] += coef * (L · R)` in float64, with L `rows × r` and R `r × cols`.
///
/// Element (i, j) is computed exactly as `d = L[i,0]*R[0,j]; for k in 1..<r { d = d + L[i,k]*R[k,j] };
/// C[i,j] = C[i,j] + coef*d`, every product and sum rounded to float64 (no FMA). With factors that are
/// widened float32 (or narrower) values every product is exact, so the error is that of the r sums.
///
/// Addressing (BLAS convention): `C[i,j] = C[i*ldc + j]`; `L[i,k] = L[i*ldl + k]`, or `L[k*ldl + i]` when
/// `trans_l` is non-zero; `R[k,j] = R[k*ldr + j]`, or `R[j*ldr + k]` when `trans_r` is non-zero. A row
/// block of a larger matrix is passed by offsetting the pointers (`C + i0*ldc`, and `L + i0*ldl` or `L + i0`).
///
/// Memory: one scratch buffer per call, freed before returning: a copy of one column panel of R (at
/// most 256 KiB, rows padded by a cache line so that R rows a multiple of 4 KiB apart do not fight
/// over one L1 set) and `4 * r` doubles of L. C streams through once. The copy costs `r * cols` doubles
/// per call: to update many row blocks with one R, pack it once (loom_lowrank_pack) instead.
///
/// Returns 0; -1 if `r` is 0 (or absurdly large); -2 if the scratch allocation failed. C must not
/// overlap L or R.
int loom_lowrank_update(double *C, size_t ldc, size_t rows, size_t cols, size_t r,
                        const double *L, size_t ldl, int trans_l,
                        const double *R, size_t ldr, int trans_r, double coef);

/// Doubles loom_lowrank_pack writes for a rank-`r` R with `cols` columns (0 if `r` is invalid).
size_t loom_lowrank_packed_count(size_t r, size_t cols);

/// Copies R (`r × cols`, addressed as in loom_lowrank_update) into `packed`, which must hold
/// loom_lowrank_packed_count(r, cols) doubles, in the layout loom_lowrank_update_packed reads.
void loom_lowrank_pack(const double *R, size_t ldr, int trans_r, size_t r, size_t cols, double *packed);

/// loom_lowrank_update with R already packed by loom_lowrank_pack for the same `r` and `cols`. Many
/// threads may share one packed R. Uses `4 * r` doubles of stack (heap above r = 1024).
int loom_lowrank_update_packed(double *C, size_t ldc, size_t rows, size_t cols, size_t r,
                               const double *L, size_t ldl, int trans_l, const double *packed, double coef);

/// `dst[j*ldd + i] = src[i*lds + j]` for a `rows × cols` source: an exact copy, blocked for the cache.
void loom_transpose_f64(const double *src, size_t lds, size_t rows, size_t cols, double *dst, size_t ldd);

// MARK: - Conversions

/// Element-wise conversions of `n` values. Round to nearest, ties to even; subnormals exact; overflow
/// gives ±Inf; -0 and ±Inf are kept; a NaN stays a NaN of the same sign with the quiet bit set and the
/// top bits of its payload kept (what x86 conversion instructions do). Pointers need no alignment.
/// Source and destination must not overlap (except `loom_copy_f32`, which is a memmove).
void loom_convert_bf16_to_f32(const void *src, void *dst, size_t n);
void loom_convert_f16_to_f32(const void *src, void *dst, size_t n);
void loom_convert_f32_to_bf16(const void *src, void *dst, size_t n);
void loom_convert_f32_to_f16(const void *src, void *dst, size_t n);
void loom_convert_f64_to_f32(const void *src, void *dst, size_t n);
void loom_convert_f32_to_f64(const void *src, void *dst, size_t n);
void loom_convert_bf16_to_f64(const void *src, void *dst, size_t n);
void loom_convert_f16_to_f64(const void *src, void *dst, size_t n);
/// float64 to bf16 and f16 rounded once (not through a rounded float32, which would round twice); the
/// NaN rule is that of `(float)x` followed by the float32 conversion.
void loom_convert_f64_to_bf16(const void *src, void *dst, size_t n);
void loom_convert_f64_to_f16(const void *src, void *dst, size_t n);
/// Bit-exact copy of `n` float32 values (NaN payloads untouched).
void loom_copy_f32(const void *src, void *dst, size_t n);

/// Scalar conversions with the same semantics as the functions above.
uint16_t loom_f32_to_bf16_bits(float x);
uint16_t loom_f32_to_f16_bits(float x);
float loom_bf16_bits_to_f32(uint16_t h);
float loom_f16_bits_to_f32(uint16_t h);

// MARK: - Finiteness

/// Index of the first NaN or ±Inf among `n` values, or -1 if all are finite. Checks the bits (exponent
/// all ones), so it also finds an f16 overflow after conversion. Pointers need no alignment.
ptrdiff_t loom_first_nonfinite_f32(const void *src, size_t n);
ptrdiff_t loom_first_nonfinite_f16(const void *src, size_t n);
ptrdiff_t loom_first_nonfinite_bf16(const void *src, size_t n);
ptrdiff_t loom_first_nonfinite_f64(const void *src, size_t n);

// MARK: - Norms and scaling (DoRA, IA3), on float64 matrices

/// `out[i] = Σ_j C[i,j]²` in float64 (the sum runs in 16 interleaved partial sums `j mod 16`, combined
/// pairwise, so the result is the same on every variant).
void loom_row_sumsq(const double *C, size_t ldc, size_t rows, size_t cols, double *out);

/// `sums[j] += Σ_i C[i,j]²` in float64, rows in order: call it on consecutive row blocks to get column
/// sums of a matrix streamed block by block (initialise `sums` to zero first).
void loom_col_sumsq_accumulate(const double *C, size_t ldc, size_t rows, size_t cols, double *sums);

/// `C[i,j] = C[i,j] * f[i]` in float64.
void loom_scale_rows(double *C, size_t ldc, size_t rows, size_t cols, const double *f);
/// `C[i,j] = C[i,j] * f[j]` in float64.
void loom_scale_cols(double *C, size_t ldc, size_t rows, size_t cols, const double *f);

#ifdef __cplusplus
}
#endif

#endif
