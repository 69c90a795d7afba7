/*
 * seed.c - the linker's secret seed and the resolution key derived from it
 * (docs/security.md, "The linkage step").
 *
 *   resolution key = BLAKE2b-256(key = seed, message = the resolution
 *                    statement: algorithm version, parameters, partnership
 *                    key fingerprint, every input's organisation and digest)
 *
 * The resolution key is an ordinary unika_key: its fingerprint is the
 * RESOLUTION FINGERPRINT every cell sketch carries, its pseudonym and
 * sketch subkeys key the person pseudonyms and their hashes. Same seed,
 * inputs and parameters: same key, so an auditor holding the seed re-runs
 * the resolution byte for byte; anything else: another key, so cells of
 * two resolutions never merge.
 *
 * The seed file, mode 0600, 134 bytes:
 *   unika-link-seed v1\n
 *   seed <64 lowercase hex digits>\n
 *   fingerprint <32 lowercase hex digits>\n
 * fingerprint = BLAKE2b-128(key = seed, message "unika-link-seed-fp-v1").
 */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/common.h"
#include "common/fileio.h"
#include "linkage/linkage_private.h"

#define SEED_MAGIC "unika-link-seed v1\n"
#define SEED_FILE_BYTES (sizeof SEED_MAGIC - 1 + 5 + 64 + 1 + 12 + 32 + 1)
#define FP_MESSAGE "unika-link-seed-fp-v1"

struct unika_link_seed {
    uint8_t seed[UNIKA_LINK_SEED_BYTES];
    uint8_t fp[UNIKA_FINGERPRINT_BYTES];
};

static int seed_alloc(unika_link_seed **out, unika_error *err)
{
    *out = sodium_malloc(sizeof **out);
    if (!*out) return unika_fail(err, UNIKA_ENOMEM, "cannot allocate protected memory");
    return 0;
}

static void seed_finish(unika_link_seed *s)
{
    crypto_generichash(s->fp, sizeof s->fp, (const uint8_t *)FP_MESSAGE, sizeof FP_MESSAGE - 1,
                       s->seed, sizeof s->seed);
}

int unika_link_seed_generate(unika_link_seed **out, unika_error *err)
{
    if (!out) return unika_fail(err, UNIKA_EINVAL, "unika_link_seed_generate: out is NULL");
    int rc = seed_alloc(out, err);
    if (rc < 0) return rc;
    randombytes_buf((*out)->seed, sizeof (*out)->seed);
    seed_finish(*out);
    return 0;
}

const uint8_t *unika_link_seed_fingerprint(const unika_link_seed *seed)
{
    return seed ? seed->fp : NULL;
}

void unika_link_seed_free(unika_link_seed *seed)
{
    if (seed) sodium_free(seed); /* wipes */
}

int unika_link_seed_save(const unika_link_seed *seed, const char *path, unsigned flags,
                         unika_error *err)
{
    if (!seed || !path || !*path) return unika_fail(err, UNIKA_EINVAL, "seed or path missing");
    if (flags & ~UNIKA_KEY_OVERWRITE)
        return unika_fail(err, UNIKA_EINVAL, "unknown flags 0x%x", flags);
    char *text = sodium_malloc(SEED_FILE_BYTES + 1);
    if (!text) return unika_fail(err, UNIKA_ENOMEM, "cannot allocate protected memory");
    size_t pos = sizeof SEED_MAGIC - 1;
    memcpy(text, SEED_MAGIC "seed ", pos + 5);
    pos += 5;
    unika_hex_encode(text + pos, seed->seed, sizeof seed->seed);
    pos += 64;
    memcpy(text + pos, "\nfingerprint ", 13);
    pos += 13;
    unika_hex_encode(text + pos, seed->fp, sizeof seed->fp);
    pos += 32;
    text[pos++] = '\n';
    int rc = unika_write_file_atomic(path, text, pos, 0600, (flags & UNIKA_KEY_OVERWRITE) != 0,
                                     err);
    sodium_free(text);
    return rc;
}

static int parse_seed(unika_link_seed *s, const char *text, size_t n, unika_error *err)
{
    if (n < sizeof SEED_MAGIC - 1 || memcmp(text, "unika-link-seed v", 17))
        return unika_fail_at(err, UNIKA_EKEYFILE, "seed file", 1,
                             "not a linker seed file (line 1 must be \"unika-link-seed v1\")");
    if (memcmp(text, SEED_MAGIC, sizeof SEED_MAGIC - 1))
        return unika_fail_at(err, UNIKA_EKEYVERSION, "seed file", 1,
                             "linker seed file of another version (expected v1)");
    size_t pos = sizeof SEED_MAGIC - 1;
    uint8_t fp[UNIKA_FINGERPRINT_BYTES];
    if (n != SEED_FILE_BYTES || memcmp(text + pos, "seed ", 5) || text[pos + 69] != '\n' ||
        unika_hex_decode(s->seed, sizeof s->seed, text + pos + 5, 64) != 0)
        return unika_fail_at(err, UNIKA_EKEYFILE, "seed file", 2,
                             "seed file line 2: expected \"seed \" and 64 hex digits");
    pos += 70;
    if (memcmp(text + pos, "fingerprint ", 12) || text[pos + 44] != '\n' ||
        unika_hex_decode(fp, sizeof fp, text + pos + 12, 32) != 0)
        return unika_fail_at(err, UNIKA_EKEYFILE, "seed file", 3,
                             "seed file line 3: expected \"fingerprint \" and 32 hex digits");
    seed_finish(s);
    if (sodium_memcmp(fp, s->fp, sizeof fp))
        return unika_fail_at(err, UNIKA_EKEYFILE, "seed file", 3,
                             "seed file is damaged: its fingerprint does not match its seed");
    return 0;
}

static int read_small(int fd, char *text, size_t cap, size_t *n, unika_error *err)
{
    *n = 0;
    for (;;) {
        ssize_t r = read(fd, text + *n, cap - *n);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0)
            return unika_fail(err, UNIKA_EIO, "cannot read the seed file: %s", strerror(errno));
        if (r == 0) return 0;
        *n += (size_t)r;
        if (*n == cap) return unika_fail(err, UNIKA_EKEYFILE, "the seed file is too large");
    }
}

int unika_link_seed_load(unika_link_seed **out, const char *path, unsigned flags,
                         unika_error *err)
{
    if (!out || !path) return unika_fail(err, UNIKA_EINVAL, "unika_link_seed_load: NULL");
    *out = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        return unika_fail(err, e == ENOENT ? UNIKA_ENOENT : UNIKA_EIO,
                          "cannot open the seed file: %s", strerror(e));
    }
    struct stat st;
    int rc = 0;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
        rc = unika_fail(err, UNIKA_EKEYFILE, "the seed file is not a regular file");
    else if ((st.st_mode & 077) && !(flags & UNIKA_KEY_ALLOW_OPEN_PERMISSIONS))
        rc = unika_fail(err, UNIKA_EKEYPERM, "seed file mode is %04o: group or others may read "
                        "or write it (chmod 600 it)", (unsigned)(st.st_mode & 07777));
    char *text = rc ? NULL : sodium_malloc(512);
    if (!rc && !text) rc = unika_fail(err, UNIKA_ENOMEM, "cannot allocate protected memory");
    size_t n = 0;
    if (!rc) rc = read_small(fd, text, 512, &n, err);
    close(fd);
    unika_link_seed *s = NULL;
    if (!rc) rc = seed_alloc(&s, err);
    if (!rc) rc = parse_seed(s, text, n, err);
    if (text) sodium_free(text);
    if (rc < 0) {
        unika_link_seed_free(s);
        return rc;
    }
    *out = s;
    return 0;
}

/* ---- the resolution key ----------------------------------------------------------- */

int lk_resolution_key(unika_linkage *lk, const unika_link_seed *seed, unika_error *err)
{
    char line[512], tau[32], fp[UNIKA_FINGERPRINT_HEX_BYTES], hex[2 * UNIKA_DIGEST_BYTES + 1];
    crypto_generichash_state st;
    crypto_generichash_init(&st, seed->seed, sizeof seed->seed, sizeof lk->reskey_bytes);
    lk_format_double(tau, lk->params.tau);
    unika_fingerprint_to_hex(fp, lk->key_fp);
    int n = snprintf(line, sizeof line, "unika-resolution-v1\nalgorithm %d\ntau %s\n"
                     "max_cluster %u\nperiod %s\nprecision %u\npartnership %s\n",
                     UNIKA_LINK_ALGORITHM_VERSION, tau, lk->params.max_cluster,
                     unika_mk_period_name(lk->params.period), lk->params.precision, fp);
    crypto_generichash_update(&st, (const uint8_t *)line, (unsigned long long)n);
    for (size_t i = 0; i < lk->params.by_count; i++) {
        n = snprintf(line, sizeof line, "by %s\n", lk->by[i]);
        crypto_generichash_update(&st, (const uint8_t *)line, (unsigned long long)n);
    }
    for (size_t i = 0; i < lk->nfiles; i++) {
        unika_hex_encode(hex, lk->files[i].digest, UNIKA_DIGEST_BYTES);
        hex[2 * UNIKA_DIGEST_BYTES] = '\0';
        n = snprintf(line, sizeof line, "input %s %s\n", lk->files[i].org, hex);
        crypto_generichash_update(&st, (const uint8_t *)line, (unsigned long long)n);
    }
    crypto_generichash_final(&st, lk->reskey_bytes, sizeof lk->reskey_bytes);
    return unika_key_from_bytes(&lk->reskey, lk->reskey_bytes, err);
}
