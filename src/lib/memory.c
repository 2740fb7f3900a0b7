/* What this process may still allocate, and the check of a run's estimate against it (see
 * memory.h). Linux reports three limits that matter: the kernel's MemAvailable (what can be
 * allocated without swapping; a run that swaps is as lost as one that is killed), a control
 * group's memory limit (containers, batch systems), and the process's own limits (ulimit -v,
 * -d). Overcommit lets every single allocation of a run too big for the machine succeed and
 * the kernel kill the process minutes later, when the pages are first touched: hence the
 * estimate beforehand. */
#include "memory.h"
#include "grid_internal.h"
#include "model_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

/* The value of "Key:  N kB" in /proc/meminfo, in bytes; HUGE_VAL if absent. */
static double meminfo(const char *key)
{
    FILE *f = fopen("/proc/meminfo", "r");
    if (!f) return HUGE_VAL;
    char line[256];
    double v = HUGE_VAL;
    size_t n = strlen(key);
    while (fgets(line, sizeof line, f))
        if (strncmp(line, key, n) == 0) {
            double kb;
            if (sscanf(line + n, " %lf", &kb) == 1) v = kb * 1024;
            break;
        }
    fclose(f);
    return v;
}

/* The number a one-line file holds ("max" or absent: HUGE_VAL). */
static double file_number(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) return HUGE_VAL;
    double v;
    if (fscanf(f, "%lf", &v) != 1) v = HUGE_VAL;
    fclose(f);
    return v;
}

/* The control group's limit less its usage (v2, else v1), HUGE_VAL if unlimited. */
static double cgroup_available(void)
{
    double lim = file_number("/sys/fs/cgroup/memory.max"), use = file_number("/sys/fs/cgroup/memory.current");
    if (!isfinite(lim)) {
        lim = file_number("/sys/fs/cgroup/memory/memory.limit_in_bytes");
        use = file_number("/sys/fs/cgroup/memory/memory.usage_in_bytes");
    }
    return isfinite(lim) && isfinite(use) ? lim - use : HUGE_VAL;
}

/* What the process's limits leave: RLIMIT_AS less its address space, RLIMIT_DATA less its
 * data segment (/proc/self/statm: size and data, in pages). */
static double rlimit_available(void)
{
    double avail = HUGE_VAL, size = 0, data = 0, page = (double)sysconf(_SC_PAGESIZE);
    FILE *f = fopen("/proc/self/statm", "r");
    if (f) {
        double resident, shared, text, lib;
        if (fscanf(f, "%lf %lf %lf %lf %lf %lf", &size, &resident, &shared, &text, &lib, &data) != 6) size = data = 0;
        fclose(f);
    }
    struct rlimit r;
    if (getrlimit(RLIMIT_AS, &r) == 0 && r.rlim_cur != RLIM_INFINITY) avail = fmin(avail, (double)r.rlim_cur - size * page);
    if (getrlimit(RLIMIT_DATA, &r) == 0 && r.rlim_cur != RLIM_INFINITY) avail = fmin(avail, (double)r.rlim_cur - data * page);
    return avail;
}

static double node_available(void) { return fmin(meminfo("MemAvailable:"), cgroup_available()); }

double fa_memory_available(void) { return fmax(0.0, fmin(node_available(), rlimit_available())); }

static void format_bytes(double b, char *out, size_t cap)
{
    if (b >= 1e9) snprintf(out, cap, "%.1f GB", b / 1e9);
    else if (b >= 1e6) snprintf(out, cap, "%.0f MB", b / 1e6);
    else snprintf(out, cap, "%.0f kB", b / 1e3);
}

int fa_memory_check(const fa_comm_t *comm, double bytes, const char *what, const char *advice)
{
    /* the ranks of a node share its memory; the process limits are each rank's own */
    double on_node = fa_comm_node_sum(comm, bytes), node = node_available(), proc = rlimit_available();
    double short_node = on_node - node, short_proc = bytes - proc;
    int over = (short_node > 0) || (short_proc > 0);
    over = fa_comm_max(comm, (double)over) > 0;
    fa_log(FA_LOG_INFO, "memory: %s needs about %.4g MB (estimate; %.4g MB on this node), %.4g MB available",
           what, bytes / 1e6, on_node / 1e6, fmin(node, proc) / 1e6);
    if (!over) return FA_OK;
    /* the same message on every rank: the worst node and process */
    double need = fa_comm_max(comm, short_node > short_proc ? on_node : bytes);
    double have = fa_comm_min(comm, short_node > short_proc ? node : proc);
    char n[32], h[32];
    format_bytes(need, n, sizeof n);
    format_bytes(fmax(have, 0.0), h, sizeof h);
    return FA_ERROR(FA_ENOMEM, "%s needs about %s of memory%s, but only %s is available%s: %s", what, n,
                    fa_comm_distributed(comm) ? " on one node" : "", h,
                    short_node > short_proc ? " (MemAvailable, or the control group's limit)" : " (ulimit -v / -d)",
                    advice);
}

double fa_job_memory(const fa_model_t *m, fa_job_t job)
{
    double b = fa_solver_memory(m);
    if (job == FA_JOB_KINETIC || job == FA_JOB_LIMIT) b += fa_kinetic_memory(m);
    if (job == FA_JOB_LIMIT) { /* the macroscopic states at every output time, and the series */
        int nt, N = fa_model_species(m);
        fa_model_output_times(m, &nt);
        b += (double)nt * N * fa_grid_local_cells(fa_model_grid(m)) * sizeof(double) + 4.0 * nt * N * sizeof(double);
    }
    return b;
}

int fa_job_memory_check(const fa_model_t *m, fa_job_t job)
{
    const fa_grid_t *g = fa_model_grid(m);
    static const char *const jobs[] = {"run", "kinetic run", "small-inertia sweep"};
    static const char *const methods[] = {"BDF", "Adams", "SSP-RK3"};
    const fa_solver_options_t *opt = fa_model_solver_options(m);
    char cells[96] = "";
    for (int a = 0; a < fa_grid_dim(g); a++)
        snprintf(cells + strlen(cells), sizeof cells - strlen(cells), "%s%ld", a ? " x " : "", fa_grid_cells(g, a));
    char what[256];
    snprintf(what, sizeof what, "a %dD %s on %s cells with %d species (%s%s)", fa_grid_dim(g),
             jobs[job], cells, fa_model_species(m), methods[opt->method],
             job != FA_JOB_RUN && fa_model_kinetic_options(m)->model == FA_KINETIC_PARTICLES ? ", particles" : "");

    int particles = job != FA_JOB_RUN && fa_model_kinetic_options(m)->model == FA_KINETIC_PARTICLES;
    const char *advice = particles ? "use fewer particles ([kinetic] particles) or fewer cells"
                       : fa_comm_distributed(fa_grid_comm(g)) ? "use fewer cells, or spread the ranks over more nodes"
                       : job == FA_JOB_LIMIT ? "use fewer cells or fewer output times, or more processes (MPI)"
                                             : "use fewer cells, or more processes on more nodes (MPI)";
    return fa_memory_check(fa_grid_comm(g), fa_job_memory(m, job), what, advice);
}
