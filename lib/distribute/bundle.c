/* SPDX-License-Identifier: Apache-2.0 */
/* scmpkit bundle: what a cluster needs to put profiles on every node
 * (distribute.h), as kubectl-applyable YAML with a kustomization.yaml.
 *
 * Every profile is checked first as node-sync will check it (the same
 * sk_profile_for_node), so a bundle that applies cleanly does not leave a
 * rejected profile on every node. The manifests are written as text from
 * templates, not through a YAML library: their shape is fixed, every value
 * that varies is either validated to a plain scalar (names, the namespace)
 * or quoted as a JSON string (which YAML reads as a double-quoted scalar), and
 * the comments in them are the documentation a cluster admin reads.
 *
 * The DaemonSet asks for the least that writing into the kubelet's seccomp
 * root needs: uid 0 (the directory is root's, 0755) with every capability
 * dropped — the owner's write bit is enough, no CAP_DAC_OVERRIDE — no
 * privilege escalation, a read-only root filesystem, RuntimeDefault for
 * itself (a Localhost profile would have to be installed by the agent it
 * confines), limits, and tolerations so that it runs on every node. */
#include <scmpkit/distribute.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <scmpkit/fileio.h>
#include <scmpkit/profile.h>

#include "distribute/internal.h"
#include "util/cleanup.h"
#include "util/grow.h"
#include "util/json_quote.h"
#include "util/strbuf.h"

/* The API server refuses a ConfigMap over 1 MiB (data and metadata). */
#define CONFIGMAP_MAX (1024 * 1024 - 16 * 1024)
#define PROFILES_MOUNT "/etc/scmpkit/profiles"
#define SECCOMP_MOUNT "/host/seccomp"
#define STATUS_FILE "/run/scmpkit/status.json"

struct profile_in {
	char *file;    /* "web.yaml" */
	char *shown;   /* "dir/web.yaml" */
	char *text;
	size_t len;
	char *json;    /* the runtime-spec JSON for bundle's arch */
	char stem[256];   /* "web" */
	char object[256]; /* a Kubernetes name for it: "web" */
};

struct ctx {
	const struct sk_bundle_opts *o;
	const char *ns, *image;
	struct profile_in *v;
	size_t n, cap;
	struct sk_bundle *out;
	size_t files_cap;
	struct sk_diags *d;
};

void sk_bundle_free(struct sk_bundle *b)
{
	for (size_t i = 0; i < b->n; i++) {
		free(b->files[i].name);
		free(b->files[i].text);
	}
	free(b->files);
	b->files = NULL;
	b->n = 0;
}

static int add_file(struct ctx *c, const char *name, struct sk_sb *sb)
{
	char *text = sk_sb_detach(sb, NULL);
	if (!text || SK_GROW(c->out->files, c->files_cap, c->out->n) < 0) {
		free(text);
		return -ENOMEM;
	}
	struct sk_bundle_file *f = &c->out->files[c->out->n];
	if (!(f->name = strdup(name))) {
		free(text);
		return -ENOMEM;
	}
	f->text = text;
	c->out->n++;
	return 0;
}

/* ---- names -------------------------------------------------------------------- */

/* A DNS-1123 label (namespaces, container names): [a-z0-9-], 63 at most,
 * alphanumeric at both ends. */
static bool dns_label(const char *s)
{
	size_t n = strlen(s);
	if (!n || n > 63 || s[0] == '-' || s[n - 1] == '-')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return false;
	return true;
}

/* The profile's stem as a label: lower case, '.' and '_' become '-'. */
static bool object_name(const char *stem, char *out, size_t size)
{
	size_t n = strlen(stem);
	if (n >= size || n > 63)
		return false;
	for (size_t i = 0; i <= n; i++) {
		char ch = stem[i];
		out[i] = ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ch == '.' || ch == '_' ? '-' : ch;
	}
	return dns_label(out);
}

/* An image reference may hold no blank, quote or control character. */
static bool image_ok(const char *s)
{
	if (!*s || strlen(s) > 512)
		return false;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p <= ' ' || *p == '"' || *p == '\'' || *p == '\\' || *p >= 0x7f)
			return false;
	return true;
}

/* ---- YAML text ------------------------------------------------------------------ */

/* Whether YAML can carry TEXT in a literal block byte for byte: printable
 * characters only (YAML 1.2's c-printable: tabs are content there, carriage
 * returns are not; no byte-order mark), and a first line that does not start
 * with a blank (no indentation indicator needed). */
static bool literal_ok(const char *text)
{
	const unsigned char *s = (const unsigned char *)text;
	if (!*s || *s == ' ' || *s == '\t' || *s == '\n')
		return false;
	for (; *s; s++) {
		if (*s < 0x20 && *s != '\n' && *s != '\t')
			return false;
		if (*s == 0x7f || (s[0] == 0xc2 && s[1] >= 0x80 && s[1] <= 0x9f && s[1] != 0x85) ||
		    (s[0] == 0xef && s[1] == 0xbb && s[2] == 0xbf) ||
		    (s[0] == 0xef && s[1] == 0xbf && (s[2] == 0xbe || s[2] == 0xbf)))
			return false;
	}
	return true;
}

/* TEXT as the value of a key at INDENT: a literal block when YAML can carry
 * it byte for byte, else a double-quoted scalar (a JSON string is one). The
 * chomping indicator keeps the trailing newlines exactly. */
static void yaml_text(struct sk_sb *sb, unsigned indent, const char *text)
{
	if (!literal_ok(text)) {
		sk_json_quote(sb, text);
		sk_sb_addc(sb, '\n');
		return;
	}
	size_t len = strlen(text), trailing = 0;
	while (trailing < len && text[len - 1 - trailing] == '\n')
		trailing++;
	sk_sb_adds(sb, trailing == 0 ? "|-\n" : trailing == 1 ? "|\n" : "|+\n");
	for (const char *p = text; *p;) {
		const char *nl = strchrnul(p, '\n');
		if (nl > p)
			sk_sb_addchars(sb, ' ', indent);
		sk_sb_add(sb, p, (size_t)(nl - p));
		sk_sb_addc(sb, '\n');
		p = *nl ? nl + 1 : nl;
	}
}

static void header(struct sk_sb *sb, const char *what)
{
	sk_sb_addf(sb, "# Generated by scmpkit %s (scmpkit bundle): %s\n", SCMPKIT_VERSION, what);
}

/* ---- the ConfigMap way --------------------------------------------------------- */

static int namespace_yaml(struct ctx *c)
{
	struct sk_sb sb = SK_SB_INIT;
	header(&sb, "the namespace node-sync runs in.");
	sk_sb_addf(&sb,
		   "# Pod Security: the DaemonSet mounts the kubelet's seccomp root (a hostPath),\n"
		   "# which only the privileged level admits; the pod itself is otherwise\n"
		   "# restricted (no capabilities, no privilege escalation, RuntimeDefault).\n"
		   "apiVersion: v1\n"
		   "kind: Namespace\n"
		   "metadata:\n"
		   "  name: %s\n"
		   "  labels:\n"
		   "    app.kubernetes.io/part-of: scmpkit\n"
		   "    pod-security.kubernetes.io/enforce: privileged\n"
		   "    pod-security.kubernetes.io/warn: baseline\n",
		   c->ns);
	return add_file(c, "namespace.yaml", &sb);
}

static int configmap_yaml(struct ctx *c)
{
	struct sk_sb sb = SK_SB_INIT;
	header(&sb, "the profiles, as written; node-sync resolves each for its node.");
	sk_sb_addf(&sb,
		   "apiVersion: v1\n"
		   "kind: ConfigMap\n"
		   "metadata:\n"
		   "  name: scmpkit-profiles\n"
		   "  namespace: %s\n"
		   "  labels:\n"
		   "    app.kubernetes.io/part-of: scmpkit\n"
		   "data:\n",
		   c->ns);
	size_t total = 0;
	for (size_t i = 0; i < c->n; i++) {
		sk_sb_addf(&sb, "  %s: ", c->v[i].file);
		yaml_text(&sb, 4, c->v[i].text);
		total += c->v[i].len + strlen(c->v[i].file);
	}
	if (!c->n)
		sb.len -= strlen("data:\n"), sk_sb_adds(&sb, "data: {}\n");
	if (total > CONFIGMAP_MAX) {
		sk_sb_release(&sb);
		sk_diags_add(c->d, SK_SEV_ERROR, NULL, 0, 0, "bundle-size",
			     "the profiles take %zu bytes; a ConfigMap holds at most 1 MiB", total);
		sk_diags_set_fix(c->d, "split the directory into several bundles, or push the profiles "
				       "to a registry (scmpkit push) and use node-sync --from oci://");
		return -EFBIG;
	}
	return add_file(c, "configmap.yaml", &sb);
}

static int daemonset_yaml(struct ctx *c)
{
	struct sk_sb sb = SK_SB_INIT;
	header(&sb, "node-sync on every node.");
	sk_sb_addf(
		&sb,
		"# It installs each profile of the ConfigMap, resolved for the node's\n"
		"# architecture and checked, as /var/lib/kubelet/seccomp/scmpkit/NAME.json:\n"
		"# a pod names it with localhostProfile: scmpkit/NAME.json. It changes only\n"
		"# files it wrote; the readiness probe fails while a profile is rejected.\n"
		"apiVersion: apps/v1\n"
		"kind: DaemonSet\n"
		"metadata:\n"
		"  name: scmpkit-node-sync\n"
		"  namespace: %s\n"
		"  labels:\n"
		"    app.kubernetes.io/name: scmpkit-node-sync\n"
		"    app.kubernetes.io/part-of: scmpkit\n"
		"spec:\n"
		"  selector:\n"
		"    matchLabels:\n"
		"      app.kubernetes.io/name: scmpkit-node-sync\n"
		"  updateStrategy:\n"
		"    type: RollingUpdate\n"
		"    rollingUpdate:\n"
		"      maxUnavailable: 10%%\n"
		"  template:\n"
		"    metadata:\n"
		"      labels:\n"
		"        app.kubernetes.io/name: scmpkit-node-sync\n"
		"        app.kubernetes.io/part-of: scmpkit\n"
		"    spec:\n"
		"      automountServiceAccountToken: false  # it never talks to the API server\n"
		"      enableServiceLinks: false\n"
		"      nodeSelector:\n"
		"        kubernetes.io/os: linux\n"
		"      tolerations:\n"
		"      - operator: Exists  # every node, tainted ones included: any may run the pods\n"
		"      terminationGracePeriodSeconds: 10\n"
		"      securityContext:\n"
		"        seccompProfile:\n"
		"          type: RuntimeDefault\n"
		"      containers:\n"
		"      - name: node-sync\n"
		"        image: ",
		c->ns);
	sk_json_quote(&sb, c->image);
	sk_sb_adds(
		&sb,
		"\n"
		"        imagePullPolicy: IfNotPresent\n"
		"        command: [scmpkit, node-sync, --from, " PROFILES_MOUNT ", --root, " SECCOMP_MOUNT
		",\n"
		"          --interval, 30s, --status, " STATUS_FILE "]\n"
		"        securityContext:\n"
		"          # the seccomp root is root's (0755): uid 0 writes there with the owner's\n"
		"          # permission bits alone, so every capability is dropped\n"
		"          runAsUser: 0\n"
		"          runAsGroup: 0\n"
		"          runAsNonRoot: false\n"
		"          privileged: false\n"
		"          allowPrivilegeEscalation: false\n"
		"          readOnlyRootFilesystem: true\n"
		"          capabilities:\n"
		"            drop: [ALL]\n"
		"          # not Localhost: the agent cannot start under a profile it installs itself\n"
		"          seccompProfile:\n"
		"            type: RuntimeDefault\n"
		"        readinessProbe:\n"
		"          exec:\n"
		"            command: [scmpkit, node-sync, --probe, --status, " STATUS_FILE
		", --max-age, 2m]\n"
		"          initialDelaySeconds: 2\n"
		"          periodSeconds: 10\n"
		"        resources:\n"
		"          requests:\n"
		"            cpu: 10m\n"
		"            memory: 16Mi\n"
		"          limits:\n"
		"            cpu: 100m\n"
		"            memory: 64Mi\n"
		"        volumeMounts:\n"
		"        - name: profiles\n"
		"          mountPath: " PROFILES_MOUNT "\n"
		"          readOnly: true\n"
		"        - name: seccomp-root\n"
		"          mountPath: " SECCOMP_MOUNT "\n"
		"        - name: status\n"
		"          mountPath: /run/scmpkit\n"
		"      volumes:\n"
		"      - name: profiles\n"
		"        configMap:\n"
		"          name: scmpkit-profiles  # mounted whole (not subPath): updates arrive\n"
		"      - name: seccomp-root\n"
		"        hostPath:\n"
		"          path: /var/lib/kubelet/seccomp  # the kubelet's --root-dir/seccomp\n"
		"          type: DirectoryOrCreate\n"
		"      - name: status\n"
		"        emptyDir:\n"
		"          medium: Memory\n"
		"          sizeLimit: 1Mi\n");
	return add_file(c, "daemonset.yaml", &sb);
}

/* ---- the Security Profiles Operator way ---------------------------------------- */

/* One SeccompProfile in the operator's v1 API (cluster-scoped). */
static int spo_yaml(struct ctx *c, const struct profile_in *in)
{
	struct sk_profile *p = sk_profile_parse(in->json, strlen(in->json), in->shown, c->d);
	if (!p)
		return -EINVAL;
	free(p->spo_name);
	free(p->spo_namespace);
	p->spo_namespace = NULL;
	p->spo_name = strdup(in->object);
	char *text = p->spo_name ? sk_profile_emit(p, SK_FORMAT_SPO, c->d) : NULL;
	sk_profile_free(p);
	if (!text)
		return -EINVAL;
	/* The emitter writes v1beta1 until issue 13 moves it to v1; the two
	 * differ in scope (v1 is cluster-scoped: no namespace, which was left
	 * out above), not in the fields written here. */
	static const char beta[] = "apiVersion: security-profiles-operator.x-k8s.io/v1beta1\n";
	const char *body = !strncmp(text, beta, strlen(beta)) ? text + strlen(beta) : NULL;
	struct sk_sb sb = SK_SB_INIT;
	header(&sb, "a SeccompProfile for the Security Profiles Operator.");
	sk_sb_addf(&sb, "# The operator installs it on every node as operator/%s.json.\n", in->object);
	if (body)
		sk_sb_adds(&sb, "apiVersion: security-profiles-operator.x-k8s.io/v1\n");
	sk_sb_adds(&sb, body ? body : text);
	free(text);
	char name[300];
	snprintf(name, sizeof name, "seccompprofile-%s.yaml", in->object);
	return add_file(c, name, &sb);
}

/* ---- examples and the kustomization ---------------------------------------------- */

static int example_yaml(struct ctx *c, const struct profile_in *in, const char *localhost)
{
	struct sk_sb sb = SK_SB_INIT;
	header(&sb, "an example workload; copy its securityContext into yours.");
	sk_sb_addf(&sb,
		   "# The profile is set on the container (P2), with allowPrivilegeEscalation\n"
		   "# false (P1): the runtime then loads it after the privilege changes of its\n"
		   "# own. The pod level keeps RuntimeDefault for the sandbox (pause) container.\n"
		   "apiVersion: apps/v1\n"
		   "kind: Deployment\n"
		   "metadata:\n"
		   "  name: %s\n"
		   "  labels:\n"
		   "    app.kubernetes.io/name: %s\n"
		   "spec:\n"
		   "  replicas: 1\n"
		   "  selector:\n"
		   "    matchLabels:\n"
		   "      app.kubernetes.io/name: %s\n"
		   "  template:\n"
		   "    metadata:\n"
		   "      labels:\n"
		   "        app.kubernetes.io/name: %s\n"
		   "    spec:\n"
		   "      securityContext:\n"
		   "        seccompProfile:\n"
		   "          type: RuntimeDefault\n"
		   "      containers:\n"
		   "      - name: %s\n"
		   "        image: registry.example.com/%s:latest  # your application's image\n"
		   "        securityContext:\n"
		   "          allowPrivilegeEscalation: false\n"
		   "          seccompProfile:\n"
		   "            type: Localhost\n"
		   "            localhostProfile: %s\n",
		   in->object, in->object, in->object, in->object, in->object, in->object, localhost);
	char name[300];
	snprintf(name, sizeof name, "examples/%s.yaml", in->object);
	return add_file(c, name, &sb);
}

static int kustomization_yaml(struct ctx *c)
{
	struct sk_sb sb = SK_SB_INIT;
	header(&sb, "kubectl apply -k DIR (examples/ are not applied).");
	sk_sb_adds(&sb, "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
			"resources:\n");
	for (size_t i = 0; i < c->out->n; i++)
		if (strncmp(c->out->files[i].name, "examples/", 9))
			sk_sb_addf(&sb, "- %s\n", c->out->files[i].name);
	return add_file(c, "kustomization.yaml", &sb);
}

/* ---- reading and checking the profiles -------------------------------------------- */

static int read_profiles(struct ctx *c, const char *dir)
{
	struct sk_src src;
	int r = sk_src_read_dir(dir, &src, c->d);
	if (r < 0)
		return r;
	for (size_t i = 0; i < src.n && r >= 0; i++) {
		struct sk_src_file *f = &src.v[i];
		if (f->ignored) {
			sk_diags_add(c->d, SK_SEV_WARNING, f->shown, 0, 0, "bundle-skipped", "skipped: %s",
				     f->ignored);
			continue;
		}
		if (SK_GROW(c->v, c->cap, c->n) < 0) {
			r = -ENOMEM;
			break;
		}
		struct profile_in *in = &c->v[c->n++];
		memset(in, 0, sizeof *in);
		in->file = SK_TAKE_PTR(f->name);
		in->shown = SK_TAKE_PTR(f->shown);
		in->text = SK_TAKE_PTR(f->text);
		in->len = f->len;
		char installed[256];
		sk_src_profile_name(in->file, installed, sizeof installed);
		snprintf(in->stem, sizeof in->stem, "%.*s", (int)(strlen(installed) - 5), installed);
	}
	sk_src_free(&src);
	return r;
}

static int check_profiles(struct ctx *c)
{
	struct sk_bases bases = {0};
	int r = 0;
	for (size_t i = 0; !r && i < c->n; i++)
		r = sk_bases_add(&bases, c->v[i].text, c->v[i].len, c->v[i].shown);
	struct sk_prepare_opts po = {.arch = c->o->arch,
				     .bases = (const struct sk_profile *const *)bases.v,
				     .n_bases = bases.n};
	for (size_t i = 0; r != -ENOMEM && i < c->n; i++) {
		struct profile_in *in = &c->v[i];
		struct sk_diags local = {0};
		in->json = sk_profile_for_node(in->text, in->len, in->shown, &po, &local);
		/* the errors, and the warnings: a bundle is made by a person at a desk */
		for (size_t k = 0; k < local.n; k++)
			if (local.v[k].severity < SK_SEV_WARNING)
				local.v[k].severity = SK_SEV_NOTE;
		if (!in->json)
			r = -EINVAL;
		if (!object_name(in->stem, in->object, sizeof in->object)) {
			sk_diags_add(&local, SK_SEV_ERROR, in->shown, 0, 0, "bundle-name",
				     "'%s' cannot name a Kubernetes object (lower case letters, digits, "
				     "'-'; 63 at most)",
				     in->stem);
			r = -EINVAL;
		}
		for (size_t k = 0; k < i; k++)
			if (!strcmp(c->v[k].object, in->object) || !strcmp(c->v[k].stem, in->stem)) {
				sk_diags_add(&local, SK_SEV_ERROR, in->shown, 0, 0, "bundle-name",
					     "%s and %s would both be named '%s'", c->v[k].shown,
					     in->shown, in->object);
				r = -EINVAL;
			}
		sk_diags_splice(c->d, &local);
		sk_diags_free(&local);
	}
	sk_bases_free(&bases);
	return r;
}

static void free_profiles(struct ctx *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].file);
		free(c->v[i].shown);
		free(c->v[i].text);
		free(c->v[i].json);
	}
	free(c->v);
}

static int build(struct ctx *c)
{
	int r = 0;
	bool spo = c->o->target == SK_BUNDLE_SPO;
	if (!spo) {
		r = namespace_yaml(c);
		if (!r)
			r = configmap_yaml(c);
		if (!r)
			r = daemonset_yaml(c);
	}
	for (size_t i = 0; !r && spo && i < c->n; i++)
		r = spo_yaml(c, &c->v[i]);
	for (size_t i = 0; !r && i < c->n; i++) {
		char lp[300];
		snprintf(lp, sizeof lp, spo ? "operator/%s.json" : "scmpkit/%s.json",
			 spo ? c->v[i].object : c->v[i].stem);
		r = example_yaml(c, &c->v[i], lp);
	}
	return r ? r : kustomization_yaml(c);
}

int sk_bundle_build(const char *dir, const struct sk_bundle_opts *o, struct sk_bundle *out,
		    struct sk_diags *d)
{
	memset(out, 0, sizeof *out);
	struct ctx c = {.o = o, .ns = o->namespace_ ? o->namespace_ : "scmpkit",
			.image = o->image ? o->image : "scmpkit:" SCMPKIT_VERSION, .out = out, .d = d};
	if (!dns_label(c.ns)) {
		sk_diags_add(d, SK_SEV_ERROR, NULL, 0, 0, "bundle-namespace",
			     "namespace '%s' is not a DNS-1123 label (a-z, 0-9, '-'; 63 at most)", c.ns);
		return -EINVAL;
	}
	if (!image_ok(c.image)) {
		sk_diags_add(d, SK_SEV_ERROR, NULL, 0, 0, "bundle-image",
			     "image '%s' is not an image reference", c.image);
		return -EINVAL;
	}
	int r = read_profiles(&c, dir);
	if (!r && !c.n) {
		sk_diags_add(d, SK_SEV_ERROR, dir, 0, 0, "bundle-empty",
			     "no profile (*.json, *.yaml, *.yml) in the directory");
		r = -EINVAL;
	}
	if (!r)
		r = check_profiles(&c);
	if (!r)
		r = build(&c);
	free_profiles(&c);
	if (r)
		sk_bundle_free(out);
	return r;
}

/* ---- writing it -------------------------------------------------------------------- */

int sk_bundle_write(const struct sk_bundle *b, const char *out_dir, struct sk_diags *d)
{
	for (size_t i = 0; i < b->n; i++) {
		_sk_cleanup_free_ char *path = NULL, *sub = NULL;
		const char *slash = strrchr(b->files[i].name, '/');
		if (asprintf(&path, "%s/%s", out_dir, b->files[i].name) < 0 ||
		    asprintf(&sub, "%s/%.*s", out_dir, slash ? (int)(slash - b->files[i].name) : 0,
			     b->files[i].name) < 0)
			return -ENOMEM;
		if ((mkdir(out_dir, 0755) < 0 && errno != EEXIST) ||
		    (slash && mkdir(sub, 0755) < 0 && errno != EEXIST)) {
			int e = -errno;
			sk_diags_add(d, SK_SEV_ERROR, slash ? sub : out_dir, 0, 0, "bundle-write",
				     "cannot create: %s", strerror(-e));
			return e;
		}
		int r = sk_write_file_atomic(path, b->files[i].text, strlen(b->files[i].text));
		if (r < 0) {
			sk_diags_add(d, SK_SEV_ERROR, path, 0, 0, "bundle-write", "cannot write: %s",
				     sk_write_error(r));
			return r;
		}
	}
	return 0;
}
