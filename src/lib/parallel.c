/* Distributed runs: communicators, reductions, halo exchange along the slab axis, gathering
 * and redistributing slabs. Everything that talks to MPI outside FFTW lives here; for a NULL
 * communicator (or in a build without MPI) these are the serial identities. */
#include "comm.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#ifdef FA_HAVE_MPI
#include <fftw3-mpi.h>

#include "fracagg/comm_mpi.h"

struct fa_comm {
    MPI_Comm comm; /* our duplicate of the caller's */
    int rank, size;
};

static int fftw_mpi_ready;

int fa_comm_create(MPI_Comm comm, fa_comm_t **out)
{
    *out = NULL;
    int init = 0;
    MPI_Initialized(&init);
    if (!init) return FA_ERROR(FA_EMPI, "fa_comm_create: MPI is not initialised");
    fa_comm_t *c = fa_calloc(1, sizeof *c);
    if (!c) return FA_ENOMEM;
    if (MPI_Comm_dup(comm, &c->comm) != MPI_SUCCESS) {
        free(c);
        return FA_ERROR(FA_EMPI, "MPI_Comm_dup failed");
    }
    MPI_Comm_rank(c->comm, &c->rank);
    MPI_Comm_size(c->comm, &c->size);
    if (!fftw_mpi_ready) { /* FFTW's MPI planner: once per process, never cleaned up (other
                              handles or the caller may still plan) */
        fftw_mpi_init();
        fftw_mpi_ready = 1;
    }
    *out = c;
    return FA_OK;
}

void fa_comm_free(fa_comm_t *c)
{
    if (!c) return;
    int fin = 0;
    MPI_Finalized(&fin);
    if (!fin) MPI_Comm_free(&c->comm);
    free(c);
}

MPI_Comm fa_comm_mpi(const fa_comm_t *c) { return c ? c->comm : MPI_COMM_SELF; }
int fa_comm_rank(const fa_comm_t *c) { return c ? c->rank : 0; }
int fa_comm_size(const fa_comm_t *c) { return c ? c->size : 1; }
int fa_have_mpi(void) { return 1; }
#define DIST(c) ((c) && (c)->size > 1)
#else
struct fa_comm {
    int unused;
};
void fa_comm_free(fa_comm_t *c) { (void)c; }
int fa_comm_rank(const fa_comm_t *c) { return (void)c, 0; }
int fa_comm_size(const fa_comm_t *c) { return (void)c, 1; }
int fa_have_mpi(void) { return 0; }
#define DIST(c) ((void)(c), 0)
#endif

int fa_comm_distributed(const fa_comm_t *c) { return DIST(c); }
int fa_comm_is_root(const fa_comm_t *c) { return fa_comm_rank(c) == 0; }

/* ---- reductions -------------------------------------------------------------------- */

#ifdef FA_HAVE_MPI
static double allreduce(const fa_comm_t *c, double x, MPI_Op op)
{
    if (DIST(c)) MPI_Allreduce(MPI_IN_PLACE, &x, 1, MPI_DOUBLE, op, c->comm);
    return x;
}
#define REDUCE(c, x, op) allreduce((c), (x), (op))
#else
#define REDUCE(c, x, op) ((void)(c), (x))
#endif

double fa_comm_sum(const fa_comm_t *c, double x) { return REDUCE(c, x, MPI_SUM); }

double fa_comm_node_sum(const fa_comm_t *c, double x)
{
#ifdef FA_HAVE_MPI
    if (DIST(c)) {
        MPI_Comm node;
        double sum = x;
        if (MPI_Comm_split_type(c->comm, MPI_COMM_TYPE_SHARED, c->rank, MPI_INFO_NULL, &node) != MPI_SUCCESS) return x;
        MPI_Allreduce(&x, &sum, 1, MPI_DOUBLE, MPI_SUM, node);
        MPI_Comm_free(&node);
        return sum;
    }
#endif
    (void)c;
    return x;
}
double fa_comm_max(const fa_comm_t *c, double x) { return REDUCE(c, x, MPI_MAX); }
double fa_comm_min(const fa_comm_t *c, double x) { return REDUCE(c, x, MPI_MIN); }

void fa_comm_sum_array(const fa_comm_t *c, double *v, int n)
{
#ifdef FA_HAVE_MPI
    if (DIST(c)) MPI_Allreduce(MPI_IN_PLACE, v, n, MPI_DOUBLE, MPI_SUM, c->comm);
#endif
    (void)c, (void)v, (void)n;
}

void fa_comm_max_array(const fa_comm_t *c, double *v, int n)
{
#ifdef FA_HAVE_MPI
    if (DIST(c)) MPI_Allreduce(MPI_IN_PLACE, v, n, MPI_DOUBLE, MPI_MAX, c->comm);
#endif
    (void)c, (void)v, (void)n;
}

int fa_comm_bcast_int(const fa_comm_t *c, int v)
{
#ifdef FA_HAVE_MPI
    if (DIST(c)) MPI_Bcast(&v, 1, MPI_INT, 0, c->comm);
#endif
    (void)c;
    return v;
}

void fa_comm_bcast_doubles(const fa_comm_t *c, double *v, long n)
{
#ifdef FA_HAVE_MPI
    if (DIST(c)) MPI_Bcast(v, (int)n, MPI_DOUBLE, 0, c->comm);
#endif
    (void)c, (void)v, (void)n;
}

void fa_comm_abort(const fa_comm_t *c, int code)
{
#ifdef FA_HAVE_MPI
    if (DIST(c)) MPI_Abort(c->comm, code);
#endif
    (void)c, (void)code;
}

/* ---- halos ------------------------------------------------------------------------- */

void fa_comm_halo(const fa_comm_t *c, const double *f, long ps, long n, int depth, int periodic, double *lower,
                  double *upper)
{
    if (!DIST(c)) {
        if (!periodic) return; /* one rank holds the whole axis: no neighbours */
        for (int k = 0; k < depth; k++) {
            long below = ((n - depth + k) % n + n) % n, above = k % n;
            memcpy(lower + k * ps, f + below * ps, (size_t)ps * sizeof(double));
            memcpy(upper + k * ps, f + above * ps, (size_t)ps * sizeof(double));
        }
        return;
    }
#ifdef FA_HAVE_MPI
    int up = c->rank + 1, down = c->rank - 1;
    if (periodic) up %= c->size, down = (down + c->size) % c->size;
    else up = up < c->size ? up : MPI_PROC_NULL, down = down >= 0 ? down : MPI_PROC_NULL;
    /* my top planes go up (they are the upper neighbour's lower halo), and the reverse */
    MPI_Sendrecv(f + (n - depth) * ps, depth * (int)ps, MPI_DOUBLE, up, 11, lower, depth * (int)ps, MPI_DOUBLE, down, 11,
                 c->comm, MPI_STATUS_IGNORE);
    MPI_Sendrecv(f, depth * (int)ps, MPI_DOUBLE, down, 12, upper, depth * (int)ps, MPI_DOUBLE, up, 12, c->comm,
                 MPI_STATUS_IGNORE);
#endif
}

/* ---- gathering slabs for output ---------------------------------------------------- */

int fa_comm_gather_slabs(const fa_comm_t *c, const double *local, long ps, long start, long count, long max_count,
                         fa_slab_writer_fn write, void *user)
{
    if (!DIST(c)) return write(user, start, count, local);
#ifdef FA_HAVE_MPI
    int rc = FA_OK;
    if (c->rank == 0) {
        rc = write(user, start, count, local);
        double *buf = fa_malloc((size_t)max_count * ps * sizeof(double));
        if (!buf) rc = FA_ENOMEM;
        for (int r = 1; r < c->size; r++) {
            long hdr[2];
            MPI_Recv(hdr, 2, MPI_LONG, r, 21, c->comm, MPI_STATUS_IGNORE);
            MPI_Recv(buf ? buf : (double *)local, buf ? (int)(hdr[1] * ps) : 0, MPI_DOUBLE, r, 22, c->comm,
                     MPI_STATUS_IGNORE);
            if (!rc && hdr[1] > 0) rc = write(user, hdr[0], hdr[1], buf);
        }
        free(buf);
    } else {
        long hdr[2] = {start, count};
        MPI_Send(hdr, 2, MPI_LONG, 0, 21, c->comm);
        MPI_Send(local, (int)(count * ps), MPI_DOUBLE, 0, 22, c->comm);
    }
    return fa_comm_bcast_int(c, rc);
#else
    return FA_OK;
#endif
}

int fa_comm_gather_to_root(const fa_comm_t *c, const double *local, long ps, long start, long count, double *global)
{
    if (!DIST(c)) {
        memcpy(global, local, (size_t)(ps * count) * sizeof(double));
        return FA_OK;
    }
#ifdef FA_HAVE_MPI
    int *counts = NULL, *displs = NULL;
    if (c->rank == 0) {
        counts = fa_malloc((size_t)c->size * sizeof(int));
        displs = fa_malloc((size_t)c->size * sizeof(int));
    }
    int fail = c->rank == 0 && (!counts || !displs);
    int mine = (int)(count * ps), at = (int)(start * ps);
    MPI_Gather(&mine, 1, MPI_INT, counts, 1, MPI_INT, 0, c->comm);
    MPI_Gather(&at, 1, MPI_INT, displs, 1, MPI_INT, 0, c->comm);
    fail = fa_comm_bcast_int(c, fail);
    if (!fail) MPI_Gatherv(local, mine, MPI_DOUBLE, global, counts, displs, MPI_DOUBLE, 0, c->comm);
    free(counts);
    free(displs);
    if (fail) return FA_ERROR(FA_ENOMEM, "out of memory gathering a field");
#endif
    return FA_OK;
}

/* ---- redistribution between slab decompositions ------------------------------------ */

int fa_comm_redistribute(const fa_comm_t *c, const double *in, long from_start, long from_count, double *out,
                         long to_start, long to_count, long ps, long total_from)
{
    if (!DIST(c)) { /* one rank: the planes that exist move from in to out */
        long lo = to_start > from_start ? to_start : from_start;
        long hi = to_start + to_count;
        if (from_start + from_count < hi) hi = from_start + from_count;
        if (total_from < hi) hi = total_from;
        if (hi > lo)
            memmove(out + (lo - to_start) * ps, in + (lo - from_start) * ps, (size_t)((hi - lo) * ps) * sizeof(double));
        return FA_OK;
    }
#ifdef FA_HAVE_MPI
    int P = c->size;
    long mine[4] = {from_start, from_count, to_start, to_count}, *all = fa_malloc((size_t)4 * P * sizeof(long));
    int *sc = fa_malloc((size_t)4 * P * sizeof(int)), fail = !all || !sc;
    if (fa_comm_max(c, fail) > 0) {
        free(all);
        free(sc);
        return FA_ERROR(FA_ENOMEM, "out of memory redistributing slabs");
    }
    MPI_Allgather(mine, 4, MPI_LONG, all, 4, MPI_LONG, c->comm);
    int *sd = sc + P, *rc = sd + P, *rd = rc + P, big = 0;
    for (int r = 0; r < P; r++) {
        /* what I send to r: my source planes inside r's target range */
        long lo = all[4 * r + 2] > from_start ? all[4 * r + 2] : from_start;
        long hi = all[4 * r + 2] + all[4 * r + 3];
        if (from_start + from_count < hi) hi = from_start + from_count;
        if (total_from < hi) hi = total_from;
        long n = hi > lo ? (hi - lo) * ps : 0, off = hi > lo ? (lo - from_start) * ps : 0;
        /* what I receive from r: r's source planes inside my target range */
        long rlo = to_start > all[4 * r] ? to_start : all[4 * r];
        long rhi = to_start + to_count;
        if (all[4 * r] + all[4 * r + 1] < rhi) rhi = all[4 * r] + all[4 * r + 1];
        if (total_from < rhi) rhi = total_from;
        long rn = rhi > rlo ? (rhi - rlo) * ps : 0, roff = rhi > rlo ? (rlo - to_start) * ps : 0;
        if (off + n > INT_MAX || roff + rn > INT_MAX) big = 1;
        sc[r] = (int)n, sd[r] = (int)off, rc[r] = (int)rn, rd[r] = (int)roff;
    }
    free(all);
    if (fa_comm_max(c, big) > 0) {
        free(sc);
        return FA_ERROR(FA_EUNSUPPORTED, "a slab of more than 2^31 values per process: use more processes");
    }
    MPI_Alltoallv(in, sc, sd, MPI_DOUBLE, out, rc, rd, MPI_DOUBLE, c->comm);
    free(sc);
#endif
    return FA_OK;
}
