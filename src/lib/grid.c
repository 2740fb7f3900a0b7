/* The box, its cells, the slab of a distributed grid held here, and cell averages of point
 * profiles by quadrature. */
#include "grid_internal.h"

#include <math.h>
#include <stdlib.h>
#ifdef FA_HAVE_MPI
#include <fftw3-mpi.h>
#endif

struct fa_grid {
    fa_grid_layout_t lay;
    const fa_comm_t *comm; /* NULL unless distributed */
};

/* Slabs of FFTW-MPI's layout of the real input (so that periodic transforms need no copy
 * between layouts). */
static int distribute(fa_grid_t *g, const fa_comm_t *comm)
{
#ifdef FA_HAVE_MPI
    fa_grid_layout_t *L = &g->lay;
    int d = L->dim;
    ptrdiff_t nc[3], ln0, l0s, ln1, l1s;
    for (int r = 0; r < d; r++) nc[r] = L->n[d - 1 - r];
    nc[d - 1] = L->n[0] / 2 + 1;
    fftw_mpi_local_size_transposed(d, nc, fa_comm_mpi(comm), &ln0, &l0s, &ln1, &l1s);
    g->comm = comm;
    L->distributed = 1;
    L->slow_start = l0s;
    L->slow_count = ln0;
    L->nlocal = L->plane * ln0;
    L->max_slow_count = (long)fa_comm_max(comm, (double)ln0);
    long fewest = (long)fa_comm_min(comm, (double)ln0);
    if (fewest < 2)
        return FA_ERROR(FA_EUNSUPPORTED, "%ld planes along the %s axis are too few for %d processes: each needs at least 2 "
                        "(the flux stencil's halo)", L->n[L->slow], L->slow == 1 ? "y" : "z", fa_comm_size(comm));
    return FA_OK;
#else
    (void)g, (void)comm;
    return FA_ERROR(FA_EUNSUPPORTED, "this build has no MPI");
#endif
}

int fa_grid_create(int dim, const long n[], const double L[], fa_boundary_t boundary, const fa_comm_t *comm,
                   fa_grid_t **out)
{
    *out = NULL;
    if (dim < 1 || dim > 3) return FA_ERROR(FA_EINVAL, "grid dimension %d not in 1..3", dim);
    if (!fa_boundary_name(boundary)) return FA_ERROR(FA_EINVAL, "grid: unknown boundary %d", (int)boundary);
    for (int a = 0; a < dim; a++) {
        if (n[a] < 1) return FA_ERROR(FA_EINVAL, "grid: %ld cells along axis %d", n[a], a);
        if (!(L[a] > 0) || !isfinite(L[a]))
            return FA_ERROR(FA_EINVAL, "grid: length %g along axis %d", L[a], a);
    }
    fa_grid_t *g = fa_calloc(1, sizeof *g);
    if (!g) return FA_ENOMEM;
    fa_grid_layout_t *G = &g->lay;
    G->dim = dim;
    G->boundary = boundary;
    G->ntotal = 1;
    G->cell_volume = 1;
    for (int a = 0; a < 3; a++) {
        G->n[a] = a < dim ? n[a] : 1;
        G->L[a] = a < dim ? L[a] : 1.0;
        G->h[a] = G->L[a] / (double)G->n[a];
        G->stride[a] = a == 0 ? 1 : G->stride[a - 1] * G->n[a - 1];
        G->ntotal *= G->n[a];
        if (a < dim) G->cell_volume *= G->h[a];
    }
    G->slow = dim - 1;
    G->plane = G->stride[G->slow];
    G->slow_start = 0;
    G->slow_count = G->n[G->slow];
    G->nlocal = G->plane * G->slow_count;
    G->max_slow_count = G->slow_count;
    if (fa_comm_distributed(comm)) {
        int rc = dim == 1 ? FA_ERROR(FA_EUNSUPPORTED, "1D grids run on one process (FFTW-MPI has no 1D real transforms)")
                          : distribute(g, comm);
        if (rc) {
            free(g);
            return rc;
        }
    }
    *out = g;
    return FA_OK;
}

void fa_grid_free(fa_grid_t *g) { free(g); }

const fa_grid_layout_t *fa_grid_layout(const fa_grid_t *g) { return &g->lay; }
const fa_comm_t *fa_grid_comm(const fa_grid_t *g) { return g->comm; }
int fa_grid_is_root(const fa_grid_t *g) { return fa_comm_is_root(g->comm); }

int fa_grid_dim(const fa_grid_t *g) { return g->lay.dim; }
fa_boundary_t fa_grid_boundary(const fa_grid_t *g) { return g->lay.boundary; }

const char *fa_boundary_name(fa_boundary_t b)
{
    switch (b) {
    case FA_BOUNDARY_PERIODIC: return "periodic";
    case FA_BOUNDARY_FREE: return "free";
    default: return NULL;
    }
}

long fa_grid_cells(const fa_grid_t *g, int a) { return a >= 0 && a < 3 ? g->lay.n[a] : 1; }
double fa_grid_length(const fa_grid_t *g, int a) { return a >= 0 && a < 3 ? g->lay.L[a] : 1.0; }
double fa_grid_spacing(const fa_grid_t *g, int a) { return a >= 0 && a < 3 ? g->lay.h[a] : 1.0; }
double fa_grid_cell_volume(const fa_grid_t *g) { return g->lay.cell_volume; }
long fa_grid_total_cells(const fa_grid_t *g) { return g->lay.ntotal; }
long fa_grid_local_cells(const fa_grid_t *g) { return g->lay.nlocal; }

void fa_grid_local_slab(const fa_grid_t *g, long *start, long *count)
{
    *start = g->lay.slow_start;
    *count = g->lay.slow_count;
}

void fa_grid_local_range(const fa_grid_t *g, long lo[3], long hi[3])
{
    const fa_grid_layout_t *G = &g->lay;
    for (int a = 0; a < 3; a++) {
        lo[a] = a == G->slow ? G->slow_start : 0;
        hi[a] = a == G->slow ? G->slow_start + G->slow_count : G->n[a];
    }
}

double fa_grid_center(const fa_grid_t *g, int a, long i)
{
    return -0.5 * g->lay.L[a] + ((double)i + 0.5) * g->lay.h[a];
}

void fa_grid_delta(const fa_grid_t *g, const double x[3], const double c[3], double d[3])
{
    for (int a = 0; a < 3; a++) {
        if (a >= g->lay.dim) {
            d[a] = 0;
            continue;
        }
        double L = g->lay.L[a], v = x[a] - c[a];
        if (g->lay.boundary == FA_BOUNDARY_PERIODIC) v -= L * floor(v / L + 0.5); /* into [-L/2, L/2) */
        d[a] = v;
    }
}

/* ---- collectives over the grid's ranks --------------------------------------------- */

double fa_gsum(const fa_grid_t *g, double x) { return fa_comm_sum(g->comm, x); }
double fa_gmax(const fa_grid_t *g, double x) { return fa_comm_max(g->comm, x); }
double fa_gmin(const fa_grid_t *g, double x) { return fa_comm_min(g->comm, x); }
void fa_gsum_array(const fa_grid_t *g, double *v, int n) { fa_comm_sum_array(g->comm, v, n); }
void fa_gmax_array(const fa_grid_t *g, double *v, int n) { fa_comm_max_array(g->comm, v, n); }
int fa_gbcast_int(const fa_grid_t *g, int v) { return fa_comm_bcast_int(g->comm, v); }
void fa_gbcast_doubles(const fa_grid_t *g, double *v, long n) { fa_comm_bcast_doubles(g->comm, v, n); }

void fa_grid_halo(const fa_grid_t *g, const double *f, int depth, double *lower, double *upper)
{
    const fa_grid_layout_t *G = &g->lay;
    fa_comm_halo(g->comm, f, G->plane, G->slow_count, depth, G->boundary == FA_BOUNDARY_PERIODIC, lower, upper);
}

int fa_grid_gather_slabs(const fa_grid_t *g, const double *local, fa_slab_writer_fn write, void *user)
{
    const fa_grid_layout_t *G = &g->lay;
    return fa_comm_gather_slabs(g->comm, local, G->plane, G->slow_start, G->slow_count, G->max_slow_count, write, user);
}

int fa_grid_gather_to_root(const fa_grid_t *g, const double *local, double *global)
{
    const fa_grid_layout_t *G = &g->lay;
    return fa_comm_gather_to_root(g->comm, local, G->plane, G->slow_start, G->slow_count, global);
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
    fa_grid_delta(ca->g, mid, ca->center, d);
    for (int a = 0; a < ca->g->lay.dim; a++) {
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
    int dim = ca->g->lay.dim;
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
    const fa_grid_layout_t *G = &g->lay;
    ca.max_depth = G->dim == 1 ? 6 : G->dim == 2 ? 4 : 3;
    const double w[3] = {G->h[0], G->dim > 1 ? G->h[1] : 0, G->dim > 2 ? G->h[2] : 0};
    long lo[3], hi[3], c = 0;
    fa_grid_local_range(g, lo, hi);
    for (long iz = lo[2]; iz < hi[2]; iz++)
        for (long iy = lo[1]; iy < hi[1]; iy++)
            for (long ix = lo[0]; ix < hi[0]; ix++) {
                double corner[3] = {-0.5 * G->L[0] + ix * G->h[0],
                                    G->dim > 1 ? -0.5 * G->L[1] + iy * G->h[1] : 0,
                                    G->dim > 2 ? -0.5 * G->L[2] + iz * G->h[2] : 0};
                out[c++] = box_average(&ca, corner, w, 0);
            }
    return FA_OK;
}
