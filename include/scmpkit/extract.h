/* SPDX-License-Identifier: Apache-2.0 */
/* scmpkit/extract.h — the syscalls an x86-64 ELF program can make, read from
 * its code without running it.
 *
 * A recording holds only the paths that ran; extraction holds every path the
 * code has. For each program (static or dynamic, PIE or not, stripped or not,
 * Go or C or both) the analysis finds every `syscall` and `int 0x80`
 * instruction, resolves the number each can make by following values in
 * registers and stack slots (across calls: a wrapper such as libc's syscall()
 * or Go's syscall.Syscall gets its number from its callers), and keeps the
 * sites that can be reached from the program's entry points: its entry, its
 * constructors and destructors, IFUNC resolvers, every function whose address
 * reachable code or data takes, and, for a dynamic program, the functions it
 * imports from every library it loads (DT_NEEDED, transitively, and ld.so),
 * analysed in the files the program would load (from a root filesystem, or
 * the host's). Per-library results are cached by build-id.
 *
 * Sound by construction: a site whose number cannot be resolved to constants
 * is never dropped; it is listed (sk_extract_unresolved) and reported as a
 * warning, an error with `strict`. What the program loads with dlopen is not
 * in its DT_NEEDED: each dlopen the analysis sees is a note naming it, and
 * `with` adds a library that will be loaded.
 *
 * The library never prints; everything goes to the diagnostics list. Paths
 * are named in diagnostics as given (line and column are 0: a binary has no
 * lines).
 */
#ifndef SCMPKIT_EXTRACT_H
#define SCMPKIT_EXTRACT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <scmpkit/arch.h>
#include <scmpkit/diag.h>
#include <scmpkit/profile.h>
#include <scmpkit/trace.h>

#ifdef __cplusplus
extern "C" {
#endif

struct sk_extract_opts {
	/* Look libraries and the interpreter up inside this directory (a
	 * container image's root filesystem; absolute symlinks stay inside it).
	 * NULL: the host's "/". */
	const char *rootfs;
	/* Libraries the programs load with dlopen: each is analysed with every
	 * function it exports reachable (whoever loads it may call any of them),
	 * and its own DT_NEEDED libraries are loaded too. A name without '/' is
	 * looked up like a DT_NEEDED entry. */
	const char *const *with;
	size_t n_with;
	/* An unresolved site is an error, not a warning. */
	bool strict;
	/* Read and write no cache: analyse every file. */
	bool no_cache;
	/* The cache directory; NULL: $XDG_CACHE_HOME/scmpkit/extract, else
	 * ~/.cache/scmpkit/extract. Created with mode 0700. */
	const char *cache_dir;
	/* A multi-call binary (busybox) is started as this applet: its main is
	 * the entry, and the other applets count only when it can run them
	 * through the applet table. NULL: a program reached through a symlink
	 * named after one of its applets (/bin/ls -> busybox) runs that applet;
	 * else the whole binary counts. An error when no program given has an
	 * applet of this name. */
	const char *applet;
	/* Where a stripped file's separate debug file is looked up by build-id
	 * (DIR/.build-id/NN/N....debug), in this order: its symbols make the
	 * analysis finer. None: /usr/lib/debug, inside rootfs when one is given.
	 * On the host the file must be root's or the caller's and writable by
	 * nobody else. */
	const char *const *debug_dirs;
	size_t n_debug_dirs;
	/* Use no debug file. */
	bool no_debuginfo;
	/* Keep every call graph for sk_extract_explain (costs memory; cached
	 * summaries have no graph, so their files are analysed again). */
	bool explain;
};

/* A site whose syscall number the analysis could not resolve to constants. */
struct sk_extract_site {
	const char *object;   /* the file it is in */
	const char *function; /* "runtime.foo", "open", or "libx.so+0x1234" */
	uint64_t address;     /* of the instruction, in the file's addresses */
	const char *what;     /* "syscall", or "call to syscall@libc.so.6" */
};

struct sk_extract;

/* Analyse the N programs PATHS (their union: a program that runs another
 * with execve runs it under the same filter). Returns 0 and *OUT, or a
 * negative errno with an error in D: -ENOEXEC for input that is not an
 * x86-64 ELF program (not ELF, another architecture, truncated or corrupt
 * headers), -EFBIG for a file over the binary size limit, -ENOENT for a
 * program or needed library that cannot be found. */
int sk_extract_run(const char *const *paths, size_t n, const struct sk_extract_opts *o,
		   struct sk_extract **out, struct sk_diags *d);

/* The syscalls found, per architecture (x86_64; i386 for `int 0x80`). */
const struct sk_trace_result *sk_extract_result(const struct sk_extract *x);

/* The names of the syscalls found, sorted, one per line (every arch's
 * names together), as gosystract prints them. NULL when out of memory. */
char *sk_extract_names(const struct sk_extract *x);

/* Where a syscall comes from: "fopen@libc.so.6, site in libc.so.6+0x11a2b0",
 * or "runtime.sysMmap" for a site in the program itself; NULL when the set
 * does not hold it. Valid until sk_extract_free. */
const char *sk_extract_provenance(const struct sk_extract *x, enum sk_arch arch, int64_t nr);

/* The unresolved sites reachable from the programs' entry points. */
size_t sk_extract_unresolved_count(const struct sk_extract *x);
const struct sk_extract_site *sk_extract_unresolved(const struct sk_extract *x, size_t i);

/* The extracted set as an allow-list profile, through the recorder's writer
 * (sk_trace_to_profile: P7 essentials, vDSO calls, --runtime, comments).
 * With PER_CALL_COMMENTS each extracted call gets a rule of its own whose
 * comment is its provenance (for the Docker format, which keeps comments). */
struct sk_profile *sk_extract_to_profile(const struct sk_extract *x,
					 const struct sk_trace_profile_opts *o,
					 bool per_call_comments, struct sk_diags *d);

/* One call chain from an entry point to a site that makes SYSCALL (a name),
 * as text ending in a newline; *FOUND false (and a sentence saying so) when
 * no reachable site makes it. Needs opts.explain. NULL with a diagnostic on
 * error (an unknown name, out of memory). */
char *sk_extract_explain(const struct sk_extract *x, const char *syscall, bool *found,
			 struct sk_diags *d);

void sk_extract_free(struct sk_extract *x);

#ifdef __cplusplus
}
#endif
#endif
