/*
 * pin.c - the roster, loaded against the coordinator's pinned fingerprint.
 *
 * Every command that checks signatures reads the roster this way and no
 * other: the roster decides whose signatures count, so it counts only when
 * the coordinator each party pinned beforehand (by fingerprint, received
 * out of band: read aloud on the phone, printed in the partnership
 * agreement) signed it.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "unika/roster.h"

/* The first line of text that is neither blank nor a comment, trimmed. */
static int first_line(char *dst, size_t cap, const char *text)
{
    for (const char *p = text; *p;) {
        size_t len = strcspn(p, "\n");
        const char *s = p, *e = p + len;
        while (s < e && (*s == ' ' || *s == '\t')) s++;
        while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r')) e--;
        if (e > s && *s != '#') {
            if ((size_t)(e - s) >= cap) return -1;
            memcpy(dst, s, (size_t)(e - s));
            dst[e - s] = '\0';
            return 0;
        }
        p += len + (p[len] == '\n');
    }
    return -1;
}

/* The pinned fingerprint from `pin`: hex, a public key file, or a pin file. */
static int pinned(uint8_t fp[UNIKA_FINGERPRINT_BYTES], const char *pin)
{
    if (strlen(pin) == 2 * UNIKA_FINGERPRINT_BYTES &&
        unika_hex_decode(fp, UNIKA_FINGERPRINT_BYTES, pin, strlen(pin)) == 0)
        return 0;
    unika_error err = {0};
    char *text = NULL;
    if (cli_read_file(&text, NULL, pin, 4096, &err) < 0) {
        cli_errorf("--coordinator %s: neither 32 hex digits nor a readable file (%s)", pin,
                   err.message);
        return CLI_INPUT;
    }
    unika_sign_public pub;
    char line[128];
    int rc = 0;
    if (!strncmp(text, "unika-sign-public-key v", 23)) {
        if (unika_sign_public_parse(&pub, text, strlen(text), &err) < 0) {
            cli_errorf("--coordinator %s: %s", pin, err.message);
            rc = CLI_INPUT;
        } else {
            (void)unika_sign_public_fingerprint(fp, &pub);
        }
    } else if (first_line(line, sizeof line, text) < 0 ||
               strlen(line) != 2 * UNIKA_FINGERPRINT_BYTES ||
               unika_hex_decode(fp, UNIKA_FINGERPRINT_BYTES, line, strlen(line)) != 0) {
        cli_errorf("--coordinator %s: not a public signing key, and its first line is not a "
                   "fingerprint of 32 hex digits", pin);
        rc = CLI_INPUT;
    }
    free(text);
    return rc;
}

int cli_roster_load(unika_roster **out, const char *path, const char *pin)
{
    *out = NULL;
    if (!pin)
        return cli_usage_error("a roster needs --coordinator FINGERPRINT|FILE: it counts only "
                               "when the coordinator you pinned signed it");
    uint8_t fp[UNIKA_FINGERPRINT_BYTES];
    int rc = pinned(fp, pin);
    if (rc) return rc;
    unika_error err = {0};
    if (unika_roster_load(out, path, fp, &err) < 0) return cli_fail(NULL, &err);
    return CLI_OK;
}
