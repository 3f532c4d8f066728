/* SPDX-License-Identifier: Apache-2.0 */
/* Profiles as OCI artifacts: references, the manifest push writes, the
 * manifest and index readers pull trusts nothing of, and the checks runtimes
 * apply to an artifact (distribute.h). The HTTP side is in registry.c.
 *
 * The layout is the one the Security Profiles Operator, CRI-O and the
 * `type: OCI` KEP share: artifactType and config mediaType
 * application/vnd.cncf.seccomp-profile.config.v1+json, config blob "{}",
 * exactly one layer of runtime-spec JSON, nothing platform-specific. The
 * manifest is written byte for byte the same for the same profile (no
 * timestamp), so pushing a profile twice gives the same digest. */
#include <scmpkit/distribute.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <scmpkit/profile.h>

#include "distribute/internal.h"
#include "distribute/oci_internal.h"
#include "util/grow.h"
#include "util/strbuf.h"

/* ---- references ------------------------------------------------------------- */

void sk_oci_ref_free(struct sk_oci_ref *ref)
{
	free(ref->registry);
	free(ref->repository);
	free(ref->tag);
	free(ref->digest);
	memset(ref, 0, sizeof *ref);
}

static bool lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* One path component of the distribution spec's grammar:
 * [a-z0-9]+ ((\.|_|__|-+)[a-z0-9]+)* ; returns its end, or NULL. */
static const char *component(const char *s)
{
	if (!lower_alnum(*s))
		return NULL;
	while (*s && *s != '/') {
		while (lower_alnum(*s))
			s++;
		if (!*s || *s == '/')
			break;
		const char *sep = s;
		if (*s == '.')
			s++;
		else if (*s == '_')
			s += s[1] == '_' ? 2 : 1;
		else
			while (*s == '-')
				s++;
		if (s == sep || !lower_alnum(*s))
			return NULL;
	}
	return s;
}

static bool repository_ok(const char *s)
{
	if (!*s || strlen(s) > 255)
		return false;
	for (;;) {
		if (!(s = component(s)))
			return false;
		if (!*s)
			return true;
		s++; /* '/' */
	}
}

static bool tag_ok(const char *s)
{
	size_t n = strlen(s);
	if (!n || n > 128 || s[0] == '.' || s[0] == '-')
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!(lower_alnum(c) || (c >= 'A' && c <= 'Z') || c == '_' || c == '.' || c == '-'))
			return false;
	}
	return true;
}

/* A registry host[:port]: letters, digits, '.', '-', or a bracketed IPv6. */
static bool host_ok(const char *s)
{
	size_t n = strlen(s);
	if (!n || n > 255)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!(lower_alnum(c) || (c >= 'A' && c <= 'Z') || c == '.' || c == '-' || c == ':' ||
		      c == '[' || c == ']'))
			return false;
	}
	return true;
}

static int ref_error(struct sk_diags *d, const char *s, const char *why)
{
	sk_diags_add(d, SK_SEV_ERROR, "reference", 0, 0, "oci-reference", "'%s': %s", s, why);
	return -EINVAL;
}

int sk_oci_ref_parse(const char *s, struct sk_oci_ref *ref, struct sk_diags *d)
{
	memset(ref, 0, sizeof *ref);
	const char *p = !strncmp(s, "oci://", 6) ? s + 6 : s;
	char *copy = strdup(p);
	if (!copy)
		return -ENOMEM;
	char *at = strchr(copy, '@');
	if (at) {
		*at = 0;
		if (!sk_digest_valid(at + 1)) {
			free(copy);
			return ref_error(d, s, "the digest must be sha256:<64 lower-case hex digits>");
		}
		ref->digest = strdup(at + 1);
	}
	char *slash = strchr(copy, '/');
	/* the first component is a registry when it looks like a host, as
	 * Docker decides; otherwise the name is on Docker Hub */
	bool host = slash && (memchr(copy, '.', (size_t)(slash - copy)) ||
			      memchr(copy, ':', (size_t)(slash - copy)) ||
			      !strncmp(copy, "localhost/", 10));
	char *path = host ? slash + 1 : copy;
	if (host) {
		*slash = 0;
		ref->registry = strdup(copy);
	} else {
		ref->registry = strdup("docker.io");
	}
	char *lastslash = strrchr(path, '/');
	char *colon = strrchr(lastslash ? lastslash : path, ':');
	if (colon) {
		*colon = 0;
		ref->tag = strdup(colon + 1);
	}
	if (!host && !strchr(path, '/') && *path) {
		ref->repository = malloc(strlen(path) + 9);
		if (ref->repository)
			sprintf(ref->repository, "library/%s", path);
	} else {
		ref->repository = strdup(path);
	}
	free(copy);
	int r = 0;
	if (!ref->registry || !ref->repository || (colon && !ref->tag) || (at && !ref->digest))
		r = -ENOMEM;
	else if (!host_ok(ref->registry))
		r = ref_error(d, s, "not a registry host[:port]");
	else if (!repository_ok(ref->repository))
		r = ref_error(d, s, "the repository must be lower-case components ([a-z0-9] joined by "
				    "'.', '_' or '-') separated by '/'");
	else if (ref->tag && !tag_ok(ref->tag))
		r = ref_error(d, s, "a tag is [A-Za-z0-9_.-], 128 at most, not starting with '.' or '-'");
	if (r)
		sk_oci_ref_free(ref);
	return r;
}

bool sk_oci_ref_is_loopback(const struct sk_oci_ref *ref)
{
	const char *h = ref->registry;
	size_t n = strcspn(h, h[0] == '[' ? "]" : ":");
	if (h[0] == '[')
		return !strncmp(h, "[::1]", 5);
	if (n == 9 && !strncmp(h, "localhost", 9))
		return true;
	unsigned a, b, c, e;
	char rest;
	char host[64];
	snprintf(host, sizeof host, "%.*s", (int)n, h);
	return sscanf(host, "%u.%u.%u.%u%c", &a, &b, &c, &e, &rest) == 4 && a == 127 && b < 256 &&
	       c < 256 && e < 256;
}

/* ---- the manifest push writes ------------------------------------------------- */

/* A descriptor object whose braces sit at INDENT. */
static void descriptor(struct sk_sb *sb, unsigned indent, const char *type, const char *digest,
		       size_t size, const char *title)
{
	unsigned in = indent + 2;
	sk_sb_addf(sb, "{\n%*s\"mediaType\": \"%s\",\n%*s\"digest\": \"%s\",\n%*s\"size\": %zu",
		   in, "", type, in, "", digest, in, "", size);
	if (title)
		sk_sb_addf(sb, ",\n%*s\"annotations\": {\n%*s\"org.opencontainers.image.title\": "
			       "\"%s\"\n%*s}",
			   in, "", in + 2, "", title, in, "");
	sk_sb_addf(sb, "\n%*s}", indent, "");
}

char *sk_oci_manifest_build(const char *config_digest, size_t config_len, const char *layer_digest,
			    size_t layer_len)
{
	struct sk_sb sb = SK_SB_INIT;
	sk_sb_adds(&sb, "{\n  \"schemaVersion\": 2,\n  \"mediaType\": \"" SK_OCI_MANIFEST_TYPE "\",\n"
			"  \"artifactType\": \"" SK_OCI_SECCOMP_TYPE "\",\n  \"config\": ");
	descriptor(&sb, 2, SK_OCI_SECCOMP_TYPE, config_digest, config_len, NULL);
	sk_sb_adds(&sb, ",\n  \"layers\": [\n    ");
	descriptor(&sb, 4, SK_OCI_LAYER_TYPE, layer_digest, layer_len, "profile.json");
	sk_sb_adds(&sb, "\n  ]\n}\n");
	return sk_sb_detach(&sb, NULL);
}

/* ---- reading manifests and indexes --------------------------------------------- */

void sk_oci_manifest_free(struct sk_oci_manifest *m)
{
	free(m->media_type);
	free(m->artifact_type);
	free(m->config.media_type);
	free(m->config.platform_arch);
	for (size_t i = 0; i < m->n_layers; i++) {
		free(m->layers[i].media_type);
		free(m->layers[i].platform_arch);
	}
	free(m->layers);
	memset(m, 0, sizeof *m);
}

static int man_error(struct sk_diags *d, const char *file, const struct sk_doc_node *at,
		     const char *what)
{
	return sk_dist_doc_error(d, file, at, "oci-manifest", what);
}

static int read_descriptor(const struct sk_doc_node *j, const char *file,
			   struct sk_oci_descriptor *out, struct sk_diags *d)
{
	const char *type = sk_doc_string(sk_doc_get(j, "mediaType"));
	const char *digest = sk_doc_string(sk_doc_get(j, "digest"));
	if (!j || j->type != SK_DOC_MAP || !type || !digest)
		return man_error(d, file, j, "a descriptor needs \"mediaType\" and \"digest\" strings");
	if (!sk_digest_valid(digest))
		return man_error(d, file, sk_doc_get(j, "digest"),
				 "a digest must be sha256:<64 lower-case hex digits>");
	if (!sk_doc_uint53(sk_doc_get(j, "size"), &out->size))
		return man_error(d, file, j, "a descriptor's \"size\" must be a non-negative integer");
	if (sk_doc_get(j, "urls"))
		return man_error(d, file, sk_doc_get(j, "urls"),
				 "a descriptor with \"urls\" (a foreign blob) is refused: it would be "
				 "fetched from wherever they point");
	snprintf(out->digest, sizeof out->digest, "%s", digest);
	const char *arch = sk_doc_string(sk_doc_get(sk_doc_get(j, "platform"), "architecture"));
	if (!(out->media_type = strdup(type)) || (arch && !(out->platform_arch = strdup(arch))))
		return -ENOMEM;
	return 0;
}

int sk_oci_manifest_parse(const char *text, size_t len, const char *file,
			  struct sk_oci_manifest *m, struct sk_diags *d)
{
	memset(m, 0, sizeof *m);
	struct sk_doc doc;
	const struct sk_doc_node *j = sk_dist_json(text, len, file, &doc, d);
	if (!j)
		return -EINVAL;
	uint64_t version = 0;
	const char *type = sk_doc_string(sk_doc_get(j, "mediaType"));
	const char *art = sk_doc_string(sk_doc_get(j, "artifactType"));
	const struct sk_doc_node *list = sk_doc_get(j, "manifests");
	int r = 0;
	if (j->type != SK_DOC_MAP || !sk_doc_uint53(sk_doc_get(j, "schemaVersion"), &version) ||
	    version != 2)
		r = man_error(d, file, j, "not an OCI manifest or index (\"schemaVersion\": 2)");
	m->index = !r && (list || (type && !strcmp(type, SK_OCI_INDEX_TYPE)));
	if (!r && !m->index) {
		list = sk_doc_get(j, "layers");
		r = read_descriptor(sk_doc_get(j, "config"), file, &m->config, d);
	}
	if (!r && (!list || list->type != SK_DOC_SEQ))
		r = man_error(d, file, j, m->index ? "an index needs a \"manifests\" array"
						   : "a manifest needs a \"layers\" array");
	if (!r && list->n > 64)
		r = man_error(d, file, list, "more than 64 entries: not a profile artifact");
	if (!r && ((type && !(m->media_type = strdup(type))) || (art && !(m->artifact_type = strdup(art)))))
		r = -ENOMEM;
	if (!r && list->n && !(m->layers = calloc(list->n, sizeof *m->layers)))
		r = -ENOMEM;
	for (size_t i = 0; !r && i < list->n; i++, m->n_layers++)
		r = read_descriptor(list->kids[i], file, &m->layers[i], d);
	sk_doc_release(&doc);
	if (r)
		sk_oci_manifest_free(m);
	return r;
}

/* Is M a seccomp profile artifact, as CRI-O checks it: the type is the
 * config's media type, or artifactType with an empty config; artifactType
 * and config must not disagree; exactly one layer, of a size in bounds. */
int sk_oci_manifest_check(const struct sk_oci_manifest *m, const char *file, struct sk_diags *d)
{
	bool empty = !strcmp(m->config.media_type, SK_OCI_EMPTY_TYPE);
	const char *type = empty ? m->artifact_type : m->config.media_type;
	if (!empty && m->artifact_type && strcmp(m->artifact_type, m->config.media_type))
		return man_error(d, file, NULL, "artifactType and the config's mediaType disagree");
	if (!type || strcmp(type, SK_OCI_SECCOMP_TYPE))
		return man_error(d, file, NULL,
				 "not a seccomp profile artifact (its type is not " SK_OCI_SECCOMP_TYPE ")");
	if (m->n_layers != 1)
		return man_error(d, file, NULL, "a profile artifact has exactly one layer");
	if (m->layers[0].size > SK_OCI_PULL_MAX || m->config.size > SK_OCI_PULL_MAX)
		return man_error(d, file, NULL, "a blob larger than the 4 MiB a profile may have here");
	return 0;
}

/* ---- what runtimes refuse --------------------------------------------------------- */

size_t sk_oci_artifact_check(const char *json, size_t len, const char *file, struct sk_diags *d)
{
	size_t n = 0;
	if (len > SK_OCI_MAX_PROFILE_SIZE) {
		sk_diags_add(d, SK_SEV_WARNING, file, 0, 0, "oci-artifact-size",
			     "the profile is %zu bytes: runtimes refuse artifacts over 1 MiB by default",
			     len);
		n++;
	}
	struct sk_diags quiet = {0};
	struct sk_profile *p = sk_profile_parse(json, len, file, &quiet);
	sk_diags_free(&quiet);
	if (!p)
		return n;
	if (p->listener_path || p->listener_metadata || p->default_action == SK_ACT_NOTIFY) {
		sk_diags_add(d, SK_SEV_WARNING, file, p->pos.line, p->pos.col, "oci-artifact-notify",
			     "listener settings or SCMP_ACT_NOTIFY: runtimes refuse them in an artifact "
			     "(they belong to the node)");
		n++;
	}
	/* each name counted once per rule naming it: the merger's
	 * MaxArtifactEntriesPerSyscall */
	for (size_t i = 0; i < p->n_rules; i++) {
		const struct sk_rule *ri = &p->rules[i];
		if (ri->action == SK_ACT_NOTIFY && !(p->listener_path)) {
			sk_diags_add(d, SK_SEV_WARNING, file, ri->pos.line, ri->pos.col, "oci-artifact-notify",
				     "SCMP_ACT_NOTIFY: runtimes refuse it in an artifact");
			n++;
		}
		for (size_t k = 0; k < ri->n_names; k++) {
			size_t count = 0, first = SIZE_MAX;
			for (size_t j = 0; j < p->n_rules; j++)
				if (sk_rule_names(&p->rules[j], ri->names[k])) {
					count++;
					if (first == SIZE_MAX)
						first = j;
				}
			if (count > SK_OCI_MAX_ENTRIES_PER_SYSCALL && first == i) {
				sk_diags_add(d, SK_SEV_WARNING, file, ri->pos.line, ri->pos.col,
					     "oci-artifact-entries",
					     "'%s' is named in %zu entries: runtimes refuse artifacts with "
					     "more than %u for one syscall",
					     ri->names[k], count, SK_OCI_MAX_ENTRIES_PER_SYSCALL);
				n++;
			}
		}
	}
	sk_profile_free(p);
	return n;
}
