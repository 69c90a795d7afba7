/*
 * fuzz_key_file.c - secret and public key files read by path.
 *
 * The key loaders only take a path (they check the file's type and mode
 * before reading), so the input is written to a memfd and loaded through
 * /proc/self/fd/N with the open-permissions flag (a memfd's mode is 0777).
 * The first byte picks the loader:
 *   0 partnership key (unika_key_load)  1 signing secret (unika_sign_key_load)
 *   2 box secret (unika_box_key_load)   3 box public (unika_box_public_load)
 *   4 signing public (unika_sign_public_load)
 * Invariants: failures record their code and message and set nothing; an
 * accepted partnership key saves and reloads to an equal key (the saved
 * text may differ from the input: hex case, a version written "01"); an
 * accepted secret signing key's name passes the name check.
 */
#define _GNU_SOURCE
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz_common.h"

static void check_key_roundtrip(const unika_key *key)
{
    char dir[] = "/tmp/unika-fuzz-key-XXXXXX";
    FUZZ_REQUIRE(mkdtemp(dir) != NULL, "mkdtemp");
    char path[64];
    snprintf(path, sizeof path, "%s/k", dir);
    FUZZ_REQUIRE(unika_key_save(key, path, 0, NULL) == 0, "save failed");
    unika_key *again = NULL;
    FUZZ_REQUIRE(unika_key_load(&again, path, 0, NULL) == 0, "saved key does not load");
    FUZZ_REQUIRE(unika_key_equal(again, key) == 1, "reloaded key differs");
    unika_key_free(again);
    unlink(path);
    rmdir(dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_init();
    if (size < 1) return 0;
    const uint8_t *src = data + 1;
    size_t n = size - 1;
    int fd = memfd_create("fuzz_key", MFD_CLOEXEC);
    FUZZ_REQUIRE(fd >= 0, "memfd_create");
    FUZZ_REQUIRE(n == 0 || write(fd, src, n) == (ssize_t)n, "write to memfd");
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);

    unika_error e = {0};
    int rc;
    switch (data[0] % 5) {
    case 0: {
        unika_key *k = NULL;
        rc = unika_key_load(&k, path, UNIKA_KEY_ALLOW_OPEN_PERMISSIONS, &e);
        if (rc < 0) FUZZ_REQUIRE(k == NULL, "key set on failure");
        else check_key_roundtrip(k);
        unika_key_free(k);
        break;
    }
    case 1: {
        unika_sign_key *k = NULL;
        rc = unika_sign_key_load(&k, path, UNIKA_SIGN_ALLOW_OPEN_PERMISSIONS, &e);
        if (rc < 0) FUZZ_REQUIRE(k == NULL, "key set on failure");
        else {
            unika_sign_public pub;
            FUZZ_REQUIRE(unika_sign_key_public(&pub, k) == 0, "public half");
            FUZZ_REQUIRE(unika_signer_name_check(pub.name, NULL) == 0, "invalid name accepted");
        }
        unika_sign_key_free(k);
        break;
    }
    case 2: {
        unika_box_key *k = NULL;
        rc = unika_box_key_load(&k, path, UNIKA_SEAL_ALLOW_OPEN_PERMISSIONS, &e);
        if (rc < 0) FUZZ_REQUIRE(k == NULL, "key set on failure");
        unika_box_key_free(k);
        break;
    }
    case 3: {
        uint8_t pk[UNIKA_BOX_PUBLIC_KEY_BYTES];
        rc = unika_box_public_load(pk, path, &e);
        break;
    }
    default: {
        unika_sign_public pub;
        rc = unika_sign_public_load(&pub, path, &e);
        if (rc == 0) FUZZ_REQUIRE(unika_signer_name_check(pub.name, NULL) == 0, "invalid name");
        break;
    }
    }
    if (rc < 0) fuzz_check_error(rc, &e);
    close(fd);
    return 0;
}
