/**
 * @file fracagg.h
 * fracagg: multi-species nonlocal aggregation with singular (fractional) self-interaction and
 * its kinetic small-inertia limit. The one header to include; see the user manual (doc/) and
 * the module headers in fracagg/ for the details.
 */
#ifndef FRACAGG_H
#define FRACAGG_H

#include "fracagg/version.h"
#include "fracagg/error.h"
#include "fracagg/log.h"
#include "fracagg/config.h"
#include "fracagg/parallel.h"
#include "fracagg/grid.h"
#include "fracagg/kernel.h"
#include "fracagg/spectral.h"
#include "fracagg/model.h"
#include "fracagg/solver.h"
#include "fracagg/diag.h"
#include "fracagg/io.h"
#include "fracagg/run.h"
#include "fracagg/kinetic.h"
#include "fracagg/bench.h"
#include "fracagg/hsverify.h"
#include "fracagg/w1.h"

#endif
