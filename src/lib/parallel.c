/* Distributed runs: MPI start-up, reductions, halo exchange along the slab axis, gathering
 * slabs for output. Everything that talks to MPI outside FFTW lives here; in a build without
 * MPI, or a process started without an MPI launcher, these are the serial identities. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

#ifdef FA_HAVE_MPI
#include <fftw3-mpi.h>
#include <mpi.h>
static int mpi_on;      /* we initialised MPI */
#endif
static int rank_, size_ = 1;

int fa_parallel_init(int *argc, char ***argv)
{
#ifdef FA_HAVE_MPI
    /* Only under an MPI launcher (or when asked): a plain `fracagg run` stays a serial
     * process without MPI's start-up cost. */
    const char *vars[] = {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK", "MPI_LOCALNRANKS", "FRACAGG_MPI"};
    int launched = 0;
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
        if (getenv(vars[i])) launched = 1;
    if (!launched || mpi_on) return FA_OK;
    int flag = 0;
    MPI_Initialized(&flag);
    if (!flag && MPI_Init(argc, argv) != MPI_SUCCESS) return FA_ERROR(FA_EMPI, "MPI_Init failed");
    fftw_mpi_init();
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
    mpi_on = 1;
#else
    (void)argc, (void)argv;
#endif
    return FA_OK;
}

int fa_parallel_finalize(void)
{
#ifdef FA_HAVE_MPI
    if (mpi_on) {
        fftw_mpi_cleanup();
        MPI_Finalize();
        mpi_on = 0;
    }
#endif
    return FA_OK;
}

int fa_parallel_rank(void) { return rank_; }
int fa_parallel_size(void) { return size_; }

void fa_parallel_abort(int code)
{
#ifdef FA_HAVE_MPI
    if (mpi_on && size_ > 1) MPI_Abort(MPI_COMM_WORLD, code);
#endif
    (void)code;
}

/* ---- reductions -------------------------------------------------------------------- */

/* One double combined over all ranks; serially, x itself. */
#ifdef FA_HAVE_MPI
static double allreduce(double x, MPI_Op op)
{
    if (size_ > 1) MPI_Allreduce(MPI_IN_PLACE, &x, 1, MPI_DOUBLE, op, MPI_COMM_WORLD);
    return x;
}
#define REDUCE(x, op) allreduce((x), (op))
#else
#define REDUCE(x, op) (x)
#endif

double fa_reduce_sum(double x) { return REDUCE(x, MPI_SUM); }
double fa_reduce_max(double x) { return REDUCE(x, MPI_MAX); }
double fa_reduce_min(double x) { return REDUCE(x, MPI_MIN); }

void fa_reduce_sum_array(double *v, int n)
{
#ifdef FA_HAVE_MPI
    if (size_ > 1) MPI_Allreduce(MPI_IN_PLACE, v, n, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
#endif
    (void)v, (void)n;
}


int fa_bcast_int(int v)
{
#ifdef FA_HAVE_MPI
    if (size_ > 1) MPI_Bcast(&v, 1, MPI_INT, 0, MPI_COMM_WORLD);
#endif
    return v;
}

void fa_bcast_doubles(double *v, long n)
{
#ifdef FA_HAVE_MPI
    if (size_ > 1) MPI_Bcast(v, (int)n, MPI_DOUBLE, 0, MPI_COMM_WORLD);
#endif
    (void)v, (void)n;
}

/* ---- halos ------------------------------------------------------------------------- */

/* Planes of the slab axis around the local slab: lower[k] = plane -depth+k, upper[k] = plane
 * count+k (k < depth), from the neighbouring ranks (periodic); on a grid that is not
 * distributed, the periodic wrap of the local field. */
void fa_halo(const fa_grid_t *g, const double *f, int depth, double *lower, double *upper)
{
    long ps = g->plane, n = g->slow_count;
    if (!g->distributed) {
        for (int k = 0; k < depth; k++) {
            long below = ((n - depth + k) % n + n) % n, above = k % n;
            memcpy(lower + k * ps, f + below * ps, (size_t)ps * sizeof(double));
            memcpy(upper + k * ps, f + above * ps, (size_t)ps * sizeof(double));
        }
        return;
    }
#ifdef FA_HAVE_MPI
    int up = (rank_ + 1) % size_, down = (rank_ - 1 + size_) % size_;
    /* my top planes go up (they are the upper neighbour's lower halo), and the reverse */
    MPI_Sendrecv(f + (n - depth) * ps, depth * (int)ps, MPI_DOUBLE, up, 11, lower, depth * (int)ps, MPI_DOUBLE, down, 11,
                 MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    MPI_Sendrecv(f, depth * (int)ps, MPI_DOUBLE, down, 12, upper, depth * (int)ps, MPI_DOUBLE, up, 12, MPI_COMM_WORLD,
                 MPI_STATUS_IGNORE);
#endif
}

/* ---- gathering slabs for output ---------------------------------------------------- */

int fa_gather_slabs(const fa_grid_t *g, const double *local, fa_slab_writer_fn write, void *user)
{
    if (!g->distributed) return write(user, g->slow_start, g->slow_count, local);
#ifdef FA_HAVE_MPI
    int rc = FA_OK;
    if (rank_ == 0) {
        rc = write(user, g->slow_start, g->slow_count, local);
        double *buf = fa_malloc((size_t)g->max_slow_count * g->plane * sizeof(double));
        if (!buf) rc = FA_ENOMEM;
        for (int r = 1; r < size_; r++) {
            long hdr[2];
            MPI_Recv(hdr, 2, MPI_LONG, r, 21, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            MPI_Recv(buf ? buf : (double *)local, buf ? (int)(hdr[1] * g->plane) : 0, MPI_DOUBLE, r, 22, MPI_COMM_WORLD,
                     MPI_STATUS_IGNORE);
            if (!rc && hdr[1] > 0) rc = write(user, hdr[0], hdr[1], buf);
        }
        free(buf);
    } else {
        long hdr[2] = {g->slow_start, g->slow_count};
        MPI_Send(hdr, 2, MPI_LONG, 0, 21, MPI_COMM_WORLD);
        MPI_Send(local, (int)(g->slow_count * g->plane), MPI_DOUBLE, 0, 22, MPI_COMM_WORLD);
    }
    return fa_bcast_int(rc);
#else
    return write(user, g->slow_start, g->slow_count, local);
#endif
}

/* The whole field on rank 0 (for computations that run serially there, e.g. W1). */
int fa_gather_to_root(const fa_grid_t *g, const double *local, double *global)
{
    if (!g->distributed) {
        memcpy(global, local, (size_t)g->nlocal * sizeof(double));
        return FA_OK;
    }
#ifdef FA_HAVE_MPI
    int *counts = NULL, *displs = NULL;
    if (rank_ == 0) {
        counts = fa_malloc((size_t)size_ * sizeof(int));
        displs = fa_malloc((size_t)size_ * sizeof(int));
    }
    int mine = (int)g->nlocal, start = (int)(g->slow_start * g->plane);
    MPI_Gather(&mine, 1, MPI_INT, counts, 1, MPI_INT, 0, MPI_COMM_WORLD);
    MPI_Gather(&start, 1, MPI_INT, displs, 1, MPI_INT, 0, MPI_COMM_WORLD);
    MPI_Gatherv(local, mine, MPI_DOUBLE, global, counts, displs, MPI_DOUBLE, 0, MPI_COMM_WORLD);
    free(counts);
    free(displs);
#endif
    return FA_OK;
}
