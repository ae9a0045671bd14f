/* The kernel command line's lexer: see cmdline.h. */
#include "kernel/cmdline.h"

#include <stdbool.h>

#include "lib/quote.h"
#include "lib/log.h"
#include "lib/printk.h"
#include "lib/string.h"

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* The value of key's nth word (counting from 0), or of the last one when nth < 0. */
static int find_word(const char *cmdline, const char *key, int nth, char *val, size_t len)
{
    size_t key_len = strlen(key);
    const char *found = NULL;
    size_t found_len = 0;
    int seen = 0;

    if (!cmdline)
        return CMDLINE_NOT_FOUND;
    for (const char *p = cmdline; *p && (nth < 0 || seen <= nth);) {
        while (is_space(*p))
            p++;
        if (!*p)
            break; /* trailing white space: no word, not an empty one */
        const char *word = p;
        while (*p && !is_space(*p))
            p++;
        size_t word_len = (size_t)(p - word);
        if (word_len < key_len || memcmp(word, key, key_len) != 0)
            continue;
        if (word_len != key_len && word[key_len] != '=')
            continue;
        if (nth >= 0 && seen++ != nth)
            continue;
        found = word + key_len + (word_len == key_len ? 0 : 1); /* a bare key: the value "" */
        found_len = word_len == key_len ? 0 : word_len - key_len - 1;
    }
    if (!found)
        return CMDLINE_NOT_FOUND;
    if (found_len + 1 > len) {
        if (len)
            val[0] = '\0';
        return CMDLINE_TOO_LONG;
    }
    memcpy(val, found, found_len);
    val[found_len] = '\0';
    return (int)found_len;
}

int cmdline_get(const char *cmdline, const char *key, char *val, size_t len)
{
    return find_word(cmdline, key, -1, val, len);
}

int cmdline_get_nth(const char *cmdline, const char *key, unsigned int nth, char *val, size_t len)
{
    return find_word(cmdline, key, nth > 0x7fffffff ? 0x7fffffff : (int)nth, val, len);
}
