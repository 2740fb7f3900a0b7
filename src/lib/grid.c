/* The periodic grid, its local slab, and cell averages of point profiles by quadrature. */
#include "internal.h"

#include <math.h>
#include <stdlib.h>
#ifdef FA_HAVE_MPI
#include <fftw3-mpi.h>
#include <mpi.h>
#endif

/* Slabs of FFTW-MPI's layout (the real input and, transposed, the complex output). */
static int distribute(fa_grid_t *g)
{
#ifdef FA_HAVE_MPI
    int d = g->dim;
    ptrdiff_t nc[3], ln0, l0s, ln1, l1s;
    for (int r = 0; r < d; r++) nc[r] = g->n[d - 1 - r];
    nc[d - 1] = g->n[0] / 2 + 1;
    ptrdiff_t alloc = fftw_mpi_local_size_transposed(d, nc, MPI_COMM_WORLD, &ln0, &l0s, &ln1, &l1s);
    g->distributed = 1;
    g->slow_start = l0s;
    g->slow_count = ln0;
    g->nlocal = g->plane * ln0;
    g->tr_start = l1s;
    g->tr_count = ln1;
    g->alloc_complex = alloc;
    g->max_slow_count = (long)fa_gmax(g, (double)ln0);
    long fewest = (long)fa_gmin(g, (double)ln0);
    if (fewest < 2)
        return FA_ERROR(FA_EUNSUPPORTED, "%ld planes along the %s axis are too few for %d processes: each needs at least 2 "
                        "(the flux stencil's halo)", g->n[g->slow], g->slow == 1 ? "y" : "z", fa_parallel_size());
    return FA_OK;
#else
    return FA_ERROR(FA_EUNSUPPORTED, "this build has no MPI");
#endif
}

int fa_grid_create(int dim, const long n[], const double L[], fa_boundary_t boundary, const fa_comm_t *comm,
                   fa_grid_t **out)
{
    *out = NULL;
    int may_distribute = comm != NULL;
    if (dim < 1 || dim > 3) return FA_ERROR(FA_EINVAL, "grid dimension %d not in 1..3", dim);
    if (!fa_boundary_name(boundary)) return FA_ERROR(FA_EINVAL, "grid: unknown boundary %d", (int)boundary);
    for (int a = 0; a < dim; a++) {
        if (n[a] < 1) return FA_ERROR(FA_EINVAL, "grid: %ld cells along axis %d", n[a], a);
        if (!(L[a] > 0) || !isfinite(L[a]))
            return FA_ERROR(FA_EINVAL, "grid: length %g along axis %d", L[a], a);
    }
    fa_grid_t *g = fa_calloc(1, sizeof *g);
    if (!g) return FA_ENOMEM;
    g->dim = dim;
    g->boundary = boundary;
    g->ntotal = 1;
    g->cell_volume = 1;
    for (int a = 0; a < 3; a++) {
        g->n[a] = a < dim ? n[a] : 1;
        g->L[a] = a < dim ? L[a] : 1.0;
        g->h[a] = g->L[a] / (double)g->n[a];
        g->stride[a] = a == 0 ? 1 : g->stride[a - 1] * g->n[a - 1];
        g->ntotal *= g->n[a];
        if (a < dim) g->cell_volume *= g->h[a];
    }
    g->slow = dim - 1;
    g->plane = g->stride[g->slow];
    g->slow_start = 0;
    g->slow_count = g->n[g->slow];
    g->nlocal = g->plane * g->slow_count;
    g->max_slow_count = g->slow_count;
    if (may_distribute && fa_parallel_size() > 1) {
        int rc = dim == 1 ? FA_ERROR(FA_EUNSUPPORTED, "1D grids run on one process (FFTW-MPI has no 1D real transforms)")
                          : distribute(g);
        if (rc) {
            free(g);
            return rc;
        }
    }
    *out = g;
    return FA_OK;
}

void fa_grid_free(fa_grid_t *g) { free(g); }

int fa_grid_dim(const fa_grid_t *g) { return g->dim; }
fa_boundary_t fa_grid_boundary(const fa_grid_t *g) { return g->boundary; }

const char *fa_boundary_name(fa_boundary_t b)
{
    switch (b) {
    case FA_BOUNDARY_PERIODIC: return "periodic";
    case FA_BOUNDARY_FREE: return "free";
    default: return NULL;
    }
}
long fa_grid_cells(const fa_grid_t *g, int a) { return a >= 0 && a < 3 ? g->n[a] : 1; }
double fa_grid_length(const fa_grid_t *g, int a) { return a >= 0 && a < 3 ? g->L[a] : 1.0; }
double fa_grid_spacing(const fa_grid_t *g, int a) { return a >= 0 && a < 3 ? g->h[a] : 1.0; }
double fa_grid_cell_volume(const fa_grid_t *g) { return g->cell_volume; }
long fa_grid_total_cells(const fa_grid_t *g) { return g->ntotal; }
long fa_grid_local_cells(const fa_grid_t *g) { return g->nlocal; }

void fa_grid_local_slab(const fa_grid_t *g, long *start, long *count)
{
    *start = g->slow_start;
    *count = g->slow_count;
}

void fa_grid_local_range(const fa_grid_t *g, long lo[3], long hi[3])
{
    for (int a = 0; a < 3; a++) {
        lo[a] = a == g->slow ? g->slow_start : 0;
        hi[a] = a == g->slow ? g->slow_start + g->slow_count : g->n[a];
    }
}

double fa_grid_center(const fa_grid_t *g, int a, long i)
{
    return -0.5 * g->L[a] + ((double)i + 0.5) * g->h[a];
}

void fa_grid_periodic_delta(const fa_grid_t *g, const double x[3], const double c[3], double d[3])
{
    for (int a = 0; a < 3; a++) {
        if (a >= g->dim) {
            d[a] = 0;
            continue;
        }
        double L = g->L[a], v = x[a] - c[a];
        v -= L * floor(v / L + 0.5); /* into [-L/2, L/2) */
        d[a] = v;
    }
}

/* ---- quadrature -------------------------------------------------------------------- */

void fa_gauss_legendre(int n, double *x, double *w)
{
    /* Newton iteration on P_n from the Chebyshev guess; nodes mapped to [-1/2, 1/2]. */
    for (int i = 0; i < n; i++) {
        double z = cos(M_PI * (i + 0.75) / (n + 0.5)), dp = 1;
        for (int it = 0; it < 100; it++) {
            double p0 = 1, p1 = z;
            for (int k = 2; k <= n; k++) {
                double p2 = ((2 * k - 1) * z * p1 - (k - 1) * p0) / k;
                p0 = p1;
                p1 = p2;
            }
            if (n == 1) p0 = 1, p1 = z;
            dp = n * (z * p1 - p0) / (z * z - 1);
            double dz = p1 / dp;
            z -= dz;
            if (fabs(dz) < 1e-16) break;
        }
        x[i] = 0.5 * z;
        w[i] = 1.0 / ((1 - z * z) * dp * dp); /* = (2/((1-z^2) P'^2)) / 2 */
    }
}

#define FA_QUAD_POINTS 4

typedef struct {
    const fa_grid_t *g;
    fa_point_fn fn;
    void *user;
    const double *center;
    double r_edge;
    double qx[FA_QUAD_POINTS], qw[FA_QUAD_POINTS];
    int max_depth;
} cellavg_t;

/* Does the sphere |x - c| = r_edge (nearest periodic image) pass through the box
 * lo + [0, w]? */
static int box_straddles(const cellavg_t *ca, const double lo[3], const double w[3])
{
    double mid[3], d[3], dmin2 = 0, dmax2 = 0;
    for (int a = 0; a < 3; a++) mid[a] = lo[a] + 0.5 * w[a];
    fa_grid_periodic_delta(ca->g, mid, ca->center, d);
    for (int a = 0; a < ca->g->dim; a++) {
        double near = fabs(d[a]) - 0.5 * w[a], far = fabs(d[a]) + 0.5 * w[a];
        if (near > 0) dmin2 += near * near;
        dmax2 += far * far;
    }
    double r2 = ca->r_edge * ca->r_edge;
    return dmin2 < r2 && r2 < dmax2;
}

/* Average of fn over the box lo + [0, w] (axes >= dim are not integrated). */
static double box_average(const cellavg_t *ca, const double lo[3], const double w[3], int depth)
{
    int dim = ca->g->dim;
    if (ca->r_edge > 0 && depth < ca->max_depth && box_straddles(ca, lo, w)) {
        double hw[3] = {0.5 * w[0], dim > 1 ? 0.5 * w[1] : w[1], dim > 2 ? 0.5 * w[2] : w[2]};
        double sum = 0;
        int nsub = 1 << dim;
        for (int s = 0; s < nsub; s++) {
            double sl[3] = {lo[0], lo[1], lo[2]};
            for (int a = 0; a < dim; a++)
                if (s & (1 << a)) sl[a] += hw[a];
            sum += box_average(ca, sl, hw, depth + 1);
        }
        return sum / nsub;
    }
    int q = FA_QUAD_POINTS;
    int qy = dim > 1 ? q : 1, qz = dim > 2 ? q : 1;
    double sum = 0, x[3] = {0, 0, 0};
    for (int k = 0; k < qz; k++) {
        x[2] = dim > 2 ? lo[2] + w[2] * (0.5 + ca->qx[k]) : 0;
        double wk = dim > 2 ? ca->qw[k] : 1;
        for (int j = 0; j < qy; j++) {
            x[1] = dim > 1 ? lo[1] + w[1] * (0.5 + ca->qx[j]) : 0;
            double wj = dim > 1 ? ca->qw[j] : 1;
            for (int i = 0; i < q; i++) {
                x[0] = lo[0] + w[0] * (0.5 + ca->qx[i]);
                sum += wk * wj * ca->qw[i] * ca->fn(x, ca->user);
            }
        }
    }
    return sum;
}

int fa_cell_averages(const fa_grid_t *g, fa_point_fn fn, void *user, const double center[3],
                     double r_edge, double *out)
{
    cellavg_t ca = {.g = g, .fn = fn, .user = user, .center = center, .r_edge = r_edge};
    fa_gauss_legendre(FA_QUAD_POINTS, ca.qx, ca.qw);
    ca.max_depth = g->dim == 1 ? 6 : g->dim == 2 ? 4 : 3;
    const double w[3] = {g->h[0], g->dim > 1 ? g->h[1] : 0, g->dim > 2 ? g->h[2] : 0};
    long lo[3], hi[3], c = 0;
    fa_grid_local_range(g, lo, hi);
    for (long iz = lo[2]; iz < hi[2]; iz++)
        for (long iy = lo[1]; iy < hi[1]; iy++)
            for (long ix = lo[0]; ix < hi[0]; ix++) {
                double corner[3] = {-0.5 * g->L[0] + ix * g->h[0],
                                    g->dim > 1 ? -0.5 * g->L[1] + iy * g->h[1] : 0,
                                    g->dim > 2 ? -0.5 * g->L[2] + iz * g->h[2] : 0};
                out[c++] = box_average(&ca, corner, w, 0);
            }
    return FA_OK;
}
