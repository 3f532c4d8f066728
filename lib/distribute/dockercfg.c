/* SPDX-License-Identifier: Apache-2.0 */
/* Registry credentials from Docker's config.json (distribute.h).
 *
 * `docker login` (and podman, skopeo, crane, oras) write an "auths" entry
 * keyed by the registry's host, or by a URL for Docker Hub and older
 * clients, holding base64("user:password") in "auth" or the two apart.
 * Credential helpers ("credsStore", "credHelpers") are programs: scmpkit
 * does not run them — a node agent executing whatever a config file names
 * is one program too many — and says so instead of failing in silence. */
#include <scmpkit/distribute.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "distribute/crypto_dl.h"
#include "distribute/internal.h"

/* The "auths" keys that can mean REGISTRY. */
static bool key_matches(const char *key, const char *registry)
{
	static const char *const prefixes[] = {"", "https://", "http://"};
	bool hub = !strcmp(registry, "docker.io");
	for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
		size_t pl = strlen(prefixes[i]);
		if (strncmp(key, prefixes[i], pl))
			continue;
		const char *host = key + pl;
		size_t hl = strcspn(host, "/");
		const char *rest = host + hl;
		/* "host", "https://host", "https://host/v1/", "https://host/v2/" */
		if (*rest && strcmp(rest, "/") && strcmp(rest, "/v1/") && strcmp(rest, "/v2/"))
			continue;
		if (hl == strlen(registry) && !strncmp(host, registry, hl))
			return true;
		if (hub && ((hl == 15 && !strncmp(host, "index.docker.io", 15)) ||
			    (hl == 20 && !strncmp(host, "registry-1.docker.io", 20))))
			return true;
	}
	return false;
}

/* base64("user:password") split in two; false when it is not that. */
static bool decode_auth(const struct sk_crypto *c, const char *b64, char **user, char **secret)
{
	size_t n = strlen(b64);
	if (!n || n % 4 || n > 8192)
		return false;
	unsigned char *out = malloc(n / 4 * 3 + 1);
	if (!out)
		return false;
	int len = c->decode_block(out, (const unsigned char *)b64, (int)n);
	if (len < 0) {
		free(out);
		return false;
	}
	len -= (b64[n - 1] == '=') + (b64[n - 2] == '=');
	out[len] = 0;
	char *colon = memchr(out, ':', (size_t)len);
	bool ok = colon && strlen((char *)out) == (size_t)len && !strpbrk((char *)out, "\r\n");
	if (ok) {
		*colon = 0;
		*user = strdup((char *)out);
		*secret = strdup(colon + 1);
		ok = *user && *secret;
	}
	free(out);
	return ok;
}

static int entry_auth(const struct sk_doc_node *e, const char *file, char **user, char **secret,
		      struct sk_diags *d)
{
	const char *auth = sk_doc_string(sk_doc_get(e, "auth"));
	const char *u = sk_doc_string(sk_doc_get(e, "username"));
	const char *p = sk_doc_string(sk_doc_get(e, "password"));
	if (auth && *auth) {
		const struct sk_crypto *c = sk_crypto();
		if (!c) {
			sk_diags_add(d, SK_SEV_ERROR, file, e->pos.line, e->pos.col, "docker-config",
				     "cannot load libcrypto (" SK_CRYPTO_SONAME ", Debian package libssl3) "
				     "to decode \"auth\": %s", sk_crypto_error());
			return -ELIBACC;
		}
		if (decode_auth(c, auth, user, secret))
			return 0;
		sk_diags_add(d, SK_SEV_ERROR, file, e->pos.line, e->pos.col, "docker-config",
			     "\"auth\" is not base64 of user:password");
		return -EINVAL;
	}
	if (u && p) {
		*user = strdup(u);
		*secret = strdup(p);
		return *user && *secret ? 0 : -ENOMEM;
	}
	if (sk_doc_get(e, "identitytoken"))
		sk_diags_add(d, SK_SEV_WARNING, file, e->pos.line, e->pos.col, "docker-config",
			     "an identity token (OAuth refresh token) is not supported: log in with a "
			     "password or an access token");
	return 0;
}

int sk_docker_config_auth(const char *text, size_t len, const char *file, const char *registry,
			  char **user, char **secret, struct sk_diags *d)
{
	*user = *secret = NULL;
	struct sk_doc doc;
	const struct sk_doc_node *j = sk_dist_json(text, len, file, &doc, d);
	if (!j)
		return -EINVAL;
	int r = 0;
	const struct sk_doc_node *auths = sk_doc_get(j, "auths");
	if (j->type != SK_DOC_MAP || (auths && auths->type != SK_DOC_MAP)) {
		sk_diags_add(d, SK_SEV_ERROR, file, j->pos.line, j->pos.col, "docker-config",
			     "not a Docker config file (an object, \"auths\" an object)");
		r = -EINVAL;
	}
	for (size_t i = 0; !r && auths && i < auths->n; i++) {
		const struct sk_doc_node *e = auths->kids[2 * i + 1];
		if (key_matches(auths->kids[2 * i]->str, registry) && e->type == SK_DOC_MAP)
			if ((r = entry_auth(e, file, user, secret, d)) || *user)
				break;
	}
	const struct sk_doc_node *helpers = sk_doc_get(j, "credHelpers");
	if (!r && !*user &&
	    (sk_doc_string(sk_doc_get(j, "credsStore")) || sk_doc_get(helpers, registry)))
		sk_diags_add(d, SK_SEV_WARNING, file, 0, 0, "docker-config",
			     "the credentials for %s are in a credential helper, which scmpkit does not "
			     "run; trying without credentials",
			     registry);
	sk_doc_release(&doc);
	if (r) {
		free(*user);
		free(*secret);
		*user = *secret = NULL;
	}
	return r;
}
