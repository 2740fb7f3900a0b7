/* The differences between SUNDIALS 6.x and 7.x that fracagg meets, in one place.
 * 6.0 introduced SUNContext and sunrealtype; 7.0 removed `realtype`, made SUNContext_Create
 * take a SUNComm and replaced CVodeSetErrHandlerFn by the context's error handler stack. */
#ifndef FA_SUNDIALS_COMPAT_H
#define FA_SUNDIALS_COMPAT_H

#include <config.h>

#include <cvode/cvode.h>
#include <nvector/nvector_serial.h>
#ifdef FA_HAVE_MPI
#include <nvector/nvector_parallel.h>
#endif
#include <sundials/sundials_context.h>
#include <sunlinsol/sunlinsol_spgmr.h>
#include <sunnonlinsol/sunnonlinsol_fixedpoint.h>

#if FA_SUNDIALS_MAJOR >= 7
#define FA_SUN_COMM_NULL SUN_COMM_NULL
#else
#define FA_SUN_COMM_NULL NULL
#endif

#endif
