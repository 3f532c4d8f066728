/* SPDX-License-Identifier: Apache-2.0 */
/* Single-quoted YAML scalars, decoded from the input (see yaml_quote.h). */
#include "util/yaml_quote.h"

#include <libfyaml.h>
#include <stdbool.h>

static bool blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool line_break(char c)
{
	return c == '\n' || c == '\r';
}

size_t sk_yaml_single_quoted(const char *raw, size_t n, char *out)
{
	size_t o = 0, i = 0, line_start = 0;
	while (i < n) {
		if (raw[i] == '\'' && i + 1 < n && raw[i + 1] == '\'') {
			out[o++] = '\'';
			i += 2;
		} else if (line_break(raw[i])) {
			/* a line's trailing blanks and the next line's leading ones go */
			while (o > line_start && blank(out[o - 1]))
				o--;
			size_t breaks = 0;
			while (i < n && line_break(raw[i])) {
				i += raw[i] == '\r' && i + 1 < n && raw[i + 1] == '\n' ? 2 : 1;
				breaks++;
				while (i < n && blank(raw[i]))
					i++;
			}
			if (breaks == 1)
				out[o++] = ' ';
			else
				for (size_t k = 1; k < breaks; k++)
					out[o++] = '\n';
			line_start = o;
		} else {
			out[o++] = raw[i++];
		}
	}
	return o;
}

const char *sk_yaml_single_quoted_raw(struct fy_token *tok, const struct fy_mark *a,
				      const struct fy_mark *z, const char *input, size_t len,
				      size_t *n)
{
	if (!tok || fy_token_scalar_style(tok) != FYSS_SINGLE_QUOTED || !a || !z ||
	    a->input_pos > z->input_pos || z->input_pos > len)
		return NULL;
	*n = z->input_pos - a->input_pos;
	return input + a->input_pos;
}
