/* SPDX-License-Identifier: Apache-2.0 */
/* The OCI distribution API, as far as a profile artifact needs it: push
 * (blob uploads, a manifest) and pull (a manifest or index, one blob), over
 * libcurl (distribute.h).
 *
 * A registry is a stranger: every byte it sends is checked before use.
 * Manifests are read within 1 MiB and their digest is compared with the one
 * asked for and the one the registry claims; a blob is read within the size
 * its manifest declares and must hash to its digest. HTTPS is required
 * except on loopback (a registry in a test, or a node-local mirror), and
 * redirects may not downgrade. Over plain HTTP nothing proves who answers:
 * any local user may listen on a loopback port first. So before a request
 * leaves, the server side of the connection must be a socket of root's or
 * the caller's (peer.c); a pull pinned by digest may skip that, since every
 * byte is then checked against the digest, but never sends credentials to a
 * server that has not passed it. Credentials (Basic, or a Bearer token from
 * the registry's token service) go only to the registry's own URLs and to
 * a token service over HTTPS; curl drops the header on a redirect to another
 * host. Messages quote what the registry said escaped. */
#include <scmpkit/distribute.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <scmpkit/escape.h>
#include <scmpkit/fileio.h>

#include "crypto_dl.h"
#include "curl_dl.h"
#include "distribute/internal.h"
#include "distribute/oci_internal.h"
#include "util/cleanup.h"
#include "util/strbuf.h"

struct resp {
	long status;
	struct sk_sb body;
	size_t limit;
	bool too_big;
	char *www_auth, *location, *digest;
};

struct reg {
	CURL *c;
	struct sk_oci_ref ref;
	const char *shown; /* the reference as given, for diagnostics */
	char base[300];    /* "https://host:port" */
	bool loopback;
	bool may_pin;      /* a pull: pinning it by digest would do */
	bool pinned;       /* a pull by digest: what arrives is checked by hash */
	bool noted_pin;    /* ... and the note that says so was given */
	char refused[600]; /* why the connection was not used (on_connected) */
	char *user, *secret;
	char *authz;       /* "Authorization: ..." once we have one */
	const struct sk_registry_opts *o;
	struct sk_diags *d;
	char err[CURL_ERROR_SIZE];
	const struct sk_curl *cu; /* libcurl, loaded by reg_open */
};

static void resp_free(struct resp *r)
{
	sk_sb_release(&r->body);
	free(r->www_auth);
	free(r->location);
	free(r->digest);
	memset(r, 0, sizeof *r);
}

static int fail(struct reg *r, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int fail(struct reg *r, int err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sk_diags_vadd(r->d, SK_SEV_ERROR, r->shown, 0, 0, "oci-registry", fmt, ap);
	va_end(ap);
	return err;
}

/* URL is plain HTTP to localhost, 127.0.0.0/8 or [::1]. */
static bool url_loopback_http(const char *url)
{
	if (strncmp(url, "http://", 7))
		return false;
	const char *h = url + 7;
	size_t n = strcspn(h, "/?#");
	char ref[300];
	snprintf(ref, sizeof ref, "%.*s/x", (int)(n < 250 ? n : 250), h);
	struct sk_oci_ref parsed;
	struct sk_diags quiet = {0};
	bool yes = sk_oci_ref_parse(ref, &parsed, &quiet) == 0 && sk_oci_ref_is_loopback(&parsed);
	if (yes)
		sk_oci_ref_free(&parsed);
	sk_diags_free(&quiet);
	return yes;
}

/* ---- one HTTP exchange ------------------------------------------------------------ */

static size_t on_body(char *p, size_t size, size_t n, void *data)
{
	struct resp *r = data;
	size_t len = size * n;
	if (r->body.len + len > r->limit) {
		r->too_big = true;
		return 0; /* curl stops with CURLE_WRITE_ERROR */
	}
	sk_sb_add(&r->body, p, len);
	return r->body.oom ? 0 : len;
}

/* A header's value when LINE is "NAME: value" (case-insensitive), trimmed. */
static char *header_value(const char *line, size_t len, const char *name)
{
	size_t nl = strlen(name);
	if (len <= nl || strncasecmp(line, name, nl) || line[nl] != ':')
		return NULL;
	const char *v = line + nl + 1, *end = line + len;
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
		end--;
	return strndup(v, (size_t)(end - v));
}

static size_t on_header(char *p, size_t size, size_t n, void *data)
{
	struct resp *r = data;
	size_t len = size * n;
	if (len >= 5 && !strncmp(p, "HTTP/", 5)) {
		/* a new response (after a redirect): forget the last one's */
		free(r->www_auth);
		free(r->location);
		free(r->digest);
		r->www_auth = r->location = r->digest = NULL;
	}
	char *v;
	if ((v = header_value(p, len, "www-authenticate")))
		free(r->www_auth), r->www_auth = v;
	else if ((v = header_value(p, len, "location")))
		free(r->location), r->location = v;
	else if ((v = header_value(p, len, "docker-content-digest")))
		free(r->digest), r->digest = v;
	return len;
}

/* ---- who serves plain HTTP ------------------------------------------------------ */

struct guard {
	struct reg *r;
	bool secret; /* the request carries credentials */
};

/* "127.0.0.1:5000" or "[::1]:5000". */
static void host_port(char *out, size_t size, const char *ip, int port)
{
	snprintf(out, size, strchr(ip, ':') ? "[%s]:%d" : "%s:%d", ip, port);
}

/* libcurl's CURLOPT_PREREQFUNCTION: the connection is made (or reused) and
 * the request not sent yet. Plain HTTP goes on only to a server run by root
 * or by us; a pinned pull also to another, as long as it sends no secret. */
static int on_connected(void *data, char *server_ip, char *client_ip, int server_port,
			int client_port)
{
	struct guard *g = data;
	struct reg *r = g->r;
	char where[80], who[64] = "";
	host_port(where, sizeof where, server_ip, server_port);
	uid_t uid;
	int e = sk_tcp_server_uid(server_ip, server_port, client_ip, client_port, &uid);
	if (!e && sk_uid_trusted(uid))
		return CURL_PREREQFUNC_OK;
	if (!e)
		snprintf(who, sizeof who, "is served by uid %u, neither root nor you (uid %u)",
			 (unsigned)uid, (unsigned)geteuid());
	else if (e == -ENOENT)
		snprintf(who, sizeof who, "is served by no socket of this host that scmpkit can see");
	else
		snprintf(who, sizeof who, "is served by someone /proc cannot name (%s)", strerror(-e));
	if (r->pinned && !g->secret) {
		if (!r->noted_pin)
			sk_diags_add(r->d, SK_SEV_NOTE, r->shown, 0, 0, "oci-registry-owner",
				     "%s %s: used only because the reference is pinned by digest, and "
				     "every byte it sends is checked against it", where, who);
		r->noted_pin = true;
		return CURL_PREREQFUNC_OK;
	}
	if (g->secret)
		snprintf(r->refused, sizeof r->refused,
			 "%s %s: over plain HTTP any local user can be the registry on a loopback "
			 "port, and credentials go to none but root's or yours; refusing it: serve "
			 "the registry as root or over HTTPS", where, who);
	else
		snprintf(r->refused, sizeof r->refused,
			 "%s %s: over plain HTTP any local user can be the registry on a loopback "
			 "port; refusing it: serve the registry as root or over HTTPS%s", where, who,
			 r->pinned || !r->may_pin ? "" : ", or pull it pinned by digest (REF@sha256:...)");
	return CURL_PREREQFUNC_ABORT;
}

struct call {
	const char *method;
	const char *url;
	const char *content_type, *accept;
	const void *body;
	size_t len;
	size_t limit;
	bool no_auth;  /* the token request carries its own */
	const char *extra_auth;
};

static int http(struct reg *r, const struct call *c, struct resp *out)
{
	memset(out, 0, sizeof *out);
	sk_sb_init(&out->body);
	out->limit = c->limit;
	CURL *h = r->c;
	const struct sk_curl *cu = r->cu;
	cu->easy_reset(h);
	/* plain HTTP only to a loopback host: the registry's own URLs when it
	 * is one, and nothing else (a redirect is checked in get_blob) */
	const char *protos = r->loopback && url_loopback_http(c->url) ? "http,https" : "https";
	struct curl_slist *hdrs = NULL;
	char line[512];
	/* our credentials only to the registry's own URLs */
	bool ours = !strncmp(c->url, r->base, strlen(r->base)) && c->url[strlen(r->base)] == '/';
	struct guard g = {.r = r};
	if (c->extra_auth)
		hdrs = cu->slist_append(hdrs, c->extra_auth);
	else if (r->authz && ours && !c->no_auth)
		hdrs = cu->slist_append(hdrs, r->authz);
	g.secret = hdrs != NULL;
	if (c->content_type) {
		snprintf(line, sizeof line, "Content-Type: %s", c->content_type);
		hdrs = cu->slist_append(hdrs, line);
	}
	if (c->accept) {
		snprintf(line, sizeof line, "Accept: %s", c->accept);
		hdrs = cu->slist_append(hdrs, line);
	}
	hdrs = cu->slist_append(hdrs, "Expect:");
	cu->easy_setopt(h, CURLOPT_URL, c->url);
	cu->easy_setopt(h, CURLOPT_PROTOCOLS_STR, protos);
	cu->easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, protos);
	cu->easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L); /* redirects: see get_blob */
	cu->easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	cu->easy_setopt(h, CURLOPT_USERAGENT, "scmpkit/" SCMPKIT_VERSION);
	cu->easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	cu->easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
	cu->easy_setopt(h, CURLOPT_TIMEOUT, r->o && r->o->timeout_s ? r->o->timeout_s : 60L);
	cu->easy_setopt(h, CURLOPT_ERRORBUFFER, r->err);
	cu->easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	cu->easy_setopt(h, CURLOPT_WRITEDATA, out);
	cu->easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	cu->easy_setopt(h, CURLOPT_HEADERDATA, out);
	cu->easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)c->limit);
	if (r->o && r->o->ca_file)
		cu->easy_setopt(h, CURLOPT_CAINFO, r->o->ca_file);
	if (!strncmp(c->url, "http://", 7)) {
		/* a loopback URL names this host: a proxy would reach its own */
		cu->easy_setopt(h, CURLOPT_NOPROXY, "*");
		cu->easy_setopt(h, CURLOPT_PREREQFUNCTION, on_connected);
		cu->easy_setopt(h, CURLOPT_PREREQDATA, &g);
	}
	if (!strcmp(c->method, "HEAD"))
		cu->easy_setopt(h, CURLOPT_NOBODY, 1L);
	else if (strcmp(c->method, "GET"))
		cu->easy_setopt(h, CURLOPT_CUSTOMREQUEST, c->method);
	if (c->body || !strcmp(c->method, "POST") || !strcmp(c->method, "PUT")) {
		cu->easy_setopt(h, CURLOPT_POSTFIELDS, c->body ? c->body : "");
		cu->easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)c->len);
	}
	r->err[0] = 0;
	r->refused[0] = 0;
	CURLcode rc = cu->easy_perform(h);
	cu->slist_free_all(hdrs);
	cu->easy_getinfo(h, CURLINFO_RESPONSE_CODE, &out->status);
	if (rc == CURLE_ABORTED_BY_CALLBACK && r->refused[0])
		return fail(r, -EPERM, "%s", r->refused);
	if (out->too_big || rc == CURLE_FILESIZE_EXCEEDED)
		return fail(r, -EFBIG, "%s %s: the response is larger than the %zu bytes expected",
			    c->method, c->url, c->limit);
	if (rc != CURLE_OK)
		return fail(r, -EHOSTUNREACH, "%s %s: %s", c->method, c->url,
			    r->err[0] ? r->err : cu->easy_strerror(rc));
	return out->body.oom ? -ENOMEM : 0;
}

/* ---- authentication ------------------------------------------------------------- */

/* The value of PARAM in a challenge ("Bearer realm=\"...\",service=\"...\""). */
static char *challenge_param(const char *ch, const char *param)
{
	size_t pl = strlen(param);
	for (const char *p = ch; (p = strcasestr(p, param));) {
		bool start = p == ch || p[-1] == ' ' || p[-1] == ',';
		if (!start || p[pl] != '=') {
			p += pl;
			continue;
		}
		const char *v = p + pl + 1;
		if (*v == '"') {
			const char *e = strchr(v + 1, '"');
			return e ? strndup(v + 1, (size_t)(e - v - 1)) : NULL;
		}
		return strndup(v, strcspn(v, ", "));
	}
	return NULL;
}

static char *basic_header(const char *user, const char *secret)
{
	_sk_cleanup_free_ char *pair = NULL;
	if (asprintf(&pair, "%s:%s", user, secret) < 0)
		return NULL;
	size_t n = strlen(pair);
	/* libcurl, loaded by now, needs libcrypto itself: it cannot be missing */
	const struct sk_crypto *c = sk_crypto();
	_sk_cleanup_free_ unsigned char *b64 = malloc(4 * ((n + 2) / 3) + 1);
	if (!b64 || !c)
		return NULL;
	c->encode_block(b64, (const unsigned char *)pair, (int)n);
	char *h = NULL;
	return asprintf(&h, "Authorization: Basic %s", b64) < 0 ? NULL : h;
}

static char *url_encode(const struct reg *r, const char *s)
{
	char *e = r->cu->easy_escape(r->c, s, 0);
	char *copy = e ? strdup(e) : NULL;
	r->cu->free(e);
	return copy;
}

/* A token from the registry's token service (the Docker token flow). */
static int bearer(struct reg *r, const char *challenge, const char *scope_wanted)
{
	_sk_cleanup_free_ char *realm = challenge_param(challenge, "realm");
	_sk_cleanup_free_ char *service = challenge_param(challenge, "service");
	_sk_cleanup_free_ char *scope = challenge_param(challenge, "scope");
	if (!realm)
		return fail(r, -EACCES, "the registry asks for a token but names no token service");
	if (strncmp(realm, "https://", 8) && !url_loopback_http(realm))
		return fail(r, -EACCES, "the token service is not HTTPS: refusing to send credentials to it");
	struct sk_sb url = SK_SB_INIT;
	sk_sb_adds(&url, realm);
	char sep = strchr(realm, '?') ? '&' : '?';
	_sk_cleanup_free_ char *es = service ? url_encode(r, service) : NULL;
	_sk_cleanup_free_ char *sc = url_encode(r, scope ? scope : scope_wanted);
	if (es) {
		sk_sb_addf(&url, "%cservice=%s", sep, es);
		sep = '&';
	}
	if (sc)
		sk_sb_addf(&url, "%cscope=%s", sep, sc);
	_sk_cleanup_free_ char *basic = r->user ? basic_header(r->user, r->secret) : NULL;
	struct call c = {.method = "GET", .url = url.buf, .limit = 64 * 1024, .no_auth = true,
			 .extra_auth = basic};
	struct resp out;
	int e = http(r, &c, &out);
	sk_sb_release(&url);
	if (e < 0) {
		resp_free(&out);
		return e;
	}
	struct sk_diags quiet = {0};
	struct sk_doc doc = {0};
	const struct sk_doc_node *j =
		out.status == 200 ? sk_dist_json(out.body.buf, out.body.len, "token", &doc, &quiet)
				  : NULL;
	sk_diags_free(&quiet);
	const char *tok = sk_doc_string(sk_doc_get(j, "token"));
	if (!tok)
		tok = sk_doc_string(sk_doc_get(j, "access_token"));
	e = 0;
	if (!tok || !*tok || strpbrk(tok, "\r\n \t"))
		e = fail(r, -EACCES, "the token service answered %ld without a usable token%s",
			 out.status, r->user ? " (are the credentials right?)" : " (no credentials for this registry)");
	else if (asprintf(&r->authz, "Authorization: Bearer %s", tok) < 0)
		e = -ENOMEM;
	sk_doc_release(&doc);
	resp_free(&out);
	return e;
}

/* After a 401: get what the challenge asks for. */
static int authenticate(struct reg *r, const char *challenge, const char *scope)
{
	free(r->authz);
	r->authz = NULL;
	if (!challenge)
		return fail(r, -EACCES, "401 Unauthorized without a challenge");
	if (!strncasecmp(challenge, "Bearer", 6))
		return bearer(r, challenge, scope);
	if (!strncasecmp(challenge, "Basic", 5)) {
		if (!r->user)
			return fail(r, -EACCES, "the registry wants a user and password: none for %s in the "
						"Docker config file",
				    r->ref.registry);
		return (r->authz = basic_header(r->user, r->secret)) ? 0 : -ENOMEM;
	}
	return fail(r, -EACCES, "an authentication scheme scmpkit does not speak");
}

/* A request, authenticating once when the registry answers 401. */
static int request(struct reg *r, struct call *c, const char *scope, struct resp *out)
{
	int e = http(r, c, out);
	if (e < 0 || out->status != 401)
		return e;
	_sk_cleanup_free_ char *challenge = out->www_auth ? strdup(out->www_auth) : NULL;
	resp_free(out);
	if ((e = authenticate(r, challenge, scope)) < 0)
		return e;
	return http(r, c, out);
}

/* "CODE: message" of a registry's error body, escaped, or the status. */
static int status_error(struct reg *r, const char *what, const struct resp *out)
{
	struct sk_diags quiet = {0};
	struct sk_doc doc;
	const struct sk_doc_node *j = sk_dist_json(out->body.buf, out->body.len, "error", &doc, &quiet);
	sk_diags_free(&quiet);
	const struct sk_doc_node *errs = sk_doc_get(j, "errors");
	const struct sk_doc_node *e0 = errs && errs->type == SK_DOC_SEQ && errs->n ? errs->kids[0] : NULL;
	const char *code = sk_doc_string(sk_doc_get(e0, "code"));
	const char *msg = sk_doc_string(sk_doc_get(e0, "message"));
	_sk_cleanup_free_ char *ec = code ? sk_escape(code) : NULL;
	_sk_cleanup_free_ char *em = msg ? sk_escape(msg) : NULL;
	if (em && strlen(em) > 200)
		em[200] = 0;
	int err = out->status == 404 ? -ENOENT : out->status == 401 || out->status == 403 ? -EACCES : -EIO;
	fail(r, err, "%s: the registry answered %ld%s%s%s%s", what, out->status, ec ? " " : "",
	     ec ? ec : "", em ? ": " : "", em ? em : "");
	sk_doc_release(&doc);
	return err;
}

/* ---- opening --------------------------------------------------------------------- */

static void load_credentials(struct reg *r)
{
	const char *path = r->o ? r->o->docker_config : NULL;
	char buf[4096];
	if (!path) {
		const char *dir = getenv("DOCKER_CONFIG"), *home = getenv("HOME");
		if (dir)
			snprintf(buf, sizeof buf, "%s/config.json", dir);
		else if (home)
			snprintf(buf, sizeof buf, "%s/.docker/config.json", home);
		else
			return;
		path = buf;
	}
	_sk_cleanup_free_ char *text = NULL;
	size_t len;
	int e = sk_read_input(path, SK_INPUT_OTHER, &text, &len);
	if (e == -ENOENT && !(r->o && r->o->docker_config))
		return;
	if (e < 0) {
		sk_diags_add(r->d, SK_SEV_WARNING, path, 0, 0, "docker-config", "cannot read: %s",
			     sk_read_error(e, SK_INPUT_OTHER));
		return;
	}
	sk_docker_config_auth(text, len, path, r->ref.registry, &r->user, &r->secret, r->d);
}

static int reg_open(struct reg *r, const char *ref, const struct sk_registry_opts *o,
		    struct sk_diags *d)
{
	memset(r, 0, sizeof *r);
	r->shown = ref;
	r->o = o;
	r->d = d;
	int e = sk_oci_ref_parse(ref, &r->ref, d);
	if (e < 0)
		return e;
	r->loopback = sk_oci_ref_is_loopback(&r->ref);
	const char *host = strcmp(r->ref.registry, "docker.io") ? r->ref.registry : "registry-1.docker.io";
	snprintf(r->base, sizeof r->base, "%s://%s", r->loopback ? "http" : "https", host);
	if (!(r->cu = sk_curl(ref, d)))
		return -ELIBACC;
	if (!(r->c = r->cu->easy_init()))
		return -ENOMEM;
	load_credentials(r);
	return 0;
}

static void reg_close(struct reg *r)
{
	if (r->c)
		r->cu->easy_cleanup(r->c);
	sk_oci_ref_free(&r->ref);
	free(r->user);
	if (r->secret)
		explicit_bzero(r->secret, strlen(r->secret));
	free(r->secret);
	free(r->authz);
}

static char *api_url(struct reg *r, const char *kind, const char *what)
{
	char *u = NULL;
	return asprintf(&u, "%s/v2/%s/%s/%s", r->base, r->ref.repository, kind, what) < 0 ? NULL : u;
}

static char *scope(struct reg *r, const char *actions)
{
	char *s = NULL;
	return asprintf(&s, "repository:%s:%s", r->ref.repository, actions) < 0 ? NULL : s;
}

/* ---- push -------------------------------------------------------------------------- */

static int upload_blob(struct reg *r, const char *data, size_t len, const char *digest,
		       const char *sc)
{
	_sk_cleanup_free_ char *url = api_url(r, "blobs", digest);
	_sk_cleanup_free_ char *start = api_url(r, "blobs", "uploads/");
	_sk_cleanup_free_ char *put = NULL; /* before the first goto: cleanup must see it set */
	if (!url || !start)
		return -ENOMEM;
	struct resp out;
	struct call head = {.method = "HEAD", .url = url, .limit = 64 * 1024};
	int e = request(r, &head, sc, &out);
	long st = out.status;
	resp_free(&out);
	if (e < 0 || st == 200)
		return e; /* already there: the registry has the same bytes */
	struct call post = {.method = "POST", .url = start, .limit = 64 * 1024};
	if ((e = request(r, &post, sc, &out)) < 0)
		goto done;
	if (out.status != 202 || !out.location) {
		e = status_error(r, "starting a blob upload", &out);
		goto done;
	}
	const char *loc = out.location;
	char sep = strchr(loc, '?') ? '&' : '?';
	if (asprintf(&put, "%s%s%cdigest=%s", loc[0] == '/' ? r->base : "", loc, sep, digest) < 0) {
		e = -ENOMEM;
		goto done;
	}
	resp_free(&out);
	struct call pc = {.method = "PUT", .url = put, .content_type = "application/octet-stream",
			  .body = data, .len = len, .limit = 64 * 1024};
	if ((e = request(r, &pc, sc, &out)) < 0)
		goto done;
	if (out.status != 201)
		e = status_error(r, "uploading a blob", &out);
done:
	resp_free(&out);
	return e;
}

int sk_oci_push(const char *ref, const char *profile, size_t len,
		const struct sk_registry_opts *opts, char digest[72], struct sk_diags *d)
{
	struct reg r;
	int e = reg_open(&r, ref, opts, d);
	char config_digest[SK_DIGEST_LEN], layer_digest[SK_DIGEST_LEN], man_digest[SK_DIGEST_LEN];
	_sk_cleanup_free_ char *manifest = NULL, *url = NULL, *sc = NULL;
	struct resp out = {0};
	if (e < 0)
		goto done;
	if (r.ref.tag && r.ref.digest) {
		e = fail(&r, -EINVAL, "push to a tag or to a digest, not both");
		goto done;
	}
	if ((e = sk_digest("{}", 2, config_digest)) < 0 || (e = sk_digest(profile, len, layer_digest)) < 0)
		goto done;
	manifest = sk_oci_manifest_build(config_digest, 2, layer_digest, len);
	sc = scope(&r, "pull,push");
	if (!manifest || !sc || (e = sk_digest(manifest, strlen(manifest), man_digest)) < 0) {
		e = e < 0 ? e : -ENOMEM;
		goto done;
	}
	if (r.ref.digest && strcmp(r.ref.digest, man_digest)) {
		e = fail(&r, -EINVAL, "the reference names %s, but this profile's manifest is %s",
			 r.ref.digest, man_digest);
		goto done;
	}
	if ((e = upload_blob(&r, "{}", 2, config_digest, sc)) < 0 ||
	    (e = upload_blob(&r, profile, len, layer_digest, sc)) < 0)
		goto done;
	url = api_url(&r, "manifests", r.ref.digest ? r.ref.digest : r.ref.tag ? r.ref.tag : "latest");
	struct call c = {.method = "PUT", .url = url, .content_type = SK_OCI_MANIFEST_TYPE,
			 .body = manifest, .len = strlen(manifest), .limit = 64 * 1024};
	if (!url || (e = request(&r, &c, sc, &out)) < 0)
		goto done;
	if (out.status != 201)
		e = status_error(&r, "putting the manifest", &out);
	else if (out.digest && strcmp(out.digest, man_digest))
		e = fail(&r, -EIO, "the registry stored the manifest as %s, not as %s", out.digest,
			 man_digest);
	else
		memcpy(digest, man_digest, SK_DIGEST_LEN);
done:
	resp_free(&out);
	reg_close(&r);
	return e;
}

/* ---- pull -------------------------------------------------------------------------- */

/* GET a manifest by REFERENCE, its digest checked against WANT (when given)
 * and against what the registry claims. */
static int get_manifest(struct reg *r, const char *reference, const char *want, const char *sc,
			struct sk_oci_manifest *m, char digest[SK_DIGEST_LEN])
{
	_sk_cleanup_free_ char *url = api_url(r, "manifests", reference);
	if (!url)
		return -ENOMEM;
	struct call c = {.method = "GET", .url = url, .limit = SK_OCI_MANIFEST_MAX,
			 .accept = SK_OCI_MANIFEST_TYPE ", " SK_OCI_INDEX_TYPE};
	struct resp out;
	int e = request(r, &c, sc, &out);
	if (e < 0)
		goto done;
	if (out.status != 200) {
		e = status_error(r, "getting the manifest", &out);
		goto done;
	}
	if ((e = sk_digest(out.body.buf, out.body.len, digest)) < 0)
		goto done;
	if (want && strcmp(want, digest)) {
		e = fail(r, -EBADMSG, "the manifest served for %s hashes to %s: refusing it", want, digest);
		goto done;
	}
	if (out.digest && strcmp(out.digest, digest)) {
		_sk_cleanup_free_ char *claim = sk_escape(out.digest);
		e = fail(r, -EBADMSG, "the registry says the manifest is %s, but it hashes to %s: refusing it",
			 claim ? claim : "?", digest);
		goto done;
	}
	char shown[128];
	snprintf(shown, sizeof shown, "%s (manifest)", digest);
	e = sk_oci_manifest_parse(out.body.buf, out.body.len, shown, m, r->d);
done:
	resp_free(&out);
	return e;
}

/* GET the layer. Registries redirect blob downloads to their storage (S3, a
 * CDN): followed here, not by curl, so that each hop is checked (HTTPS, or
 * plain HTTP to loopback only) and our credentials stay with the registry. */
static int get_blob(struct reg *r, const struct sk_oci_descriptor *desc, const char *sc,
		    char **data, size_t *len)
{
	_sk_cleanup_free_ char *url = api_url(r, "blobs", desc->digest);
	if (!url)
		return -ENOMEM;
	struct resp out = {0};
	int e = 0, hops = 0;
	for (;; hops++) {
		/* room for a redirect's body too; the size is checked exactly below */
		size_t limit = desc->size > 65536 ? (size_t)desc->size : 65536;
		struct call c = {.method = "GET", .url = url, .limit = limit};
		if ((e = request(r, &c, sc, &out)) < 0)
			goto done;
		bool redirect = out.status == 301 || out.status == 302 || out.status == 303 ||
				out.status == 307 || out.status == 308;
		if (!redirect || !out.location)
			break;
		if (hops == 5) {
			e = fail(r, -ELOOP, "more than 5 redirects for the layer");
			goto done;
		}
		char *next = NULL;
		if (out.location[0] == '/' ? asprintf(&next, "%s%s", r->base, out.location) < 0
					   : !(next = strdup(out.location))) {
			e = -ENOMEM;
			goto done;
		}
		free(url);
		url = next;
		resp_free(&out);
		if (strncmp(url, "https://", 8) && !url_loopback_http(url)) {
			_sk_cleanup_free_ char *shown = sk_escape(url);
			e = fail(r, -EPERM, "the registry redirects the layer to %s: not HTTPS, refusing",
				 shown ? shown : "?");
			goto done;
		}
	}
	char got[SK_DIGEST_LEN];
	if (out.status != 200) {
		e = status_error(r, "getting the profile layer", &out);
		goto done;
	}
	if (out.body.len != desc->size || (e = sk_digest(out.body.buf, out.body.len, got)) < 0 ||
	    strcmp(got, desc->digest)) {
		e = fail(r, -EBADMSG, "the layer served for %s is %zu bytes%s%s, not what the manifest "
				      "says (%llu bytes): refusing it",
			 desc->digest, out.body.len, e < 0 ? "" : " hashing to ", e < 0 ? "" : got,
			 (unsigned long long)desc->size);
		goto done;
	}
	*len = out.body.len;
	*data = sk_sb_detach(&out.body, NULL);
	e = *data ? 0 : -ENOMEM;
done:
	resp_free(&out);
	return e;
}

int sk_oci_pull(const char *ref, const struct sk_registry_opts *opts, char **data, size_t *len,
		char digest[72], struct sk_diags *d)
{
	*data = NULL;
	*len = 0;
	struct reg r;
	struct sk_oci_manifest m = {0};
	_sk_cleanup_free_ char *sc = NULL;
	int e = reg_open(&r, ref, opts, d);
	if (e < 0)
		goto done;
	r.may_pin = true;
	r.pinned = r.ref.digest != NULL;
	if (!(sc = scope(&r, "pull"))) {
		e = -ENOMEM;
		goto done;
	}
	const char *reference = r.ref.digest ? r.ref.digest : r.ref.tag ? r.ref.tag : "latest";
	if ((e = get_manifest(&r, reference, r.ref.digest, sc, &m, digest)) < 0)
		goto done;
	if (m.index) {
		/* a profile artifact is platform-independent: an index must name
		 * exactly one manifest, fetched by its digest */
		if (m.n_layers != 1) {
			e = fail(&r, -EINVAL, "an index of %zu manifests: name the one to pull by digest",
				 m.n_layers);
			goto done;
		}
		char want[SK_DIGEST_LEN];
		memcpy(want, m.layers[0].digest, SK_DIGEST_LEN);
		sk_oci_manifest_free(&m);
		if ((e = get_manifest(&r, want, want, sc, &m, digest)) < 0)
			goto done;
		if (m.index) {
			e = fail(&r, -EINVAL, "an index inside an index: not a profile artifact");
			goto done;
		}
	}
	if ((e = sk_oci_manifest_check(&m, r.shown, d)) < 0)
		goto done;
	e = get_blob(&r, &m.layers[0], sc, data, len);
done:
	sk_oci_manifest_free(&m);
	reg_close(&r);
	return e;
}
