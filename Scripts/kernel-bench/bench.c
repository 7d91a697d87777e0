// Standalone throughput measurement of the CMergeKernels kernels against OpenBLAS dgemm and memcpy in
// the same run. Every repetition runs all contenders back to back (interleaved), so load from other
// processes hits them alike; medians are reported. Build and run with ./run.sh.
#include "CMergeKernels.h"
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define REPS 11
static const char *isa_name[] = {"portable", "avx2", "avx512"};
// Called through a volatile pointer so the compiler cannot drop copies nobody reads.
static void *(*volatile copy)(void *, const void *, size_t) = memcpy;

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}
static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}
static double median(double *t) {
    qsort(t, REPS, sizeof *t, cmp);
    return t[REPS / 2];
}
static float *randf(size_t n, unsigned seed) {
    float *p = aligned_alloc(64, (n * 4 + 63) & ~(size_t)63);
    srand(seed);
    for (size_t i = 0; i < n; i++) p[i] = (float)((double)rand() / RAND_MAX - 0.5);
    return p;
}

// Float32 values widened to float64, as a merge holds W0 and the factors.
static double *randd(size_t n, unsigned seed) {
    float *f = randf(n, seed);
    double *p = aligned_alloc(64, (n * 8 + 63) & ~(size_t)63);
    for (size_t i = 0; i < n; i++) p[i] = f[i];
    free(f);
    return p;
}

static void lowrank(size_t n, size_t r, int transposed) {
    double *C = randd(n * n, 1), *A = randd(r * n, 2), *B = randd(n * r, 3), *D = randd(n * n, 4);
    double flops = 2.0 * r * n * n, t[6][REPS];
    const size_t block = 64;
    double *packed = aligned_alloc(64, loom_lowrank_packed_count(r, n) * 8);
    for (int rep = 0; rep < REPS; rep++) {
        double t0 = now();
        copy(D, C, n * n * 8);
        t[0][rep] = now() - t0;
        t0 = now();
        if (!transposed)
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, r, 0.5, B, r, A, n, 1.0, C, n);
        else
            cblas_dgemm(CblasRowMajor, CblasTrans, CblasTrans, n, n, r, 0.5, A, n, B, r, 1.0, C, n);
        t[1][rep] = now() - t0;
        for (int isa = 0; isa <= LOOM_ISA_AVX512; isa++) {
            if (loom_kernels_force_isa(isa) != 0) continue;
            t0 = now();
            if (!transposed) loom_lowrank_update(C, n, n, n, r, B, r, 0, A, n, 0, 0.5);
            else loom_lowrank_update(C, n, n, n, r, A, n, 1, B, r, 1, 0.5);
            t[2 + isa][rep] = now() - t0;
        }
        loom_kernels_force_isa(LOOM_ISA_AUTO);
        t0 = now();
        if (!transposed) loom_lowrank_pack(A, n, 0, r, n, packed);
        else loom_lowrank_pack(B, r, 1, r, n, packed);
        for (size_t i0 = 0; i0 < n; i0 += block) {
            size_t m = n - i0 < block ? n - i0 : block;
            if (!transposed) loom_lowrank_update_packed(C + i0 * n, n, m, n, r, B + i0 * r, r, 0, packed, 0.5);
            else loom_lowrank_update_packed(C + i0 * n, n, m, n, r, A + i0, n, 1, packed, 0.5);
        }
        t[5][rep] = now() - t0;
    }
    loom_kernels_force_isa(LOOM_ISA_AUTO);
    printf("-- rank %zu, C %zux%zu f64, %s layout\n", r, n, n, transposed ? "transposed (Conv1D/Embedding)" : "Linear");
    double mc = median(t[0]), blas = median(t[1]);
    printf("%-36s %8.2f ms %8.1f GB/s\n", "memcpy of C (read + write)", mc * 1e3, n * n * 16.0 / mc * 1e-9);
    printf("%-36s %8.2f ms %8.1f GFLOP/s  (C traffic %.1f GB/s)\n", "cblas_dgemm, beta = 1", blas * 1e3,
           flops / blas * 1e-9, n * n * 16.0 / blas * 1e-9);
    for (int isa = 0; isa <= LOOM_ISA_AVX512; isa++) {
        if (!loom_kernels_isa_supported(isa)) continue;
        double m = median(t[2 + isa]);
        char label[64];
        snprintf(label, sizeof label, "loom_lowrank_update [%s]", isa_name[isa]);
        printf("%-36s %8.2f ms %8.1f GFLOP/s  (C traffic %.1f GB/s)  x%.2f of dgemm\n", label, m * 1e3,
               flops / m * 1e-9, n * n * 16.0 / m * 1e-9, blas / m);
    }
    double m = median(t[5]);
    printf("%-36s %8.2f ms %8.1f GFLOP/s  (C traffic %.1f GB/s)  x%.2f of dgemm\n", "  auto, packed once, 64-row blocks", m * 1e3,
           flops / m * 1e-9, n * n * 16.0 / m * 1e-9, blas / m);
    free(C), free(A), free(B), free(D), free(packed);
}

enum { N_CONV = 15 };
static const char *conv_name[N_CONV] = {
    "f32 -> bf16", "bf16 -> f32", "f32 -> f16", "f16 -> f32", "f32 -> f64", "f64 -> f32",
    "first_nonfinite f32", "first_nonfinite f16", "row_sumsq f64 (8192-wide rows)", "scale_rows f64",
    "bf16 -> f64", "f64 -> bf16", "f16 -> f64", "f64 -> f16", "first_nonfinite f64",
};
static const double conv_bytes[N_CONV] = {6, 6, 6, 6, 12, 12, 4, 2, 8, 16, 10, 10, 10, 10, 8}; // read + written per element

static void run_conv(int k, float *f, void *h, void *g, void *d, size_t n) {
    switch (k) {
    case 0: loom_convert_f32_to_bf16(f, h, n); break;
    case 1: loom_convert_bf16_to_f32(h, g, n); break;
    case 2: loom_convert_f32_to_f16(f, h, n); break;
    case 3: loom_convert_f16_to_f32(h, g, n); break;
    case 4: loom_convert_f32_to_f64(f, d, n); break;
    case 5: loom_convert_f64_to_f32(d, g, n); break;
    case 6: (void)loom_first_nonfinite_f32(f, n); break;
    case 7: (void)loom_first_nonfinite_f16(h, n); break;
    case 8: loom_row_sumsq(d, 8192, n / 8192, 8192, g); break;
    case 9: loom_scale_rows(d, 8192, n / 8192, 8192, (const double *)g); break;
    case 10: loom_convert_bf16_to_f64(h, d, n); break;
    case 11: loom_convert_f64_to_bf16(d, h, n); break;
    case 12: loom_convert_f16_to_f64(h, d, n); break;
    case 13: loom_convert_f64_to_f16(d, h, n); break;
    case 14: (void)loom_first_nonfinite_f64(d, n); break;
    }
}

static void conversions(size_t n) {
    float *f = randf(n, 5);
    void *h = aligned_alloc(64, n * 2), *g = aligned_alloc(64, n * 4), *d = aligned_alloc(64, n * 8);
    memset(h, 0, n * 2), memset(g, 0, n * 4), memset(d, 0, n * 8);
    static double t[1 + 3 * N_CONV][REPS];
    for (int rep = 0; rep < REPS; rep++) {
        double t0 = now();
        copy(g, f, n * 4);
        t[0][rep] = now() - t0;
        for (int isa = 0; isa <= LOOM_ISA_AVX512; isa++) {
            if (loom_kernels_force_isa(isa) != 0) continue;
            for (int k = 0; k < N_CONV; k++) {
                t0 = now();
                run_conv(k, f, h, g, d, n);
                t[1 + isa * N_CONV + k][rep] = now() - t0;
            }
        }
    }
    loom_kernels_force_isa(LOOM_ISA_AUTO);
    double mc = median(t[0]);
    printf("-- conversions of %zu elements (f32 side %zu MiB); GB/s = bytes read + written per second\n", n, n * 4 >> 20);
    printf("%-40s %8.2f ms %8.1f GB/s\n", "memcpy f32", mc * 1e3, n * 8.0 / mc * 1e-9);
    for (int isa = 0; isa <= LOOM_ISA_AVX512; isa++) {
        if (!loom_kernels_isa_supported(isa)) continue;
        for (int k = 0; k < N_CONV; k++) {
            double m = median(t[1 + isa * N_CONV + k]);
            char label[80];
            snprintf(label, sizeof label, "%s [%s]", conv_name[k], isa_name[isa]);
            printf("%-40s %8.2f ms %8.1f GB/s  (f32 side %.1f GB/s)  time / memcpy time %.2f\n", label, m * 1e3,
                   conv_bytes[k] * n / m * 1e-9, 4.0 * n / m * 1e-9, m / mc);
        }
    }
    free(f), free(h), free(g), free(d);
}

int main(int argc, char **argv) {
    size_t n = argc > 1 ? strtoul(argv[1], 0, 10) : 4096;
    size_t conv = argc > 2 ? strtoul(argv[2], 0, 10) : ((size_t)1 << 28);
    printf("active ISA: %s; %s; %d repetitions, medians\n", isa_name[loom_kernels_active_isa()],
           openblas_get_config(), REPS);
    if (n) {
        lowrank(n, 16, 0);
        lowrank(n, 16, 1);
        lowrank(n, 64, 0);
        lowrank(n, 64, 1);
    }
    if (conv) conversions(conv);
    return 0;
}
