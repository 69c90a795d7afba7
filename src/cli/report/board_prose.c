/*
 * board_prose.c - the words of the HTML report around its tables (board.h):
 * how to read the figures and their two kinds of error, the release in a
 * few sentences, and the appendix for auditors. Swedish and English side
 * by side, so the two say the same thing.
 */
#include <stdlib.h>
#include <string.h>

#include "report/board.h"

static void p_lang(FILE *o, const bd_ctx *c, const char *sv, const char *en)
{
    fputs("<p>", o);
    fputs(c->lang == BD_SV ? sv : en, o);
    fputs("</p>\n", o);
}

static int any_state(const bd_doc *d, const char *state)
{
    for (size_t i = 0; i < d->nf; i++)
        if (d->f[i].suppressed && !strcmp(d->f[i].state, state)) return 1;
    return 0;
}

/* The distinct `mode` texts of the figures, as a list. */
static void modes(FILE *o, const bd_ctx *c)
{
    int first = 1;
    for (size_t i = 0; i < c->d->nf; i++) {
        const char *m = c->d->f[i].mode;
        int seen = 0;
        for (size_t k = 0; m && k < i && !seen; k++)
            seen = c->d->f[k].mode && !strcmp(c->d->f[k].mode, m);
        if (!m || seen) continue;
        if (first) fprintf(o, "<p>%s: ", bd_msg_text(c->lang, M_MODE));
        else fputs(", ", o);
        bd_xml_text(o, m);
        first = 0;
    }
    if (!first) fputs(".</p>\n", o);
}

void bd_reading_html(FILE *o, const bd_ctx *c, int linkage)
{
    fprintf(o, "<section id=\"reading\"><h2>%s</h2>\n", bd_msg_text(c->lang, M_READING));
    p_lang(o, c,
           "Varje siffra är antalet <b>unika personer</b>: den som mötts flera gånger, av flera "
           "organisationer eller under flera perioder räknas en gång. Därför blir totalen mindre "
           "än summan av raderna, och ett år mindre än summan av dess halvår. Siffrorna summeras "
           "aldrig.",
           "Every figure is a number of <b>unique people</b>: someone seen several times, by "
           "several organisations or in several periods counts once. So a total is smaller than "
           "the sum of its rows, and a year smaller than the sum of its half-years. Figures are "
           "never added up.");
    p_lang(o, c,
           "Siffrorna har <b>två sorters fel</b>. <i>Skattningsfel</i>: antalet skattas ur "
           "krypterade sammanfattningar, inte ur register över personer. Intervallet (95&#160;%, "
           "de svarta strecken i diagrammen) visar hur långt från det verkliga antalet "
           "skattningen rimligen ligger; <q>exakt</q> betyder att siffran är räknad. "
           "<i>Länkningsfel</i>: en person vars namn eller födelseår skrivs olika hos olika "
           "organisationer kan räknas två gånger, och två personer med samma uppgifter en gång.",
           "The figures have <b>two kinds of error</b>. <i>Estimation error</i>: numbers are "
           "estimated from encrypted summaries, not from registers of people. The interval "
           "(95%, the black whiskers in the charts) shows how far from the true number the "
           "estimate plausibly is; <q>exact</q> means the figure was counted. <i>Linkage "
           "error</i>: a person whose name or birth year is written differently by two "
           "organisations can be counted twice, and two people with the same details once.");
    int corrected = 0, m_assumed = 0;
    for (size_t i = 0; i < c->d->nf; i++) {
        corrected |= c->d->f[i].mode && !strcmp(c->d->f[i].mode, "corrected");
        m_assumed |= c->d->f[i].m_assumed;
    }
    if (corrected) {
        p_lang(o, c,
               "Siffrorna är <b>korrigerade för länkningsfel</b>: länkaren skattar hur många "
               "personer som döljer sig bakom uppgifter som ingen regel kan koppla (ett vanligt "
               "namn och ett födelseår), och intervallet rymmer både det felet och "
               "skattningsfelet (docs/linkage.md). Den vita punkten är den deterministiska "
               "länkningens antal.",
               "The figures are <b>corrected for linkage error</b>: the linker estimates how "
               "many people lie behind records no rule can link (a common name and a birth "
               "year), and the interval holds that error as well as the estimation error "
               "(docs/linkage.md). The white dot is the deterministic linkage's count.");
        if (m_assumed) /* docs/linkage.md 15, "Agreement not measured" */
            p_lang(o, c,
                   "För få personer har ett identitetsnummer eller ett fullständigt "
                   "födelsedatum hos två organisationer för att mäta hur ofta organisationerna "
                   "skriver en persons namn och födelseår lika. Skattningen antar därför bara "
                   "att det ligger inom ett antaget spann, och intervallen är bredare för det "
                   "(docs/linkage.md, avsnitt 15).",
                   "Too few people have an identity number or a full birth date at two "
                   "organisations to measure how often the organisations write a person's "
                   "name and birth year alike. So the estimate assumes only that it lies "
                   "within an assumed range, and the intervals are wider for it "
                   "(docs/linkage.md, section 15).");
    } else if (linkage)
        p_lang(o, c,
               "Det ljusa bandet bakom en stapel är <b>länkningsintervallet</b>: antalet om alla "
               "osäkra kopplingar görs, och om ingen görs. Den vita punkten är den deterministiska "
               "länkningens antal.",
               "The pale band behind a bar is the <b>linkage range</b>: the number if every "
               "unsure link is made, and if none is. The white dot is the deterministic "
               "linkage's count.");
    else
        p_lang(o, c,
               "Länkningsfelet ingår inte i intervallet; dokumentationen om länkning "
               "(docs/linkage.md) anger hur stort det uppmätts vara för varje recept.",
               "Linkage error is not in the interval; the documentation on linkage "
               "(docs/linkage.md) gives its measured size for each recipe.");
    modes(o, c);
    if (c->d->threshold > 0)
        fprintf(o, c->lang == BD_SV
                       ? "<p><b>&lt;%lld</b> betyder färre än %lld personer: antalet visas inte, så att "
                         "ingen kan kännas igen.%s</p>\n"
                       : "<p><b>&lt;%lld</b> means fewer than %lld people: the number is not shown, "
                         "so that nobody can be recognised.%s</p>\n",
                c->d->threshold, c->d->threshold,
                !any_state(c->d, "secondary") ? ""
                : c->lang == BD_SV ? " <b>..</b> betyder att siffran inte visas eftersom ett litet "
                                     "antal annars kunde räknas fram ur andra siffror."
                                   : " <b>..</b> means the figure is withheld because a small "
                                     "number could otherwise be worked out from other figures.");
    fputs("</section>\n", o);
}

static const char *rounding_words(const bd_ctx *c)
{
    const char *r = c->d->rounding ? c->d->rounding : "none";
    int sv = c->lang == BD_SV;
    if (!strcmp(r, "sdc"))
        return sv ? "avrundade till 5 under 100, annars och för hela perioden till 10"
                  : "rounded to 5 below 100, otherwise and for the whole period to 10";
    if (!strcmp(r, "base5")) return sv ? "avrundade till 5" : "rounded to 5";
    if (!strcmp(r, "base10")) return sv ? "avrundade till 10" : "rounded to 10";
    return sv ? "inte avrundade" : "not rounded";
}

void bd_release_html(FILE *o, const bd_ctx *c)
{
    int sv = c->lang == BD_SV;
    const char *noise = c->d->noise ? c->d->noise : "none";
    fprintf(o, "<section id=\"release\"><h2>%s</h2>\n<p>", bd_msg_text(c->lang, M_RELEASE));
    fprintf(o, sv ? "Siffrorna är %s" : "The figures are %s", rounding_words(c));
    if (strcmp(noise, "none"))
        fputs(sv ? ", och ett litet slumpmässigt brus har lagts till så att små skillnader inte "
                   "avslöjar någon"
                 : ", and a small random noise was added so that small differences reveal "
                   "nobody",
              o);
    fputs(sv ? ". Alla siffror är granskningsbara: en revisor räknar om varje siffra från "
               "organisationernas signerade filer med <code>unika verify</code>."
             : ". Every figure can be audited: an auditor recomputes each one from the "
               "organisations' signed files with <code>unika verify</code>.",
          o);
    if (c->d->recipe) {
        fputs(sv ? " Recept för identitet: " : " Identity recipe: ", o);
        bd_xml_text(o, c->d->recipe);
        fputs(".", o);
    }
    fputs("</p>\n</section>\n", o);
}

static void row(FILE *o, const char *k, const char *v)
{
    fputs("<tr><th>", o);
    bd_xml_text(o, k);
    fputs("</th><td><code>", o);
    bd_xml_text(o, v ? v : "");
    fputs("</code></td></tr>\n", o);
}

/* Every scalar member of the report's `release` object, as it is. */
static void release_members(FILE *o, const bd_doc *d)
{
    for (size_t i = 0; i < d->release->n; i++) {
        const char *txt = bd_scalar_text(d->release->items[i]);
        if (txt) row(o, d->release->keys[i], txt);
    }
}

void bd_appendix_html(FILE *o, const bd_ctx *c)
{
    int sv = c->lang == BD_SV;
    fprintf(o, "<section class=\"appendix\" id=\"appendix\"><h2>%s</h2>\n",
            bd_msg_text(c->lang, M_APPENDIX));
    p_lang(o, c,
           "Den här sidan är återgiven ur rapportens JSON-fil, som revisorn granskar. Stämpeln "
           "nedan anger filens BLAKE2b-256 och hur sidan återgavs; <code>unika verify</code> "
           "återger sidan på nytt och jämför byte för byte.",
           "This page is rendered from the report's JSON file, which the auditor checks. The "
           "stamp below gives that file's BLAKE2b-256 and how the page was rendered; "
           "<code>unika verify</code> renders it again and compares byte for byte.");
    fprintf(o, "<table>\n");
    row(o, sv ? "Stämpel" : "Stamp", c->stamp);
    row(o, sv ? "Rapportens JSON (BLAKE2b-256)" : "Report JSON (BLAKE2b-256)", c->d->source);
    if (c->p) row(o, sv ? "Partnerskapsfil (BLAKE2b-256)" : "Partnership file (BLAKE2b-256)", c->p->digest);
    row(o, sv ? "Nyckelns fingeravtryck" : "Key fingerprint", c->d->key_fp);
    row(o, sv ? "Receptets fingeravtryck" : "Recipe fingerprint", c->d->recipe_fp);
    row(o, "unika", c->d->version);
    char n[32];
    snprintf(n, sizeof n, "%zu", c->d->ninputs);
    if (c->d->ninputs) row(o, sv ? "Antal indatafiler" : "Input files", n);
    fputs("</table>\n<details><summary>", o);
    fputs(sv ? "Utgivningens parametrar" : "Release parameters", o);
    fputs("</summary><table>\n", o);
    release_members(o, c->d);
    fputs("</table></details>\n</section>\n", o);
}
