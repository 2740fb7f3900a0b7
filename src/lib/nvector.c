/* fracagg's N_Vector for CVODE: contiguous double arrays (FFTW-aligned), optionally threaded.
 *
 * Why not NVECTOR_SERIAL: Debian 12's SUNDIALS 6.4 is built without optimisation, and its
 * vector kernels took 70 % of a 2D BDF run (measured with perf: N_VDotProd_Serial alone
 * 17 %). CVODE's algorithms stay SUNDIALS'; only the elementwise kernels are ours, compiled
 * with the project's flags. Reductions go through reduce_sum/reduce_max, the one place a
 * distributed build adds its global communication. */
#include "comm.h"

#include <float.h>
#include <fftw3.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nvector.h"

typedef struct {
    long len;     /* local length */
    long global_len; /* the sum of len over the ranks (once, at creation: WRMS norms divide by it) */
    double *data;
    int own;      /* data allocated here */
    int threads;
    const fa_comm_t *comm; /* reductions over its ranks (NULL: none) */
} fa_nv_content_t;

#define CONTENT(v) ((fa_nv_content_t *)(v)->content)
#define LEN(v) (CONTENT(v)->len)
#define DATA(v) (CONTENT(v)->data)
#define NT(v) (CONTENT(v)->threads)
/* threads only pay for long vectors */
#define PAR(v) if (NT(v) > 1 && LEN(v) > 32768) num_threads(NT(v))

#define COMM(v) (CONTENT(v)->comm)
#define reduce_sum_ fa_comm_sum
#define reduce_max_ fa_comm_max
#define reduce_min_ fa_comm_min

static N_Vector_ID nv_id(N_Vector v)
{
    (void)v;
    return SUNDIALS_NVEC_CUSTOM;
}

static N_Vector nv_clone_empty(N_Vector w)
{
    N_Vector v = N_VNewEmpty(w->sunctx);
    if (!v) return NULL;
    if (N_VCopyOps(w, v)) {
        N_VFreeEmpty(v);
        return NULL;
    }
    fa_nv_content_t *c = malloc(sizeof *c);
    if (!c) {
        N_VFreeEmpty(v);
        return NULL;
    }
    *c = *CONTENT(w);
    c->data = NULL;
    c->own = 0;
    v->content = c;
    return v;
}

static N_Vector nv_clone(N_Vector w)
{
    N_Vector v = nv_clone_empty(w);
    if (!v) return NULL;
    CONTENT(v)->data = fftw_malloc((size_t)(LEN(w) ? LEN(w) : 1) * sizeof(double));
    if (!CONTENT(v)->data) {
        free(v->content);
        v->content = NULL;
        N_VFreeEmpty(v);
        return NULL;
    }
    CONTENT(v)->own = 1;
    return v;
}

static void nv_destroy(N_Vector v)
{
    if (!v) return;
    if (v->content) {
        if (CONTENT(v)->own) fftw_free(CONTENT(v)->data);
        free(v->content);
        v->content = NULL;
    }
    N_VFreeEmpty(v);
}

static void nv_space(N_Vector v, sunindextype *lrw, sunindextype *liw)
{
    *lrw = LEN(v);
    *liw = 2;
}

static sunrealtype *nv_get_array(N_Vector v) { return DATA(v); }
static void nv_set_array(sunrealtype *p, N_Vector v) { DATA(v) = p; }
static sunindextype nv_length(N_Vector v) { return (sunindextype)CONTENT(v)->global_len; }
#if FA_SUNDIALS_MAJOR >= 7
static SUNComm nv_comm(N_Vector v)
{
    (void)v;
    return SUN_COMM_NULL;
}
#else
static void *nv_comm(N_Vector v)
{
    (void)v;
    return NULL;
}
#endif

/* ---- elementwise ------------------------------------------------------------------- */

static void nv_linear_sum(sunrealtype a, N_Vector x, sunrealtype b, N_Vector y, N_Vector z)
{
    const double *restrict xd = DATA(x), *restrict yd = DATA(y);
    double *zd = DATA(z);
    long n = LEN(x);
#pragma omp parallel for simd PAR(x)
    for (long i = 0; i < n; i++) zd[i] = a * xd[i] + b * yd[i];
}

static void nv_const(sunrealtype c, N_Vector z)
{
    double *zd = DATA(z);
    long n = LEN(z);
#pragma omp parallel for simd PAR(z)
    for (long i = 0; i < n; i++) zd[i] = c;
}

static void nv_prod(N_Vector x, N_Vector y, N_Vector z)
{
    const double *xd = DATA(x), *yd = DATA(y);
    double *zd = DATA(z);
    long n = LEN(x);
#pragma omp parallel for simd PAR(x)
    for (long i = 0; i < n; i++) zd[i] = xd[i] * yd[i];
}

static void nv_div(N_Vector x, N_Vector y, N_Vector z)
{
    const double *xd = DATA(x), *yd = DATA(y);
    double *zd = DATA(z);
    long n = LEN(x);
#pragma omp parallel for simd PAR(x)
    for (long i = 0; i < n; i++) zd[i] = xd[i] / yd[i];
}

static void nv_scale(sunrealtype c, N_Vector x, N_Vector z)
{
    const double *xd = DATA(x);
    double *zd = DATA(z);
    long n = LEN(x);
#pragma omp parallel for simd PAR(x)
    for (long i = 0; i < n; i++) zd[i] = c * xd[i];
}

static void nv_abs(N_Vector x, N_Vector z)
{
    const double *xd = DATA(x);
    double *zd = DATA(z);
    long n = LEN(x);
#pragma omp parallel for simd PAR(x)
    for (long i = 0; i < n; i++) zd[i] = fabs(xd[i]);
}

static void nv_inv(N_Vector x, N_Vector z)
{
    const double *xd = DATA(x);
    double *zd = DATA(z);
    long n = LEN(x);
#pragma omp parallel for simd PAR(x)
    for (long i = 0; i < n; i++) zd[i] = 1.0 / xd[i];
}

static void nv_add_const(N_Vector x, sunrealtype b, N_Vector z)
{
    const double *xd = DATA(x);
    double *zd = DATA(z);
    long n = LEN(x);
#pragma omp parallel for simd PAR(x)
    for (long i = 0; i < n; i++) zd[i] = xd[i] + b;
}

static void nv_compare(sunrealtype c, N_Vector x, N_Vector z)
{
    const double *xd = DATA(x);
    double *zd = DATA(z);
    long n = LEN(x);
#pragma omp parallel for simd PAR(x)
    for (long i = 0; i < n; i++) zd[i] = fabs(xd[i]) >= c ? 1.0 : 0.0;
}

/* ---- reductions -------------------------------------------------------------------- */

static sunrealtype nv_dot_local(N_Vector x, N_Vector y)
{
    const double *xd = DATA(x), *yd = DATA(y);
    long n = LEN(x);
    double s = 0;
#pragma omp parallel for simd reduction(+ : s) PAR(x)
    for (long i = 0; i < n; i++) s += xd[i] * yd[i];
    return s;
}
static sunrealtype nv_dot(N_Vector x, N_Vector y) { return reduce_sum_(COMM(x), nv_dot_local(x, y)); }

static sunrealtype nv_max_norm_local(N_Vector x)
{
    const double *xd = DATA(x);
    long n = LEN(x);
    double m = 0;
#pragma omp parallel for simd reduction(max : m) PAR(x)
    for (long i = 0; i < n; i++) { /* comparisons, not fmax: a libm call per element */
        double v = fabs(xd[i]);
        m = v > m ? v : m;
    }
    return m;
}
static sunrealtype nv_max_norm(N_Vector x) { return reduce_max_(COMM(x), nv_max_norm_local(x)); }

static sunrealtype nv_wsqrsum_local(N_Vector x, N_Vector w)
{
    const double *xd = DATA(x), *wd = DATA(w);
    long n = LEN(x);
    double s = 0;
#pragma omp parallel for simd reduction(+ : s) PAR(x)
    for (long i = 0; i < n; i++) {
        double p = xd[i] * wd[i];
        s += p * p;
    }
    return s;
}

static sunrealtype nv_wsqrsum_mask_local(N_Vector x, N_Vector w, N_Vector id)
{
    const double *xd = DATA(x), *wd = DATA(w), *md = DATA(id);
    long n = LEN(x);
    double s = 0;
#pragma omp parallel for simd reduction(+ : s) PAR(x)
    for (long i = 0; i < n; i++) {
        double p = md[i] > 0 ? xd[i] * wd[i] : 0.0;
        s += p * p;
    }
    return s;
}

static sunrealtype nv_wrms(N_Vector x, N_Vector w)
{
    return sqrt(reduce_sum_(COMM(x), nv_wsqrsum_local(x, w)) / (double)nv_length(x));
}

static sunrealtype nv_wrms_mask(N_Vector x, N_Vector w, N_Vector id)
{
    return sqrt(reduce_sum_(COMM(x), nv_wsqrsum_mask_local(x, w, id)) / (double)nv_length(x));
}

static sunrealtype nv_wl2(N_Vector x, N_Vector w) { return sqrt(reduce_sum_(COMM(x), nv_wsqrsum_local(x, w))); }

static sunrealtype nv_min_local(N_Vector x)
{
    const double *xd = DATA(x);
    long n = LEN(x);
    double m = INFINITY;
#pragma omp parallel for simd reduction(min : m) PAR(x)
    for (long i = 0; i < n; i++) m = xd[i] < m ? xd[i] : m;
    return m;
}
static sunrealtype nv_min(N_Vector x) { return reduce_min_(COMM(x), nv_min_local(x)); }

static sunrealtype nv_l1_local(N_Vector x)
{
    const double *xd = DATA(x);
    long n = LEN(x);
    double s = 0;
#pragma omp parallel for simd reduction(+ : s) PAR(x)
    for (long i = 0; i < n; i++) s += fabs(xd[i]);
    return s;
}
static sunrealtype nv_l1(N_Vector x) { return reduce_sum_(COMM(x), nv_l1_local(x)); }

static sunbooleantype nv_inv_test_local(N_Vector x, N_Vector z)
{
    const double *xd = DATA(x);
    double *zd = DATA(z);
    long n = LEN(x);
    int ok = 1;
    for (long i = 0; i < n; i++) {
        if (xd[i] == 0)
            ok = 0;
        else
            zd[i] = 1.0 / xd[i];
    }
    return ok ? SUNTRUE : SUNFALSE;
}
static sunbooleantype nv_inv_test(N_Vector x, N_Vector z)
{
    return reduce_min_(COMM(x), nv_inv_test_local(x, z) ? 1.0 : 0.0) > 0 ? SUNTRUE : SUNFALSE;
}

/* m[i] = 1 where x[i] violates the constraint c[i] (SUNDIALS' convention), else 0. */
static sunbooleantype nv_constr_mask_local(N_Vector c, N_Vector x, N_Vector m)
{
    const double *cd = DATA(c), *xd = DATA(x);
    double *md = DATA(m);
    long n = LEN(x);
    int ok = 1;
    for (long i = 0; i < n; i++) {
        md[i] = 0;
        double ci = cd[i], xi = xd[i];
        if (ci == 0) continue;
        int bad = (fabs(ci) > 1.5 && xi * ci <= 0) || (fabs(ci) > 0.5 && xi * ci < 0);
        if (bad) {
            ok = 0;
            md[i] = 1;
        }
    }
    return ok ? SUNTRUE : SUNFALSE;
}
static sunbooleantype nv_constr_mask(N_Vector c, N_Vector x, N_Vector m)
{
    return reduce_min_(COMM(x), nv_constr_mask_local(c, x, m) ? 1.0 : 0.0) > 0 ? SUNTRUE : SUNFALSE;
}

static sunrealtype nv_min_quotient_local(N_Vector num, N_Vector den)
{
    const double *nd = DATA(num), *dd = DATA(den);
    long n = LEN(num);
    double m = DBL_MAX; /* SUNDIALS' BIG_REAL */
    for (long i = 0; i < n; i++)
        if (dd[i] != 0) m = fmin(m, nd[i] / dd[i]);
    return m;
}
static sunrealtype nv_min_quotient(N_Vector num, N_Vector den)
{
    return reduce_min_(COMM(num), nv_min_quotient_local(num, den));
}

/* ---- fused operations -------------------------------------------------------------- */

static int nv_linear_combination(int nv, sunrealtype *c, N_Vector *X, N_Vector z)
{
    double *zd = DATA(z);
    long n = LEN(z);
    if (nv == 1) {
        nv_scale(c[0], X[0], z);
        return 0;
    }
    /* z may alias X[0]: accumulate into z after the first term */
    const double *x0 = DATA(X[0]);
    if (x0 == zd) {
        if (c[0] != 1.0)
#pragma omp parallel for simd PAR(z)
            for (long i = 0; i < n; i++) zd[i] *= c[0];
    } else {
#pragma omp parallel for simd PAR(z)
        for (long i = 0; i < n; i++) zd[i] = c[0] * x0[i];
    }
    for (int k = 1; k < nv; k++) {
        const double *xk = DATA(X[k]);
        double ck = c[k];
#pragma omp parallel for simd PAR(z)
        for (long i = 0; i < n; i++) zd[i] += ck * xk[i];
    }
    return 0;
}

static int nv_scale_add_multi(int nv, sunrealtype *a, N_Vector x, N_Vector *Y, N_Vector *Z)
{
    const double *xd = DATA(x);
    long n = LEN(x);
    for (int k = 0; k < nv; k++) {
        const double *yd = DATA(Y[k]);
        double *zd = DATA(Z[k]), ak = a[k];
#pragma omp parallel for simd PAR(x)
        for (long i = 0; i < n; i++) zd[i] = ak * xd[i] + yd[i];
    }
    return 0;
}

static int nv_dot_prod_multi(int nv, N_Vector x, N_Vector *Y, sunrealtype *d)
{
    for (int k = 0; k < nv; k++) d[k] = nv_dot_local(x, Y[k]);
    fa_comm_sum_array(COMM(x), d, nv); /* one reduction for all nv products */
    return 0;
}

/* ---- construction ------------------------------------------------------------------ */

N_Vector fa_nvector_new(SUNContext ctx, long len, double *data, int threads, const fa_comm_t *comm)
{
    N_Vector v = N_VNewEmpty(ctx);
    if (!v) return NULL;
    N_Vector_Ops o = v->ops;
    o->nvgetvectorid = nv_id;
    o->nvclone = nv_clone;
    o->nvcloneempty = nv_clone_empty;
    o->nvdestroy = nv_destroy;
    o->nvspace = nv_space;
    o->nvgetarraypointer = nv_get_array;
    o->nvsetarraypointer = nv_set_array;
    o->nvgetcommunicator = nv_comm;
    o->nvgetlength = nv_length;
    o->nvlinearsum = nv_linear_sum;
    o->nvconst = nv_const;
    o->nvprod = nv_prod;
    o->nvdiv = nv_div;
    o->nvscale = nv_scale;
    o->nvabs = nv_abs;
    o->nvinv = nv_inv;
    o->nvaddconst = nv_add_const;
    o->nvdotprod = nv_dot;
    o->nvmaxnorm = nv_max_norm;
    o->nvwrmsnorm = nv_wrms;
    o->nvwrmsnormmask = nv_wrms_mask;
    o->nvmin = nv_min;
    o->nvwl2norm = nv_wl2;
    o->nvl1norm = nv_l1;
    o->nvcompare = nv_compare;
    o->nvinvtest = nv_inv_test;
    o->nvconstrmask = nv_constr_mask;
    o->nvminquotient = nv_min_quotient;
    o->nvlinearcombination = nv_linear_combination;
    o->nvscaleaddmulti = nv_scale_add_multi;
    o->nvdotprodmulti = nv_dot_prod_multi;
    o->nvdotprodlocal = nv_dot_local;
    o->nvmaxnormlocal = nv_max_norm_local;
    o->nvminlocal = nv_min_local;
    o->nvl1normlocal = nv_l1_local;
    o->nvinvtestlocal = nv_inv_test_local;
    o->nvconstrmasklocal = nv_constr_mask_local;
    o->nvminquotientlocal = nv_min_quotient_local;
    o->nvwsqrsumlocal = nv_wsqrsum_local;
    o->nvwsqrsummasklocal = nv_wsqrsum_mask_local;
    fa_nv_content_t *c = malloc(sizeof *c);
    if (!c) {
        N_VFreeEmpty(v);
        return NULL;
    }
    c->len = len;
    c->global_len = (long)fa_comm_sum(comm, (double)len);
    c->comm = comm;
    c->threads = threads > 1 ? threads : 1;
    c->own = data == NULL;
    c->data = data ? data : fftw_malloc((size_t)(len ? len : 1) * sizeof(double));
    v->content = c;
    if (!c->data) {
        nv_destroy(v);
        return NULL;
    }
    return v;
}
