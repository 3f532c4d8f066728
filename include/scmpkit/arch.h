/* SPDX-License-Identifier: Apache-2.0 */
/* scmpkit/arch.h — architectures and syscall tables.
 *
 * The 23 SCMP_ARCH_* architectures of the OCI runtime spec, their AUDIT_ARCH_*
 * values, and every syscall name and number of Linux 7.2 on each of them. The
 * tables are generated at build time from data/syscalls/ (see its README); the
 * functions here only look them up. All functions are pure and thread-safe.
 */
#ifndef SCMPKIT_ARCH_H
#define SCMPKIT_ARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* In the order of data/syscalls/arches.tsv. */
enum sk_arch {
	SK_ARCH_INVALID = -1,
	SK_ARCH_X86 = 0,
	SK_ARCH_X86_64,
	SK_ARCH_X32,
	SK_ARCH_ARM,
	SK_ARCH_AARCH64,
	SK_ARCH_MIPS,
	SK_ARCH_MIPS64,
	SK_ARCH_MIPS64N32,
	SK_ARCH_MIPSEL,
	SK_ARCH_MIPSEL64,
	SK_ARCH_MIPSEL64N32,
	SK_ARCH_PPC,
	SK_ARCH_PPC64,
	SK_ARCH_PPC64LE,
	SK_ARCH_S390,
	SK_ARCH_S390X,
	SK_ARCH_PARISC,
	SK_ARCH_PARISC64,
	SK_ARCH_RISCV64,
	SK_ARCH_LOONGARCH64,
	SK_ARCH_M68K,
	SK_ARCH_SH,
	SK_ARCH_SHEB,
	SK_ARCH_COUNT
};

/* The x32 ABI marks its syscall numbers with this bit (x86_64's audit arch). */
#define SK_X32_SYSCALL_BIT 0x40000000u

struct sk_arch_info {
	enum sk_arch arch;
	const char *oci_name;   /* "SCMP_ARCH_X86_64" */
	const char *short_name; /* first alias: "x86_64", "aarch64", ... */
	const char *table;      /* table file the numbers come from: "x86_64", "arm64" */
	const char *aliases;    /* comma-separated other spellings */
	uint32_t audit_arch;    /* AUDIT_ARCH_* as seccomp_data.arch reports it */
	unsigned bits;          /* 32 or 64: width of syscall arguments */
	bool big_endian;
};

/* Metadata of one architecture; NULL for an invalid value. */
const struct sk_arch_info *sk_arch_info(enum sk_arch arch);

/* Any spelling users meet, case-insensitively: SCMP_ARCH_X86_64, x86_64, amd64,
 * 386, i686, arm64, ppc64le, loong64, ... Returns SK_ARCH_INVALID when unknown. */
enum sk_arch sk_arch_parse(const char *name);

/* The closest known spelling to an unknown arch name, for "did you mean"; NULL if
 * nothing is close. */
const char *sk_arch_suggest(const char *name);

/* The architecture this library was built for (the host's native ABI). */
enum sk_arch sk_arch_native(void);

/* The architecture that made a syscall, from seccomp_data/audit's arch and nr
 * (x86_64's audit arch with the x32 bit in nr is x32). SK_ARCH_INVALID when the
 * audit arch is none of the 23. Where two OCI arches share an audit value, the
 * first in table order is returned. */
enum sk_arch sk_arch_from_audit(uint32_t audit_arch, uint32_t nr);

/* Syscall number of NAME on ARCH, or -1 when the call does not exist there
 * (whether or not it exists elsewhere). x32 numbers include the x32 bit. */
int64_t sk_syscall_nr(enum sk_arch arch, const char *name);

/* Name of syscall NR on ARCH, or NULL. */
const char *sk_syscall_name(enum sk_arch arch, int64_t nr);

/* True when NAME is a syscall on at least one architecture. */
bool sk_syscall_known(const char *name);

/* Closest syscall name known anywhere, for "did you mean"; NULL if none close. */
const char *sk_syscall_suggest(const char *name);

/* Iteration over every syscall of ARCH, in ascending number order.
 * Returns false past the end. */
size_t sk_syscall_count(enum sk_arch arch);
bool sk_syscall_at(enum sk_arch arch, size_t i, const char **name, int64_t *nr);

/* A stable id for NAME among every name known on any architecture (its index
 * in the sorted list below), or -1 when unknown: a cheap key for a name. */
int64_t sk_syscall_id(const char *name);

/* True when NAME has a number on at least one architecture (some names in the
 * tables exist nowhere: alpha-only calls, names kept as placeholders). */
bool sk_syscall_numbered(const char *name);

/* True when NAME has a number on one of the N architectures ARCHES (an
 * invalid arch has none). */
bool sk_syscall_on_any(const enum sk_arch *arches, size_t n, const char *name);

/* Every name known on any architecture (sorted), for tools that list them. */
size_t sk_syscall_name_count(void);
const char *sk_syscall_name_at(size_t i);

/* Highest syscall number that exists on ARCH (x32: with the x32 bit). */
int64_t sk_syscall_max(enum sk_arch arch);

/* Everything one lookup of a name tells, for loops that meet many names on
 * many arches (the compiler): resolve once, then use the id. */
enum { SK_MUX_NONE = 0, SK_MUX_SOCKETCALL = 1, SK_MUX_IPC = 2 };
struct sk_syscall_ref {
	int64_t id;    /* sk_syscall_id; -1 when no table knows the name */
	int64_t key;   /* one value for names that are the same call on some arch
			  (arm_sync_file_range and sync_file_range2, 341 on arm): rules
			  for two names with one key can decide one syscall number */
	int mux;       /* SK_MUX_*: the multiplexer that reaches it (muxed.tsv) */
	unsigned call; /* ... and the sub-call it takes as args[0] */
};
/* Look NAME up; false (REF->id and key -1) when no table knows it. */
bool sk_syscall_ref(const char *name, struct sk_syscall_ref *ref);
/* sk_syscall_nr for a name's id, in constant time; -1 when absent there. */
int64_t sk_syscall_nr_id(enum sk_arch arch, int64_t id);

/* True when ARCH has socketcall(2) and ipc(2): x86, s390(x), ppc(64), MIPS o32. */
bool sk_arch_muxes(enum sk_arch arch);
/* True when ARCH multiplexes NAME: the socket calls through socketcall(2) and
 * the SysV IPC calls through ipc(2) (data/syscalls/muxed.tsv). libseccomp then
 * matches a rule for NAME there by the multiplexer with args[0] == *CALL
 * (SYS_SOCKET.., SEMOP..), through ipc(2) when *IPC, and resolves the name
 * itself to a pseudo number. Either out-pointer may be NULL. */
bool sk_syscall_muxed(enum sk_arch arch, const char *name, bool *ipc, unsigned *call);

/* Levenshtein distance, shared by every "did you mean". */
size_t sk_edit_distance(const char *a, const char *b);

#ifdef __cplusplus
}
#endif
#endif
