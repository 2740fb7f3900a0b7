/* Collective operations over a communicator (internal; parallel.c). Every function is the
 * serial identity for a NULL communicator or one of a single rank, so callers need no
 * special case. All ranks of the communicator must call the collectives in the same order. */
#ifndef FA_COMM_H
#define FA_COMM_H

#include "internal.h"

#ifdef FA_HAVE_MPI
#include <mpi.h>
/* The MPI communicator behind a handle (MPI_COMM_SELF for NULL). */
MPI_Comm fa_comm_mpi(const fa_comm_t *c);
#endif

/* Is this communicator spread over more than one rank? */
int fa_comm_distributed(const fa_comm_t *c);
int fa_comm_is_root(const fa_comm_t *c);

double fa_comm_sum(const fa_comm_t *c, double x);
/* The sum over the ranks that share this rank's node (its shared memory). */
double fa_comm_node_sum(const fa_comm_t *c, double x);
double fa_comm_max(const fa_comm_t *c, double x);
double fa_comm_min(const fa_comm_t *c, double x);
void fa_comm_sum_array(const fa_comm_t *c, double *v, int n);
void fa_comm_max_array(const fa_comm_t *c, double *v, int n);
int fa_comm_bcast_int(const fa_comm_t *c, int v); /* rank 0's value */
void fa_comm_bcast_doubles(const fa_comm_t *c, double *v, long n);
void fa_comm_abort(const fa_comm_t *c, int code);

/* Planes of a slab decomposition along one axis: `plane` doubles each, this rank holds
 * `count` of them. Exchange `depth` planes with the neighbouring ranks: lower[k] = the lower
 * neighbour's plane count-depth+k, upper[k] = the upper neighbour's plane k. `periodic`: the
 * first and last ranks are neighbours; otherwise their outer halos are left untouched. */
void fa_comm_halo(const fa_comm_t *c, const double *f, long plane, long count, int depth, int periodic,
                  double *lower, double *upper);

/* Rank 0 receives every rank's slab (start, count planes of `plane` doubles) in rank order
 * and passes each to write(); `max_count` is the largest slab of any rank. Returns the
 * status agreed by all ranks. */
typedef int (*fa_slab_writer_fn)(void *user, long start, long count, const double *data);
int fa_comm_gather_slabs(const fa_comm_t *c, const double *local, long plane, long start, long count,
                         long max_count, fa_slab_writer_fn write, void *user);

/* The whole field on rank 0 (global: all planes; unused on the other ranks). */
int fa_comm_gather_to_root(const fa_comm_t *c, const double *local, long plane, long start, long count,
                           double *global);

/* Redistribute planes of one slab decomposition of an axis into another (e.g. a field's slabs
 * into the slabs of a larger zero-padded grid): this rank holds planes [from_start, from_start
 * + from_count) of `in` and receives the planes [to_start, to_start + to_count) that exist in
 * the source (global planes < total_from) into `out`; planes it should receive that nobody
 * holds are left untouched. Collective. */
int fa_comm_redistribute(const fa_comm_t *c, const double *in, long from_start, long from_count,
                         double *out, long to_start, long to_count, long plane, long total_from);

#endif
