/* Files the library writes: run files, limit files, FFTW wisdom (outfile.h).
 *
 * An output is a regular file fracagg creates itself. It is written under a temporary name in
 * its directory and given its name only once its header is complete, so that
 *  - a path that is not a regular file (a device, a FIFO, a directory, a symlink to one) is
 *    refused before anything is opened: netCDF removes a file whose creation failed, and as
 *    root `-o /dev/null` once removed /dev/null; the only file ever removed here is the
 *    temporary one created here;
 *  - an existing file is replaced only when asked ([output] overwrite), by rename, so the old
 *    file stays whole until the new one has its header; without it, publishing is link(2),
 *    which fails rather than replace a file created meanwhile;
 *  - a file that is an input of the run (its configuration, a type = file source, the wisdom)
 *    is never an output, whatever its name: files are compared by device and inode;
 *  - a file being written is locked with flock on a descriptor held for the writer's life
 *    (netCDF opens the file itself; flock locks belong to our descriptor, so its closing does
 *    not drop them), and a second writer fails at once instead of interleaving records. */
#include "outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "model_internal.h"

static const char *kind_of(mode_t mode)
{
    return S_ISDIR(mode) ? "a directory" : S_ISCHR(mode) ? "a character device" : S_ISBLK(mode) ? "a block device"
         : S_ISFIFO(mode) ? "a FIFO" : S_ISSOCK(mode) ? "a socket" : "not a regular file";
}

static int same_file(const struct stat *a, const char *path)
{
    struct stat b;
    return path && stat(path, &b) == 0 && a->st_dev == b.st_dev && a->st_ino == b.st_ino;
}

int fa_outfile_is_input(const char *path, const fa_model_t *m, int with_wisdom, const char **which)
{
    struct stat st;
    if (!m || stat(path, &st) != 0) return 0;
    const fa_config_t *c = fa_model_config(m);
    const char *name = fa_config_name(c);
    if (same_file(&st, name)) {
        *which = "the configuration";
        return 1;
    }
    for (int i = 1; i <= fa_model_species(m); i++) {
        char sec[32];
        snprintf(sec, sizeof sec, "initial.%d", i);
        const char *type = fa_config_get(c, sec, "type"), *src = fa_config_get(c, sec, "path");
        if (type && strcmp(type, "file") == 0 && same_file(&st, src)) {
            *which = "a type = file source of [initial.*]";
            return 1;
        }
    }
    if (with_wisdom && same_file(&st, fa_config_get(c, "solver", "wisdom"))) {
        *which = "the [solver] wisdom file";
        return 1;
    }
    return 0;
}

/* Is the existing file `path` locked by a writer? A descriptor holding our own probe lock is
 * closed again. */
static int locked_by_other(const char *path)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return 0;
    int busy = flock(fd, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK;
    close(fd);
    return busy;
}

static int busy_error(const char *path)
{
    return FA_ERROR(FA_EIO, "%s is being written by another fracagg process (it holds the file's lock); wait for it "
                    "or write elsewhere", path);
}

int fa_outfile_check(const char *path, int overwrite, const fa_model_t *m)
{
    struct stat st;
    if (!path || !path[0]) return FA_ERROR(FA_EINVAL, "no output file name");
    if (stat(path, &st) == 0) {
        if (!S_ISREG(st.st_mode))
            return FA_ERROR(FA_EIO, "%s is %s: an output must be a regular file", path, kind_of(st.st_mode));
        const char *which;
        if (fa_outfile_is_input(path, m, 1, &which))
            return FA_ERROR(FA_EIO, "%s is %s of this run: it cannot also be its output", path, which);
        if (!overwrite)
            return FA_ERROR(FA_EIO, "%s exists; replace it with --overwrite ([output] overwrite = yes) or choose "
                            "another file", path);
        if (locked_by_other(path)) return busy_error(path);
    } else if (errno != ENOENT) {
        return FA_ERROR(FA_EIO, "cannot write %s: %s", path, strerror(errno));
    } else {
        struct stat lst;
        if (lstat(path, &lst) == 0) /* a dangling symlink: creating through it writes elsewhere */
            return FA_ERROR(FA_EIO, "%s is a symbolic link to nothing: an output must be a regular file", path);
    }
    char *copy = fa_strdup(path);
    if (!copy) return FA_ENOMEM;
    const char *dir = dirname(copy);
    int rc = access(dir, W_OK | X_OK) == 0 ? FA_OK
                                           : FA_ERROR(FA_EIO, "cannot write %s: directory %s: %s", path, dir,
                                                      strerror(errno));
    free(copy);
    return rc;
}

/* "DIR/.NAME.XXXXXX" beside `path`, created (mode 0666 & ~umask, like fopen) and open. */
static int create_temp(const char *path, char **tmp)
{
    char *copy = fa_strdup(path), *copy2 = fa_strdup(path);
    if (!copy || !copy2) {
        free(copy);
        free(copy2);
        return -1;
    }
    *tmp = fa_asprintf("%s/.%s.XXXXXX", dirname(copy), basename(copy2));
    free(copy);
    free(copy2);
    if (!*tmp) return -1;
    int fd = mkstemp(*tmp);
    if (fd < 0) {
        free(*tmp);
        *tmp = NULL;
        return -1;
    }
    mode_t mask = umask(0);
    umask(mask);
    fchmod(fd, 0666 & ~mask);
    return fd;
}

int fa_outfile_begin(fa_outfile_t *of, const char *path, int overwrite, const fa_model_t *m)
{
    of->fd = -1;
    of->tmp = NULL;
    if (!(of->path = fa_strdup(path))) return FA_ENOMEM;
    FA_TRY(fa_outfile_check(path, overwrite, m));
    of->fd = create_temp(path, &of->tmp);
    if (of->fd < 0) return FA_ERROR(FA_EIO, "cannot create a file beside %s: %s", path, strerror(errno));
    flock(of->fd, LOCK_EX | LOCK_NB); /* a new file: nobody else can hold it */
    return FA_OK;
}

int fa_outfile_publish(fa_outfile_t *of, int overwrite)
{
    if (!of->tmp) return FA_OK;
    struct stat st;
    if (stat(of->path, &st) == 0) { /* created or changed since the check */
        if (!S_ISREG(st.st_mode) || !overwrite) return fa_outfile_check(of->path, overwrite, NULL);
        if (locked_by_other(of->path)) return busy_error(of->path);
    }
    int rc;
    if (overwrite) rc = rename(of->tmp, of->path);
    else if ((rc = link(of->tmp, of->path)) == 0) unlink(of->tmp);
    else if (errno != EEXIST) { /* a file system without hard links */
        rc = lstat(of->path, &st) == 0 ? (errno = EEXIST, -1) : rename(of->tmp, of->path);
    }
    if (rc != 0) {
        if (errno == EEXIST)
            return FA_ERROR(FA_EIO, "%s was created by someone else meanwhile; not replaced (--overwrite to replace it)",
                            of->path);
        return FA_ERROR(FA_EIO, "cannot create %s: %s", of->path, strerror(errno));
    }
    free(of->tmp);
    of->tmp = NULL;
    return FA_OK;
}

int fa_outfile_open_existing(fa_outfile_t *of, const char *path)
{
    of->tmp = NULL;
    of->fd = -1;
    if (!(of->path = fa_strdup(path))) return FA_ENOMEM;
    of->fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (of->fd < 0) return FA_ERROR(FA_EIO, "cannot open run file %s: %s", path, strerror(errno));
    struct stat st;
    if (fstat(of->fd, &st) != 0 || !S_ISREG(st.st_mode))
        return FA_ERROR(FA_EIO, "%s is %s: a run file must be a regular file", path, kind_of(st.st_mode));
    if (flock(of->fd, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK) return busy_error(path);
    return FA_OK;
}

void fa_outfile_end(fa_outfile_t *of)
{
    if (of->tmp) unlink(of->tmp);
    if (of->fd >= 0) close(of->fd);
    free(of->tmp);
    free(of->path);
    of->tmp = of->path = NULL;
    of->fd = -1;
}

FILE *fa_outfile_read_regular(const char *path)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return NULL;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        errno = EINVAL;
        return NULL;
    }
    FILE *f = fdopen(fd, "r");
    if (!f) close(fd);
    return f;
}

int fa_outfile_replace(const char *path, int (*write)(FILE *f, void *user), void *user)
{
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
        return FA_ERROR(FA_EIO, "%s is %s: not replaced", path, kind_of(st.st_mode));
    char *tmp;
    int fd = create_temp(path, &tmp);
    if (fd < 0) return FA_ERROR(FA_EIO, "cannot create a file beside %s: %s", path, strerror(errno));
    FILE *f = fdopen(fd, "w");
    int ok = f && write(f, user) == 0;
    if (f) ok = (fclose(f) == 0) && ok;
    else close(fd);
    if (ok && rename(tmp, path) == 0) {
        free(tmp);
        return FA_OK;
    }
    int err = errno;
    unlink(tmp);
    free(tmp);
    return FA_ERROR(FA_EIO, "cannot write %s: %s", path, ok ? strerror(err) : "write failed");
}
