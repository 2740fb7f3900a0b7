/**
 * @file bench.h
 * Timing of the right-hand side against its lower bound, the FFTs it cannot avoid.
 */
#ifndef FRACAGG_BENCH_H
#define FRACAGG_BENCH_H

#include "solver.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    int reps;            /**< timed repetitions (medians are reported) */
    double rhs_seconds;  /**< one right-hand-side evaluation */
    double fft_seconds;  /**< N real-to-complex + N complex-to-real transforms of the grid */
    double ratio;        /**< rhs_seconds / fft_seconds */
    double rhs_min, fft_min; /**< fastest repetitions */
    /** medians of the parts of a right-hand side, timed separately */
    double part_forward, part_kernels, part_inverse, part_fluxes;
} fa_bench_result_t;

/** Time `reps` right-hand-side evaluations of the solver's current state and, interleaved
 *  with them (so that machine noise affects both alike), the N FFT pairs of the same plans.
 *  Medians over the repetitions. */
int fa_bench_rhs(fa_solver_t *s, int reps, fa_bench_result_t *out);

#ifdef __cplusplus
}
#endif
#endif
