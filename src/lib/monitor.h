/* Is the solution still represented by the grid? The box edge of free grids and collapse
 * below the grid's resolution (monitor.c). */
#ifndef FA_MONITOR_H
#define FA_MONITOR_H

#include "grid_internal.h"

typedef struct fa_monitor fa_monitor_t;

/* Watch the model's densities, starting from rho0 (masses, supports and participation
 * numbers recorded). FA_EINVAL if the initial data already reach a free box's edge. */
int fa_monitor_create(const fa_model_t *m, const double *const rho0[], fa_monitor_t **out);
void fa_monitor_free(fa_monitor_t *e);

/* FA_OK; FA_EDOMAIN when a species' mass in a free box's two outermost cell layers exceeds
 * the edge fraction (the message names the time, the species and the box length needed);
 * FA_ENUMERIC when a species collapses below the grid's resolution. Collective. */
int fa_monitor_check(fa_monitor_t *e, double t, const double *const rho[]);

#endif
