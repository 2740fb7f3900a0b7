/* The FFTs of a grid's fields: periodic (the grid's own transform) or free (zero-padded to
 * twice the box per axis), serial or distributed. See transform.h.
 *
 * Free grids are padded to N_a >= 2 n_a points per axis: the smallest even product of 2, 3, 5
 * and 7 that is (a cyclic convolution of length N >= 2n - 1 is the acyclic one on n points;
 * FFTW is several times slower on lengths with large prime factors, e.g. 2 * 37).
 * Serially the zero blocks of the padded field are skipped (a pruned transform, built from
 * one-dimensional FFTW plans over the axes in turn). The field occupies the first n_a of the
 * N_a points per axis; the forward transform along x runs only over the rows that hold
 * data (n1 n2 of the 4 n1 n2 in 3D), along y only over the planes that hold data, along z over
 * everything; the inverse needs the same rows at the end, so it runs the axes the other way
 * round with the same savings. Work, against a full padded transform: 3/4 in 2D, 7/12 in 3D.
 * The zero blocks stay zero because every plan that reads them is out of place and nothing
 * writes them after planning (the inverse's last step writes rows of its own).
 *
 * Distributed free grids transform the whole padded grid with FFTW-MPI (its slabs of the
 * padded slow axis are not the field's): the field's planes are redistributed into the
 * padded slabs before the forward transform and back after the inverse. */
#include "transform.h"

#include <errno.h>
#include <stdio.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "outfile.h"
#ifdef FA_HAVE_MPI
#include <fftw3-mpi.h>
#endif

#ifdef HAVE_FFTW_THREADS
static int fftw_threads_ready;
#endif

typedef enum { PERIODIC_SERIAL, PERIODIC_MPI, FREE_SERIAL, FREE_MPI } fft_kind_t;

struct fa_fft {
    const fa_grid_t *grid;
    const fa_grid_layout_t *g;
    fft_kind_t kind;
    long nt[3];   /* transform points per axis (1 beyond dim) */
    double Lt[3]; /* transform box */
    long nk;      /* local spectrum coefficients */
    size_t alloc; /* complex values a spectrum array needs */
    double *kabs2, *kdisc2;
    unsigned char *weight, *top;
    int align_ref; /* fftw_alignment_of the planning arrays */
    /* periodic serial */
    fftw_plan r2c, c2r;
    double *rin;       /* aligned copy of a misaligned field; distributed: padded rows */
    fftw_complex *cwork; /* planning array of the spectrum */
    /* free serial: x (r2c rows), y, z plans forward and backward, buffers */
    fftw_plan fx, fy, fz, bz, by, bx;
    double *R;         /* data rows, 2 n0 each, upper half zero */
    double *Rout;      /* the inverse's rows (c2r writes all 2 n0: R's zeros must stay) */
    fftw_complex *A;   /* after x: [n2][N1][N0/2 + 1], rows y >= n1 zero */
    fftw_complex *S;   /* 3D after y: [N2][N1][N0/2 + 1], planes z >= n2 zero */
    /* distributed */
    long tr_start, tr_count;  /* local slab of the transposed spectrum */
    long pad_start, pad_count; /* free: local slab of the padded slow axis */
    double *T;         /* free: field planes in the padded slab layout */
};

const long *fa_fft_points(const fa_fft_t *f) { return f->nt; }
const double *fa_fft_box(const fa_fft_t *f) { return f->Lt; }
double fa_fft_total_points(const fa_fft_t *f) { return (double)f->nt[0] * (double)f->nt[1] * (double)f->nt[2]; }
long fa_fft_nk(const fa_fft_t *f) { return f->nk; }
const double *fa_fft_kabs2(const fa_fft_t *f) { return f->kabs2; }
const double *fa_fft_kdisc2(const fa_fft_t *f) { return f->kdisc2; }
const unsigned char *fa_fft_weight(const fa_fft_t *f) { return f->weight; }
const unsigned char *fa_fft_top(const fa_fft_t *f) { return f->top; }
size_t fa_fft_complex_alloc(const fa_fft_t *f) { return f->alloc; }

/* ---- wavenumber tables ------------------------------------------------------------- */

/* Coefficients of the local half spectrum in FFTW's r2c order: [z][y][x/2+1] serially;
 * distributed (FFTW_MPI_TRANSPOSED_OUT), the first two dimensions swapped and the new first
 * one sliced: 2D [kx slab][y], 3D [y slab][z][x/2+1]. */
static int build_tables(fa_fft_t *f)
{
    const fa_grid_layout_t *g = f->g;
    int d = g->dim, distributed = f->kind == PERIODIC_MPI || f->kind == FREE_MPI;
    long nxh = f->nt[0] / 2 + 1, n1 = f->nt[1], n2 = f->nt[2];
    /* loop bounds, slowest first, and which grid axis each loop index is */
    long lo[3] = {0, 0, 0}, hi[3] = {n2, n1, nxh};
    int axis[3] = {2, 1, 0};
    if (distributed && d == 2) {
        lo[0] = 0, hi[0] = 1, axis[0] = 2;                                   /* unused */
        lo[1] = f->tr_start, hi[1] = f->tr_start + f->tr_count, axis[1] = 0; /* kx slab */
        lo[2] = 0, hi[2] = n1, axis[2] = 1;                                  /* y */
    } else if (distributed && d == 3) {
        lo[0] = f->tr_start, hi[0] = f->tr_start + f->tr_count, axis[0] = 1; /* y slab */
        lo[1] = 0, hi[1] = n2, axis[1] = 2;                                  /* z */
        lo[2] = 0, hi[2] = nxh, axis[2] = 0;                                 /* kx */
    }
    if (f->nk != (hi[0] - lo[0]) * (hi[1] - lo[1]) * (hi[2] - lo[2])) return FA_ERROR(FA_EINVAL, "internal: the local spectrum has %ld coefficients, not %ld", (long)((hi[0] - lo[0]) * (hi[1] - lo[1]) * (hi[2] - lo[2])), f->nk);
    size_t alloc = (size_t)(f->nk > 0 ? f->nk : 1);
    f->kabs2 = fa_malloc(alloc * sizeof(double));
    f->kdisc2 = fa_malloc(alloc * sizeof(double));
    f->weight = fa_malloc(alloc);
    f->top = fa_malloc(alloc);
    if (!f->kabs2 || !f->kdisc2 || !f->weight || !f->top) return FA_ENOMEM;
    long c = 0, idx[3];
    for (idx[0] = lo[0]; idx[0] < hi[0]; idx[0]++)
        for (idx[1] = lo[1]; idx[1] < hi[1]; idx[1]++)
            for (idx[2] = lo[2]; idx[2] < hi[2]; idx[2]++, c++) {
                long i3[3] = {0, 0, 0}; /* index along grid axes x, y, z */
                for (int q = 0; q < 3; q++) i3[axis[q]] = idx[q];
                long ix = i3[0];
                long m[3] = {ix, i3[1] <= n1 / 2 ? i3[1] : i3[1] - n1, i3[2] <= n2 / 2 ? i3[2] : i3[2] - n2};
                double k2 = 0, kd2 = 0;
                int top = 0;
                for (int a = 0; a < d; a++) {
                    double k = 2 * M_PI * (double)m[a] / f->Lt[a];
                    double sn = sin(0.5 * k * g->h[a]);
                    k2 += k * k;
                    kd2 += 4 * sn * sn / (g->h[a] * g->h[a]);
                    if (3 * labs(m[a]) > f->nt[a]) top = 1;
                }
                f->kabs2[c] = k2;
                f->kdisc2[c] = kd2;
                f->top[c] = (unsigned char)top;
                /* r2c stores kx = 0 .. nx/2; the others appear twice in the full spectrum */
                f->weight[c] = (unsigned char)((ix == 0 || (f->nt[0] % 2 == 0 && ix == f->nt[0] / 2)) ? 1 : 2);
            }
    return FA_OK;
}

/* The padded length of a free axis of n cells: the smallest even 7-smooth number >= 2n. */
static long padded_length(long n)
{
    for (long m = 2 * n;; m += 2) {
        long r = m;
        for (int p = 2; p <= 7; p++)
            while (r % p == 0) r /= p;
        if (r == 1) return m;
    }
}

/* ---- plans ------------------------------------------------------------------------- */

static fftw_iodim io(long n, long is, long os) { return (fftw_iodim){(int)n, (int)is, (int)os}; }

/* The pruned plans of a free grid held by this process (see the top of the file). */
static int plan_free_serial(fa_fft_t *f, unsigned flags)
{
    const fa_grid_layout_t *g = f->g;
    int d = g->dim;
    long n1 = g->n[1], n2 = g->n[2], N0 = f->nt[0], m0 = N0 / 2 + 1, N1 = f->nt[1], N2 = f->nt[2];
    long rows = n1 * n2;
    f->R = fftw_malloc((size_t)(rows * N0) * sizeof(double));
    f->Rout = fftw_malloc((size_t)(rows * N0) * sizeof(double));
    f->A = fftw_malloc((size_t)(n2 * N1 * m0) * sizeof(fftw_complex));
    if (d == 3) f->S = fftw_malloc((size_t)(N2 * N1 * m0) * sizeof(fftw_complex));
    if (!f->R || !f->Rout || !f->A || (d == 3 && !f->S)) return FA_ERROR(FA_ENOMEM, "out of memory for padded transforms");
    fftw_complex *F = f->cwork; /* a spectrum array: plans are made on it, run on others */
    fftw_iodim x = io(N0, 1, 1);
    if (d == 1) {
        f->fx = fftw_plan_guru_dft_r2c(1, &x, 0, NULL, f->R, F, flags);
        f->bx = fftw_plan_guru_dft_c2r(1, &x, 0, NULL, F, f->Rout, flags);
        return f->fx && f->bx ? FA_OK : FA_EFFTW;
    }
    if (d == 2) {
        fftw_iodim hx = io(n1, N0, m0), y = io(N1, m0, m0), hy = io(m0, 1, 1);
        fftw_iodim hbx = io(n1, m0, N0);
        f->fx = fftw_plan_guru_dft_r2c(1, &x, 1, &hx, f->R, f->A, flags);
        f->fy = fftw_plan_guru_dft(1, &y, 1, &hy, f->A, F, FFTW_FORWARD, flags);
        f->by = fftw_plan_guru_dft(1, &y, 1, &hy, F, F, FFTW_BACKWARD, flags);
        f->bx = fftw_plan_guru_dft_c2r(1, &x, 1, &hbx, F, f->Rout, flags);
        return f->fx && f->fy && f->by && f->bx ? FA_OK : FA_EFFTW;
    }
    long P = N1 * m0; /* a z-plane of the spectrum */
    fftw_iodim hx[2] = {io(n2, n1 * N0, P), io(n1, N0, m0)};
    fftw_iodim y = io(N1, m0, m0), hy[2] = {io(n2, P, P), io(m0, 1, 1)};
    fftw_iodim z = io(N2, P, P), hz = io(P, 1, 1);
    fftw_iodim hbx[2] = {io(n2, P, n1 * N0), io(n1, m0, N0)};
    f->fx = fftw_plan_guru_dft_r2c(1, &x, 2, hx, f->R, f->A, flags);
    f->fy = fftw_plan_guru_dft(1, &y, 2, hy, f->A, f->S, FFTW_FORWARD, flags);
    f->fz = fftw_plan_guru_dft(1, &z, 1, &hz, f->S, F, FFTW_FORWARD, flags);
    f->bz = fftw_plan_guru_dft(1, &z, 1, &hz, F, F, FFTW_BACKWARD, flags);
    f->by = fftw_plan_guru_dft(1, &y, 2, hy, F, F, FFTW_BACKWARD, flags);
    f->bx = fftw_plan_guru_dft_c2r(1, &x, 2, hbx, F, f->Rout, flags);
    return f->fx && f->fy && f->fz && f->bz && f->by && f->bx ? FA_OK : FA_EFFTW;
}

#ifdef FA_HAVE_MPI
/* FFTW-MPI's local sizes of the transform grid (real input rows padded to 2 (nx/2+1)). */
static ptrdiff_t mpi_local(fa_fft_t *f, MPI_Comm comm, ptrdiff_t *n0, ptrdiff_t *s0)
{
    int d = f->g->dim;
    ptrdiff_t nc[3], ln1, l1s;
    for (int r = 0; r < d; r++) nc[r] = f->nt[d - 1 - r];
    nc[d - 1] = f->nt[0] / 2 + 1;
    ptrdiff_t alloc = fftw_mpi_local_size_transposed(d, nc, comm, n0, s0, &ln1, &l1s);
    f->tr_start = l1s;
    f->tr_count = ln1;
    return alloc;
}
#endif

/* Wisdom is read only from a regular file, opened without blocking (a FIFO or /dev/zero named
 * as wisdom would hang or feed the planner forever); an absent file is fine, it is created. It
 * is saved by replacing the file atomically, so that a run killed meanwhile or two runs saving
 * at once leave whole wisdom. */
static void import_wisdom(const char *path)
{
    FILE *f = fa_outfile_read_regular(path);
    if (!f) {
        if (errno != ENOENT) fa_log(FA_LOG_WARN, "FFTW wisdom %s not read: not a regular file", path);
        return;
    }
    if (!fftw_import_wisdom_from_file(f)) fa_log(FA_LOG_WARN, "FFTW wisdom %s not read: not FFTW wisdom", path);
    fclose(f);
}

static int export_wisdom(FILE *f, void *user)
{
    (void)user;
    fftw_export_wisdom_to_file(f);
    return ferror(f) ? -1 : 0;
}

static int plan(fa_fft_t *f, unsigned flags)
{
    const fa_grid_layout_t *g = f->g;
    int d = g->dim, nrev[3];
    for (int r = 0; r < d; r++) nrev[r] = (int)f->nt[d - 1 - r];
    if (f->kind == PERIODIC_SERIAL) {
        f->r2c = fftw_plan_dft_r2c(d, nrev, f->rin, f->cwork, flags);
        f->c2r = fftw_plan_dft_c2r(d, nrev, f->cwork, f->rin, flags);
        return f->r2c && f->c2r ? FA_OK : FA_EFFTW;
    }
    if (f->kind == FREE_SERIAL) return plan_free_serial(f, flags);
#ifdef FA_HAVE_MPI
    ptrdiff_t nr[3];
    for (int r = 0; r < d; r++) nr[r] = nrev[r];
    MPI_Comm comm = fa_comm_mpi(fa_grid_comm(f->grid));
    /* transposed spectra: one global transpose saved per transform */
    f->r2c = fftw_mpi_plan_dft_r2c(d, nr, f->rin, f->cwork, comm, flags | FFTW_MPI_TRANSPOSED_OUT);
    f->c2r = fftw_mpi_plan_dft_c2r(d, nr, f->cwork, f->rin, comm, flags | FFTW_MPI_TRANSPOSED_IN);
    return f->r2c && f->c2r ? FA_OK : FA_EFFTW;
#else
    return FA_EFFTW;
#endif
}

/* The sizes of a grid's transform (kind, points, box, local spectrum and the arrays' lengths),
 * before anything is allocated: fa_fft_create allocates them, fa_fft_memory counts them. */
typedef struct {
    size_t nreal;  /* rin: the real array of the whole-grid transforms (not FREE_SERIAL) */
    size_t nT;     /* T: FREE_MPI's field planes in the padded slab layout */
} fft_sizes_t;

static void fft_layout(fa_fft_t *f, const fa_grid_t *grid, fft_sizes_t *z)
{
    const fa_grid_layout_t *g = fa_grid_layout(grid);
    f->grid = grid;
    f->g = g;
    int free_grid = g->boundary == FA_BOUNDARY_FREE;
    f->kind = g->distributed ? (free_grid ? FREE_MPI : PERIODIC_MPI) : (free_grid ? FREE_SERIAL : PERIODIC_SERIAL);
    for (int a = 0; a < 3; a++) {
        f->nt[a] = a < g->dim && free_grid ? padded_length(g->n[a]) : g->n[a];
        f->Lt[a] = a < g->dim && free_grid ? (double)f->nt[a] * g->h[a] : g->L[a];
    }
    long nxh = f->nt[0] / 2 + 1;
    z->nreal = (size_t)g->nlocal;
    z->nT = 0;
    f->nk = nxh * f->nt[1] * f->nt[2];
    f->alloc = (size_t)f->nk;
#ifdef FA_HAVE_MPI
    if (g->distributed) {
        ptrdiff_t ln0, l0s;
        f->alloc = (size_t)mpi_local(f, fa_comm_mpi(fa_grid_comm(grid)), &ln0, &l0s);
        f->pad_start = l0s;
        f->pad_count = ln0;
        long rowlen = 2 * nxh, plane_t = rowlen * (g->dim == 3 ? f->nt[1] : 1);
        z->nreal = 2 * f->alloc > (size_t)(plane_t * ln0) ? 2 * f->alloc : (size_t)(plane_t * ln0);
        if (free_grid) z->nT = (size_t)((ln0 > 0 ? ln0 : 1) * g->plane);
        /* transposed: 2D [kx slab][y], 3D [y slab][z][x/2+1] */
        f->nk = g->dim == 2 ? f->tr_count * f->nt[1] : g->dim == 3 ? f->tr_count * f->nt[2] * nxh : f->nk;
    }
#endif
    if (f->alloc < 1) f->alloc = 1;
    if (z->nreal < 1) z->nreal = 1;
}

double fa_fft_memory(const fa_grid_t *grid)
{
    fa_fft_t f = {0};
    fft_sizes_t z;
    fft_layout(&f, grid, &z);
    const fa_grid_layout_t *g = f.g;
    double nk = (double)(f.nk > 0 ? f.nk : 1), d = 0;
    d += nk * (2 * sizeof(double) + 2);             /* kabs2, kdisc2, weight, top */
    d += (double)f.alloc * sizeof(fftw_complex);    /* cwork */
    if (f.kind != FREE_SERIAL) d += (double)z.nreal * sizeof(double); /* rin */
    d += (double)z.nT * sizeof(double);
    if (f.kind == FREE_SERIAL) {
        double rows = (double)g->n[1] * g->n[2], N0 = (double)f.nt[0], m0 = (double)(f.nt[0] / 2 + 1);
        d += 2 * rows * N0 * sizeof(double);                                  /* R, Rout */
        d += (double)g->n[2] * f.nt[1] * m0 * sizeof(fftw_complex);           /* A */
        if (g->dim == 3) d += (double)f.nt[2] * f.nt[1] * m0 * sizeof(fftw_complex); /* S */
    }
    return d;
}

double fa_fft_grid_points(const fa_grid_t *grid)
{
    fa_fft_t f = {0};
    fft_sizes_t z;
    fft_layout(&f, grid, &z);
    return fa_fft_total_points(&f);
}

void fa_fft_spectrum_size(const fa_grid_t *grid, long *nk, size_t *alloc)
{
    fa_fft_t f = {0};
    fft_sizes_t z;
    fft_layout(&f, grid, &z);
    *nk = f.nk > 0 ? f.nk : 1;
    *alloc = f.alloc;
}

double fa_fft_table_memory(const fa_grid_t *grid)
{
    fa_fft_t f = {0};
    fft_sizes_t z;
    fft_layout(&f, grid, &z);
    if (f.kind == FREE_SERIAL) return fa_fft_total_points(&f) * sizeof(double);
    if (f.kind == FREE_MPI)
        return (double)(f.pad_count > 0 ? f.pad_count : 1) * (f.g->dim == 3 ? f.nt[1] : 1) * f.nt[0] * sizeof(double);
    return 0;
}

int fa_fft_create(const fa_grid_t *grid, const fa_fft_options_t *opt, fa_fft_t **out)
{
    *out = NULL;
    fa_fft_options_t defaults = {0};
    if (!opt) opt = &defaults;
    fa_fft_t *f = fa_calloc(1, sizeof *f);
    if (!f) return FA_ENOMEM;
    fft_sizes_t z;
    fft_layout(f, grid, &z);
    const fa_grid_layout_t *g = f->g;
    int rc = FA_OK;
    if (z.nT && !(f->T = fftw_malloc(z.nT * sizeof(double)))) rc = FA_ENOMEM;
    if (!rc) rc = build_tables(f);
    if (!rc) {
        f->cwork = fftw_malloc(f->alloc * sizeof(fftw_complex));
        if (f->kind != FREE_SERIAL) f->rin = fftw_malloc(z.nreal * sizeof(double));
        if (!f->cwork || (f->kind != FREE_SERIAL && !f->rin)) rc = FA_ERROR(FA_ENOMEM, "out of memory for FFT buffers");
    }
    if (rc) {
        fa_fft_free(f);
        return rc == FA_ENOMEM ? FA_ERROR(FA_ENOMEM, "out of memory for FFT tables") : rc;
    }
    unsigned flags = opt->measure ? FFTW_MEASURE : FFTW_ESTIMATE;
#ifdef HAVE_FFTW_THREADS
    if (opt->threads > 1) {
        if (!fftw_threads_ready) {
            if (!fftw_init_threads()) {
                fa_fft_free(f);
                return FA_ERROR(FA_EFFTW, "fftw_init_threads failed");
            }
            fftw_threads_ready = 1;
        }
        fftw_plan_with_nthreads(opt->threads);
    } else if (fftw_threads_ready) {
        fftw_plan_with_nthreads(1);
    }
#endif
    if (opt->wisdom) import_wisdom(opt->wisdom);
    /* FFTW_MEASURE overwrites the arrays while planning: plan on our own buffers, and zero the
     * padded blocks afterwards */
    rc = plan(f, flags);
    if (rc) {
        fa_fft_free(f);
        return FA_ERROR(FA_EFFTW, "FFTW could not plan a %d-dimensional transform of %.0f points", g->dim,
                        fa_fft_total_points(f));
    }
    if (f->kind == FREE_SERIAL) {
        long rows = g->n[1] * g->n[2], N1 = f->nt[1], m0 = f->nt[0] / 2 + 1;
        memset(f->R, 0, (size_t)(rows * f->nt[0]) * sizeof(double));
        memset(f->A, 0, (size_t)(g->n[2] * N1 * m0) * sizeof(fftw_complex));
        if (f->S) memset(f->S, 0, (size_t)(f->nt[2] * N1 * m0) * sizeof(fftw_complex));
    }
    if (opt->wisdom && fa_outfile_replace(opt->wisdom, export_wisdom, NULL) != FA_OK)
        fa_log(FA_LOG_WARN, "could not save FFTW wisdom: %s", fa_last_error());
    f->align_ref = fftw_alignment_of(f->kind == FREE_SERIAL ? f->R : f->rin);
    *out = f;
    return FA_OK;
}

void fa_fft_free(fa_fft_t *f)
{
    if (!f) return;
    fftw_plan plans[] = {f->r2c, f->c2r, f->fx, f->fy, f->fz, f->bz, f->by, f->bx};
    for (size_t i = 0; i < sizeof plans / sizeof plans[0]; i++)
        if (plans[i]) fftw_destroy_plan(plans[i]);
    fftw_free(f->rin);
    fftw_free(f->cwork);
    fftw_free(f->R);
    fftw_free(f->Rout);
    fftw_free(f->A);
    fftw_free(f->S);
    fftw_free(f->T);
    free(f->kabs2);
    free(f->kdisc2);
    free(f->weight);
    free(f->top);
    free(f);
}

/* ---- transforms -------------------------------------------------------------------- */

/* Rows of nx field values to or from rows of `stride` values of a transform's real array. */
static void rows_in(const double *field, long nx, long rows, double *dst, long stride)
{
    for (long r = 0; r < rows; r++) memcpy(dst + r * stride, field + r * nx, (size_t)nx * sizeof(double));
}
static void rows_out(const double *src, long stride, long nx, long rows, double *field)
{
    for (long r = 0; r < rows; r++) memcpy(field + r * nx, src + r * stride, (size_t)nx * sizeof(double));
}

#ifdef FA_HAVE_MPI
/* A free grid's field planes into the padded slab (rows of 2 (nx+1) reals; the rest zero):
 * the field's slabs are redistributed into the padded slab's first planes. */
static void free_mpi_in(fa_fft_t *f, const double *field)
{
    const fa_grid_layout_t *g = f->g;
    long ps = g->plane, nslow = g->n[g->slow], rowlen = f->nt[0] + 2;
    long prow = g->dim == 3 ? f->nt[1] : 1, rows = g->dim == 3 ? g->n[1] : 1;
    fa_comm_redistribute(fa_grid_comm(f->grid), field, g->slow_start, g->slow_count, f->T, f->pad_start, f->pad_count,
                         ps, nslow);
    memset(f->rin, 0, (size_t)(f->pad_count * prow * rowlen) * sizeof(double));
    for (long p = 0; p < f->pad_count && f->pad_start + p < nslow; p++)
        rows_in(f->T + p * ps, g->n[0], rows, f->rin + p * prow * rowlen, rowlen);
}

static void free_mpi_out(fa_fft_t *f, double *field)
{
    const fa_grid_layout_t *g = f->g;
    long ps = g->plane, nslow = g->n[g->slow], rowlen = f->nt[0] + 2;
    long prow = g->dim == 3 ? f->nt[1] : 1, rows = g->dim == 3 ? g->n[1] : 1;
    long have = f->pad_start >= nslow ? 0 : f->pad_start + f->pad_count <= nslow ? f->pad_count : nslow - f->pad_start;
    for (long p = 0; p < have; p++) rows_out(f->rin + p * prow * rowlen, rowlen, g->n[0], rows, f->T + p * ps);
    fa_comm_redistribute(fa_grid_comm(f->grid), f->T, f->pad_start, have, field, g->slow_start, g->slow_count, ps,
                         nslow);
}
#endif

void fa_fft_forward(fa_fft_t *f, const double *field, fftw_complex *out)
{
    const fa_grid_layout_t *g = f->g;
    switch (f->kind) {
    case PERIODIC_SERIAL:
        /* FFTW's new-array execute needs the planning arrays' alignment; a field that lacks
         * it (a CVODE vector, a species at an odd offset) goes through the aligned scratch */
        if (fftw_alignment_of((double *)field) != f->align_ref) {
            memcpy(f->rin, field, (size_t)g->nlocal * sizeof(double));
            field = f->rin;
        }
        fftw_execute_dft_r2c(f->r2c, (double *)field, out); /* out-of-place r2c keeps its input */
        return;
    case FREE_SERIAL:
        rows_in(field, g->n[0], g->n[1] * g->n[2], f->R, f->nt[0]);
        if (g->dim == 1) {
            fftw_execute_dft_r2c(f->fx, f->R, out);
        } else if (g->dim == 2) {
            fftw_execute_dft_r2c(f->fx, f->R, f->A);
            fftw_execute_dft(f->fy, f->A, out);
        } else {
            fftw_execute_dft_r2c(f->fx, f->R, f->A);
            fftw_execute_dft(f->fy, f->A, f->S);
            fftw_execute_dft(f->fz, f->S, out);
        }
        return;
#ifdef FA_HAVE_MPI
    case PERIODIC_MPI: {
        long nx = g->n[0];
        rows_in(field, nx, g->nlocal / nx, f->rin, 2 * (nx / 2 + 1));
        fftw_mpi_execute_dft_r2c(f->r2c, f->rin, out);
        return;
    }
    case FREE_MPI:
        free_mpi_in(f, field);
        fftw_mpi_execute_dft_r2c(f->r2c, f->rin, out);
        return;
#endif
    default: return;
    }
}

void fa_fft_inverse(fa_fft_t *f, fftw_complex *in, double *field)
{
    const fa_grid_layout_t *g = f->g;
    switch (f->kind) {
    case PERIODIC_SERIAL:
        if (fftw_alignment_of(field) != f->align_ref) {
            fftw_execute_dft_c2r(f->c2r, in, f->rin);
            memcpy(field, f->rin, (size_t)g->nlocal * sizeof(double));
        } else {
            fftw_execute_dft_c2r(f->c2r, in, field);
        }
        return;
    case FREE_SERIAL:
        if (g->dim == 3) fftw_execute_dft(f->bz, in, in);
        if (g->dim >= 2) fftw_execute_dft(f->by, in, in);
        fftw_execute_dft_c2r(f->bx, in, f->Rout);
        rows_out(f->Rout, f->nt[0], g->n[0], g->n[1] * g->n[2], field);
        return;
#ifdef FA_HAVE_MPI
    case PERIODIC_MPI: {
        long nx = g->n[0];
        fftw_mpi_execute_dft_c2r(f->c2r, in, f->rin);
        rows_out(f->rin, 2 * (nx / 2 + 1), nx, g->nlocal / nx, field);
        return;
    }
    case FREE_MPI:
        fftw_mpi_execute_dft_c2r(f->c2r, in, f->rin);
        free_mpi_out(f, field);
        return;
#endif
    default: return;
    }
}

int fa_fft_forward_table(fa_fft_t *f, fa_fft_table_fn fill, void *user, fftw_complex *out)
{
    const fa_grid_layout_t *g = f->g;
    int d = g->dim, rc = FA_OK;
    long nx = f->nt[0], rows_per_plane = d == 3 ? f->nt[1] : 1, nslow = f->nt[d - 1];
    if (f->kind == FREE_SERIAL) {
        /* the whole padded table at once: a full transform of its own, planned for this call */
        long total = (long)fa_fft_total_points(f);
        double *t = fftw_malloc((size_t)total * sizeof(double));
        if (!t) return FA_ERROR(FA_ENOMEM, "out of memory for a kernel table of %ld values", total);
        int nrev[3];
        for (int r = 0; r < d; r++) nrev[r] = (int)f->nt[d - 1 - r];
        fftw_plan p = fftw_plan_dft_r2c(d, nrev, t, out, FFTW_ESTIMATE);
        rc = p ? fill(user, 0, nslow, t) : FA_ERROR(FA_EFFTW, "FFTW could not plan the kernel table's transform");
        if (!rc) fftw_execute(p);
        if (p) fftw_destroy_plan(p);
        fftw_free(t);
        return rc;
    }
#ifdef FA_HAVE_MPI
    if (f->kind == FREE_MPI) {
        long rowlen = nx + 2, cnt = f->pad_count;
        double *t = fftw_malloc((size_t)((cnt > 0 ? cnt : 1) * rows_per_plane * nx) * sizeof(double));
        rc = t ? FA_OK : FA_ENOMEM;
        if (!rc && cnt > 0) rc = fill(user, f->pad_start, f->pad_start + cnt, t);
        rc = (int)fa_comm_min(fa_grid_comm(f->grid), (double)rc);
        if (!rc) {
            memset(f->rin, 0, (size_t)(cnt * rows_per_plane * rowlen) * sizeof(double));
            rows_in(t, nx, cnt * rows_per_plane, f->rin, rowlen);
            fftw_mpi_execute_dft_r2c(f->r2c, f->rin, out);
        }
        fftw_free(t);
        return rc == FA_ENOMEM ? FA_ERROR(FA_ENOMEM, "out of memory for a kernel table") : rc;
    }
#endif
    (void)nx, (void)rows_per_plane, (void)nslow;
    return FA_ERROR(FA_EINVAL, "kernel tables belong to free grids");
}
