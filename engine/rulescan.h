/* rulescan.h: the prefilters of a rule, read from its expanded pattern. */
#ifndef ATTRIB_RULESCAN_H
#define ATTRIB_RULESCAN_H

#include "arena.h"
#include "model.h"

/* Sets r's need, seq and seq_of: the symbol sets every match of pat takes a
 * symbol from; none when the pattern is beyond the reader (the rule is then
 * always tried). */
void rulescan_needs(rule *r, const char *pat);

/* Sets r's dfa fields: a DFA, in mem, of a looser pattern that matches
 * wherever pat does; r->dfa stays NULL when it cannot be built. 0, or -1
 * when out of memory. */
int rulescan_dfa(arena *mem, rule *r, const char *pat);

#endif
