/**
 * @file error.h
 * Status codes and error reporting.
 *
 * Every library function that can fail returns an `int`: 0 (FA_OK) on success, a negative
 * FA_E* code otherwise. The code names the kind of failure; the message recorded with it
 * (fa_last_error()) says what exactly went wrong, with the source file and line where it was
 * detected. Messages are kept per thread. The library never prints and never exits.
 *
 * Example:
 * @code
 *   fa_config_t *cfg;
 *   int rc = fa_config_read_file("run.ini", &cfg);
 *   if (rc != FA_OK) fprintf(stderr, "%s: %s\n", fa_strerror(rc), fa_last_error());
 * @endcode
 */
#ifndef FRACAGG_ERROR_H
#define FRACAGG_ERROR_H

#ifdef __cplusplus
extern "C" {
#endif

/* One list generates both the enum and fa_strerror(), so they cannot drift. */
#define FA_ERROR_LIST(X)                                                              \
    X(FA_OK, 0, "success")                                                            \
    X(FA_ENOMEM, -1, "out of memory")                                                 \
    X(FA_EINVAL, -2, "invalid argument")                                              \
    X(FA_ECONFIG, -3, "invalid configuration")                                        \
    X(FA_EIO, -4, "input/output error")                                               \
    X(FA_ENETCDF, -5, "NetCDF error")                                                 \
    X(FA_EFFTW, -6, "FFTW error")                                                     \
    X(FA_ESOLVER, -7, "time integration failed")                                      \
    X(FA_ENUMERIC, -8, "non-finite or negative state")                                \
    X(FA_EINTERRUPT, -9, "interrupted")                                               \
    X(FA_EUNSUPPORTED, -10, "not supported")                                          \
    X(FA_EMPI, -11, "MPI error")                                                      \
    X(FA_EFORMAT, -12, "bad run file")                                                \
    X(FA_EDOMAIN, -13, "the solution left the box")

enum fa_status {
#define FA_ERROR_ENUM_(name, value, text) name = value,
    FA_ERROR_LIST(FA_ERROR_ENUM_)
#undef FA_ERROR_ENUM_
};

/** Short description of a status code ("invalid configuration"); never NULL. */
const char *fa_strerror(int code);

/** Message of the last error recorded in this thread, "" if none. Stays valid until the
 *  next error in this thread. */
const char *fa_last_error(void);

/** Code of the last error recorded in this thread (FA_OK if none). */
int fa_last_error_code(void);

/** Source location ("src/lib/config.c:123") where the last error was detected. */
const char *fa_last_error_location(void);

/** Forget the last error. */
void fa_clear_error(void);

#ifdef __cplusplus
}
#endif
#endif
