/* The kernel table's own state, shared by its files (kernel_quad.c: the quadrature of one
 * cell, the Gauss-Legendre rules and the gaussian's one-dimensional integrals;
 * kernel_table.c: the term as radial pieces, the table, its symmetries and the public
 * function). Nobody else includes it. */
#ifndef FA_KERNEL_TABLE_PRIVATE_H
#define FA_KERNEL_TABLE_PRIVATE_H

#include "kernel_table.h"

#define KT_MMAX 32 /* most Gauss-Legendre points along one axis of one box */
#define KT_KMAX 40 /* most terms of the series of powers and logs on far boxes (piece_t) */

/* Gauss-Legendre rules of 1..KT_MMAX points on [-1/2, 1/2] (weights sum to 1), and the log of
 * the error constant of the m-point rule on [-1, 1]: E = c_m f^(2m)(xi),
 * c_m = 2^(2m+1) (m!)^4 / ((2m+1) ((2m)!)^3). */
typedef struct {
    double x[KT_MMAX + 1][KT_MMAX];
    double w[KT_MMAX + 1][KT_MMAX];
    double logc[KT_MMAX + 1];
    double sigma[KT_MMAX + 1]; /* m points suffice along an axis when sigma >= sigma[m] (axis_points) */
} gl_rules_t;

typedef enum { PIECE_POW, PIECE_LOG, PIECE_EXP } piece_kind_t;

/* c r^beta, c log r or c e^(-r/l); powers and logs also carry the coefficients of their series
 * in delta about a box's centre: (1 + delta)^(beta/2) = sum_k b_k delta^k (binomial) and
 * log(1 + delta) = sum_k b_k delta^k (b_0 = 0, b_k = (-1)^(k+1)/k) */
typedef struct {
    piece_kind_t kind;
    double c, beta, l;
    double b[KT_KMAX + 2];
} piece_t;

/* A term as radial pieces (at most two: morse), with what the quadrature of a cell needs. */
typedef struct radial {
    int d;
    int np;
    piece_t p[2];
    int poly_m;       /* > 0: K is a polynomial in x of degree 2 poly_m - 2, exact with poly_m points */
    double lmin;      /* shortest length of an exponential piece; 0: none */
    int exp_only;     /* every piece is an exponential (boxes where all underflow are 0) */
    int series;       /* far boxes by series (box_series) */
    double lmax;      /* longest length of an exponential piece */
    double wexp[3];   /* exponentials: the cell widths h_a, and the points the derivative */
    int mexp[3];      /* bound asks for along them (axis_points; boxes of other widths compute it) */
    const gl_rules_t *gl;
} radial_t;

/* ---- the quadrature (kernel_quad.c) ------------------------------------------------ */

/* The rules, computed once per table (in long double, mirrored: exactly symmetric). */
void fa_kernel_table_gl_rules_init(gl_rules_t *g);

/* Points the derivative bound of e^(-r/l) asks for along axis a of a box of width w (R->lmin
 * > 0); cached in R->wexp, R->mexp for the cell widths, which the table sets up once. */
int fa_kernel_table_exp_points(const radial_t *R, double w, int a);

/* W(u) of the radial pieces for a cell offset u (|q_a| = u_a >= 0, u = 0 the singular cell). */
double fa_kernel_table_cell_integral(const radial_t *R, const double h[3], const long u[3]);

/* int over [m h, (m + 1) h] of e^(-x^2/l): one factor of the gaussian's separable W. */
double fa_kernel_table_gauss_interval(double m, double h, double l, const gl_rules_t *gl);

#endif
