/* The classic-format header of a file about to be read (runfile_schema.h): parsed here, before
 * netCDF opens the file, for two reasons.
 *
 * 1. The size. netCDF trusts a classic header: a file cut short (an interrupted copy, a full
 *    disk) opens without complaint and the records beyond its end read as zeros (no error, no
 *    fill value), so every reader would take a truncated run file for one whose densities
 *    dropped to zero. netCDF has no public call giving a variable's offset, so the size the
 *    header implies is computed from the header itself, as netCDF lays the data out: every
 *    fixed variable ends at begin + its size, and record r of a record variable at begin + r
 *    * recsize + its size (recsize: the record variables' sizes, each rounded up to 4 bytes,
 *    unless there is only one).
 * 2. Hostile headers. netCDF allocates what a header claims (an attribute of 2^31 values is
 *    a 16 GB malloc before any byte is read); here every count is checked against the bytes
 *    that are actually left in the file before netCDF sees it.
 *
 * The format: "The NetCDF Classic Format Specification" (netCDF's documentation, file format
 * specifications): big-endian; CDF-1 (classic), CDF-2 (64-bit offset: 8-byte begin), CDF-5
 * (64-bit data: 8-byte counts, sizes, dimension ids and begin). Files of other formats
 * (netCDF-4/HDF5) are left to netCDF. */
#include "runfile_schema.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

enum { TAG_ABSENT = 0, TAG_DIMENSION = 0x0A, TAG_VARIABLE = 0x0B, TAG_ATTRIBUTE = 0x0C };
#define STREAMING 0xFFFFFFFFu

typedef struct {
    const char *path;
    FILE *f;
    uint64_t pos, size; /* read position, file size */
    int version;        /* 1, 2 or 5 */
    int rc;             /* first error */
} hdr_t;

static int bad(hdr_t *h, const char *what)
{
    if (!h->rc)
        h->rc = FA_ERROR(FA_EFORMAT, "%s: not a valid netCDF classic file (%s at byte %llu of %llu)", h->path, what,
                         (unsigned long long)h->pos, (unsigned long long)h->size);
    return h->rc;
}

/* n big-endian bytes as an unsigned number (0 after an error) */
static uint64_t get(hdr_t *h, int n)
{
    unsigned char b[8];
    if (h->rc) return 0;
    if (h->size - h->pos < (uint64_t)n || fread(b, 1, (size_t)n, h->f) != (size_t)n) {
        bad(h, "the header ends early");
        return 0;
    }
    h->pos += (uint64_t)n;
    uint64_t v = 0;
    for (int i = 0; i < n; i++) v = v << 8 | b[i];
    return v;
}

/* the format's NON_NEG counts and sizes: 4 bytes, 8 in CDF-5 */
static uint64_t get_count(hdr_t *h) { return get(h, h->version == 5 ? 8 : 4); }

/* Skip n bytes that must lie inside the file. */
static void skip(hdr_t *h, uint64_t n)
{
    if (h->rc) return;
    if (n > h->size - h->pos || fseeko(h->f, (off_t)(h->pos + n), SEEK_SET) != 0) {
        bad(h, "a name or attribute runs past the end of the file");
        return;
    }
    h->pos += n;
}

static uint64_t pad4(uint64_t n) { return n > UINT64_MAX - 3 ? UINT64_MAX : (n + 3) & ~(uint64_t)3; }

static uint64_t mul_sat(uint64_t a, uint64_t b)
{
    uint64_t r;
    return __builtin_mul_overflow(a, b, &r) ? UINT64_MAX : r;
}

static uint64_t add_sat(uint64_t a, uint64_t b) { return a > UINT64_MAX - b ? UINT64_MAX : a + b; }

/* bytes of one value of an external type (0: not a type of this version) */
static uint64_t type_size(const hdr_t *h, uint64_t t)
{
    static const unsigned sizes[] = {0, 1, 1, 2, 4, 4, 8, 1, 2, 4, 8, 8};
    if (t < 1 || t > 11 || (t > 6 && h->version != 5)) return 0;
    return sizes[t];
}

/* A list's tag and length; each element takes at least `min_bytes`, so a count the rest of
 * the file cannot hold is refused before anything loops over it. */
static uint64_t list_head(hdr_t *h, uint64_t tag, uint64_t min_bytes)
{
    uint64_t t = get(h, 4), n = get_count(h);
    if (h->rc) return 0;
    if (t == TAG_ABSENT && n == 0) return 0;
    if (t != tag) return bad(h, "an unexpected list tag"), 0;
    if (n > (h->size - h->pos) / min_bytes) return bad(h, "a list longer than the file"), 0;
    return n;
}

/* name = nelems chars, padded to 4; copied (cut) into out */
static void get_name(hdr_t *h, char *out, size_t cap)
{
    uint64_t n = get_count(h);
    out[0] = '\0';
    if (h->rc) return;
    if (n > h->size - h->pos) {
        bad(h, "a name runs past the end of the file");
        return;
    }
    size_t keep = n < cap - 1 ? (size_t)n : cap - 1;
    if (fread(out, 1, keep, h->f) != keep) {
        bad(h, "a read error");
        return;
    }
    out[keep] = '\0';
    h->pos += keep;
    skip(h, pad4(n) - keep);
}

static void skip_attributes(hdr_t *h)
{
    uint64_t n = list_head(h, TAG_ATTRIBUTE, 12);
    char name[8];
    for (uint64_t i = 0; i < n && !h->rc; i++) {
        get_name(h, name, sizeof name);
        uint64_t size = type_size(h, get(h, 4)), count = get_count(h);
        if (h->rc) return;
        if (!size) {
            bad(h, "an attribute of an unknown type");
            return;
        }
        skip(h, pad4(mul_sat(count, size)));
    }
}

typedef struct {
    uint64_t begin, len;
    int rec;
    char name[NC_MAX_NAME + 1];
} hvar_t;

int fa_rf_check_header(const char *path, int *classic)
{
    *classic = 0;
    FILE *f = fopen(path, "rb");
    if (!f) return FA_ERROR(FA_EIO, "cannot open run file %s: %s", path, strerror(errno));
    hdr_t h = {.path = path, .f = f};
    uint64_t *dims = NULL, need = 0, recsize = 0, nrecvars = 0, last_rec_len = 0, numrecs = 0, ndims = 0, nvars = 0;
    hvar_t worst = {0}; /* the variable whose end lies furthest */
    int rc = FA_OK, streaming = 0;
    long record_dim = -1;
    struct stat st;
    if (fstat(fileno(f), &st) != 0) {
        rc = FA_ERROR(FA_EIO, "cannot read run file %s: %s", path, strerror(errno));
        goto done;
    }
    h.size = (uint64_t)st.st_size;
    unsigned char magic[4] = {0, 0, 0, 0};
    if (h.size < 4 || fread(magic, 1, 4, f) != 4 || memcmp(magic, "CDF", 3) != 0 ||
        !(magic[3] == 1 || magic[3] == 2 || magic[3] == 5))
        goto done; /* not a classic file: netCDF's to recognise or refuse */
    *classic = 1;
    h.pos = 4;
    h.version = magic[3];
    numrecs = get_count(&h);
    streaming = h.version != 5 && numrecs == STREAMING;
    /* dimensions: name (>= 4 bytes) and length */
    ndims = list_head(&h, TAG_DIMENSION, h.version == 5 ? 16 : 8);
    if (!h.rc && !(dims = fa_malloc((ndims ? ndims : 1) * sizeof *dims))) {
        rc = FA_ENOMEM;
        goto done;
    }
    char name[NC_MAX_NAME + 1];
    for (uint64_t d = 0; d < ndims && !h.rc; d++) {
        get_name(&h, name, sizeof name);
        dims[d] = get_count(&h);
        if (dims[d] == 0 && !h.rc) {
            if (record_dim >= 0) bad(&h, "two record dimensions");
            record_dim = (long)d;
        }
    }
    skip_attributes(&h); /* global */
    /* variables: name, dimension ids, attributes, type, vsize, begin; read twice, since the
     * record size depends on every record variable */
    nvars = list_head(&h, TAG_VARIABLE, h.version == 5 ? 36 : 24);
    uint64_t first_var = h.pos, header_end = 0;
    for (int pass = 0; pass < 2 && !h.rc; pass++) {
        if (pass == 1) {
            header_end = h.pos;
            if (fseeko(f, (off_t)first_var, SEEK_SET) != 0) {
                bad(&h, "a read error");
                break;
            }
            h.pos = first_var;
        }
        for (uint64_t v = 0; v < nvars && !h.rc; v++) {
            hvar_t var = {0};
            get_name(&h, var.name, sizeof var.name);
            uint64_t nd = get_count(&h), len = 1;
            if (!h.rc && nd > (h.size - h.pos) / 4) bad(&h, "more dimension ids than the file holds");
            for (uint64_t k = 0; k < nd && !h.rc; k++) {
                uint64_t id = get_count(&h);
                if (h.rc) break;
                if (id >= ndims) {
                    bad(&h, "a variable with an undefined dimension");
                    break;
                }
                if ((long)id == record_dim) {
                    if (k != 0) bad(&h, "the record dimension is not a variable's first");
                    var.rec = 1;
                    continue;
                }
                len = mul_sat(len, dims[id]);
            }
            skip_attributes(&h);
            uint64_t size = type_size(&h, get(&h, 4));
            get_count(&h); /* vsize: recomputed, as netCDF does (it overflows for big variables) */
            var.begin = get(&h, h.version == 1 ? 4 : 8);
            if (h.rc) break;
            if (!size) {
                bad(&h, "a variable of an unknown type");
                break;
            }
            var.len = mul_sat(len, size);
            if (pass == 0) {
                if (var.rec) nrecvars++, recsize = add_sat(recsize, pad4(var.len)), last_rec_len = var.len;
                continue;
            }
            if (var.begin < header_end) {
                bad(&h, "a variable's data begin inside the header");
                break;
            }
            uint64_t end;
            if (!var.rec) end = add_sat(var.begin, var.len);
            else if (numrecs == 0 || streaming) continue;
            else end = add_sat(add_sat(var.begin, mul_sat(numrecs - 1, recsize)), var.len);
            if (end > need) need = end, worst = var;
        }
        if (pass == 0 && nrecvars == 1) recsize = last_rec_len; /* one record variable: not padded */
    }
    if (h.rc) {
        rc = h.rc;
        goto done;
    }
    if (need > h.size) {
        char where[NC_MAX_NAME + 96];
        if (worst.rec)
            snprintf(where, sizeof where, "record %llu of variable '%s' ends at byte %llu",
                     (unsigned long long)numrecs, worst.name, (unsigned long long)need);
        else
            snprintf(where, sizeof where, "variable '%s' ends at byte %llu", worst.name, (unsigned long long)need);
        rc = FA_ERROR(FA_EFORMAT, "%s: truncated: an interrupted copy? The file has %llu bytes, its header needs %llu "
                      "(%s)", path, (unsigned long long)h.size, (unsigned long long)need, where);
    }
done:
    free(dims);
    fclose(f);
    return rc;
}
