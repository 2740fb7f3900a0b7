/**
 * @file kinetic.h
 * The kinetic system with inertia epsilon (the paper's (4), doc/theory/kinetic.md),
 *   d f_i/dt + v.grad_x f_i = (1/eps) div_v((v + sum_j grad K_ij * rho_j) f_i),
 * solved beside the macroscopic one to measure the small-inertia limit:
 *
 * - `moment`: the monokinetic closure f_i = rho_i delta(v - w_i) (damped pressureless Euler) on
 *   the macroscopic grid, densities and momenta m_i = rho_i w_i in cells, kinetic (upwind)
 *   fluxes, the stiff relaxation -(m_i + rho_i grad Phi_i)/eps implicit (CVODE BDF). It is
 *   asymptotic preserving: the mass flux uses the face velocity u_f + (d_L + d_R)/2, u_f the
 *   macroscopic scheme's face velocity and d = m/rho - u the relaxing deviation, so that as
 *   eps -> 0 the scheme becomes the macroscopic scheme on the same grid, face for face.
 * - `particles`: M particles per species on the characteristics (9), dX = V dt,
 *   eps dV = -(V + grad Phi_i(X)) dt, forces by particle-in-cell (cloud-in-cell deposit, the
 *   same multipliers, cloud-in-cell interpolation of the centred gradient: no self-force),
 *   stepped by a second-order exponential integrator that is exact for the relaxation and
 *   becomes Heun's method for dX/dt = -grad Phi as eps -> 0.
 */
#ifndef FRACAGG_KINETIC_H
#define FRACAGG_KINETIC_H

#include "model.h"
#include "solver.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct fa_kinetic fa_kinetic_t;

/** A kinetic companion of the model ([kinetic] section) with inertia `epsilon` (> 0; pass the
 *  model's [kinetic] epsilon or another value for sweeps). Initial densities are the model's;
 *  initial velocities per [kinetic] velocity (equilibrium: the macroscopic u_i0). */
int fa_kinetic_create(const fa_model_t *m, double epsilon, fa_kinetic_t **out);
void fa_kinetic_free(fa_kinetic_t *k);

/** Continue a kinetic run: the state becomes the last record of kinetic run file `path`
 *  (its kinetic densities and momenta, checked as input like any restart data), at the
 *  record's time, which must be the model's start (a model made by fa_continuation_open).
 *  The moment model only: the particle model's particles are not in the file
 *  (FA_EUNSUPPORTED). Collective over the grid's ranks. */
int fa_kinetic_resume(fa_kinetic_t *k, const char *path);

/** Integrate to tout. Codes as fa_solver_advance. */
int fa_kinetic_advance(fa_kinetic_t *k, double tout);
double fa_kinetic_time(const fa_kinetic_t *k);
double fa_kinetic_epsilon(const fa_kinetic_t *k);
void fa_kinetic_get_stats(const fa_kinetic_t *k, fa_solver_stats_t *st);

/** Density of species i (cell averages on the local slab; deposited for particles). */
const double *fa_kinetic_density(fa_kinetic_t *k, int i);
/** Momentum density m_i along axis a (cells; deposited for particles). */
const double *fa_kinetic_momentum(fa_kinetic_t *k, int i, int a);

/** Total momentum J_i = int m_i and centre of mass X_i = int x rho_i / int rho_i (particles:
 *  of the unwrapped trajectories; moment model: of the cell averages, for data away from a
 *  periodic box's edges). */
int fa_kinetic_total_momentum(fa_kinetic_t *k, int i, double J[3]);
int fa_kinetic_center_of_mass(fa_kinetic_t *k, int i, double X[3]);

/** "moment" or "particles". */
const char *fa_kinetic_model_name(const fa_kinetic_t *k);

/** The kinetic model against macroscopic densities at one time, per species (the quantities
 *  of the proof of Theorem 2.2): the Wasserstein-1 distance W1(rho_i^eps, rho_i), and the
 *  modulated energy E_i = kinetic_i + interaction_i with
 *  kinetic_i = 1/2 int |u_i - v|^2 f_i dx dv, u_i = -sum_j grad K_ij * rho_j the macroscopic
 *  velocity, and interaction_i = (1/2eps) int (rho_i - rho_i^eps) K_ii * (rho_i - rho_i^eps). */
typedef struct {
    int nspecies;
    double *w1, *modulated, *kinetic, *interaction; /**< [nspecies] each, owned */
} fa_comparison_t;

/** Arrays for `nspecies` species (zeroed); free with fa_comparison_free. */
int fa_comparison_init(fa_comparison_t *c, int nspecies);
void fa_comparison_free(fa_comparison_t *c);

/** Compare the kinetic model's current state with macroscopic densities rho_macro[0..N-1] on
 *  the same grid (local slabs). One forward transform per macroscopic density, one inverse per
 *  species; W1 on rank 0 of a distributed grid (its workspace is made on the first call). */
int fa_kinetic_compare(fa_kinetic_t *k, const double *const rho_macro[], fa_comparison_t *out);

#ifdef __cplusplus
}
#endif
#endif
