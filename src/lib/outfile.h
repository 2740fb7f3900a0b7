/* Files the library writes (run files, limit files, FFTW wisdom): outfile.c. */
#ifndef FA_OUTFILE_H
#define FA_OUTFILE_H

#include "fracagg.h"

/* A file being written: created under `tmp` in the directory of `path`, published under `path`
 * once complete enough to be read; `fd` is a descriptor of it holding its lock. */
typedef struct {
    char *path, *tmp;
    int fd;
} fa_outfile_t;

/* Can `path` become a new output of model m (m may be NULL)? It must not be anything but a
 * regular file, exist unless `overwrite`, be locked by another writer, or be one of m's
 * inputs (configuration, type = file sources, wisdom). Touches nothing. FA_EIO with a message. */
int fa_outfile_check(const char *path, int overwrite, const fa_model_t *m);

/* fa_outfile_check, then create the (locked) temporary file to write instead of `path`. */
int fa_outfile_begin(fa_outfile_t *of, const char *path, int overwrite, const fa_model_t *m);

/* Give the temporary file its name: replacing an existing file only if `overwrite`. */
int fa_outfile_publish(fa_outfile_t *of, int overwrite);

/* An existing output to append to: a regular file, locked here (fails if another writer has it). */
int fa_outfile_open_existing(fa_outfile_t *of, const char *path);

/* Release the lock; a temporary file never published is removed (only ever a file created here). */
void fa_outfile_end(fa_outfile_t *of);

/* Read a small file the user named (FFTW wisdom): only a regular file, opened without blocking
 * (a FIFO or /dev/zero cannot hang the run). NULL with errno set otherwise; ENOENT if absent. */
FILE *fa_outfile_read_regular(const char *path);

/* Replace `path` atomically by what `write` produces (a temporary file in its directory, then
 * rename): never a file that is not regular. */
int fa_outfile_replace(const char *path, int (*write)(FILE *f, void *user), void *user);

/* Is `path` the same file (device and inode) as one of m's inputs? Its name in *which if so. */
int fa_outfile_is_input(const char *path, const fa_model_t *m, int with_wisdom, const char **which);

#endif
