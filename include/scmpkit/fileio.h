/* SPDX-License-Identifier: Apache-2.0 */
/* scmpkit/fileio.h — reading inputs within limits, writing outputs atomically.
 *
 * Every file scmpkit reads comes through sk_read_input(): a size limit per
 * kind of input (so /dev/zero or a runaway log is an error, not 2 GB of
 * memory), no device nodes, and FIFOs opened without blocking forever (one
 * that no writer opens within 2 s is an error, not an empty input). Every
 * file it writes goes through sk_write_file_atomic(): the old file or the
 * whole new one, never half of one, never through another user's symlink and
 * never into a device.
 */
#ifndef SCMPKIT_FILEIO_H
#define SCMPKIT_FILEIO_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* What an input is, for its size limit and for the error that names it. */
enum sk_input_kind {
	SK_INPUT_PROFILE,  /* a seccomp profile (JSON or YAML): 16 MiB */
	SK_INPUT_MANIFEST, /* Kubernetes manifests, one file or stream: 64 MiB */
	SK_INPUT_BPF,      /* raw BPF programs: 1 MiB (a filter is at most 32 KiB) */
	SK_INPUT_LOG,      /* an audit or kernel log: 1 GiB */
	SK_INPUT_BINARY,   /* an ELF file for extract: 2 GiB */
	SK_INPUT_OTHER,    /* anything else: 64 MiB */
};

/* The limit for KIND in bytes, and its name ("a profile"). */
size_t sk_input_limit(enum sk_input_kind kind);
const char *sk_input_kind_name(enum sk_input_kind kind);

/* Read PATH ("-" = stdin) into a NUL-terminated buffer the caller frees.
 * Returns 0 or a negative errno:
 *   -EFBIG   larger than the kind's limit (nothing is returned),
 *   -ENODEV  a character or block device (/dev/zero, a disk),
 *   -EISDIR  a directory,
 *   other    the open or read error (a read error is never end of file). */
int sk_read_input(const char *path, enum sk_input_kind kind, char **data, size_t *len);

/* The same for FD, a file already open (O_NONBLOCK, so that a FIFO's open
 * did not wait), which the caller still owns: read from where it stands.
 * For a file opened relative to a directory fd, whose checks (owner, a link
 * refused) must hold for what is read, not for what a path names later. */
int sk_read_input_fd(int fd, enum sk_input_kind kind, char **data, size_t *len);

/* sk_read_input for SK_INPUT_OTHER. */
int sk_read_file(const char *path, char **data, size_t *len);

/* A sentence for an error of sk_read_input ("larger than the 16 MiB limit
 * for a profile", "a device, not a file"); static storage or strerror. */
const char *sk_read_error(int err, enum sk_input_kind kind);

/* Write DATA to PATH atomically: an unnamed temporary file in PATH's
 * directory (O_TMPFILE where the filesystem has it, so a kill mid-way leaves
 * nothing behind), fsync, then a rename over PATH; a replaced file keeps its
 * mode. PATH "-" writes to stdout. Refused:
 *   -ELOOP   PATH is a symlink owned by another user (as the kernel's
 *            protected_symlinks does in sticky directories, everywhere),
 *   -ENODEV  PATH is, or leads to, a device node (/dev/null excepted),
 *   -EISDIR  PATH is a directory.
 * A symlink of the caller's own that leads to a regular file is written
 * through (the link stays, the file it names is replaced); a FIFO is written
 * in place. A path that leads to one of our open files through procfs
 * (/dev/stdout, /dev/fd/N, /proc/self/fd/N) is written to that fd, as "-" is
 * to stdout: `-o /dev/stdout >> log` appends to the log, never replaces it
 * (-EBADF when the fd is open read-only). Returns 0 or -errno. */
int sk_write_file_atomic(const char *path, const char *data, size_t len);

/* The same, for NAME (no '/') in the directory DIRFD, following no symlink
 * at all: whatever NAME is (a link, a device node) is replaced by the new
 * file, never written through; a replaced regular file keeps its mode and,
 * where we may, its owner. For directories other parties write into too
 * (the kubelet's seccomp root), opened component by component, so the file
 * is never writable by group or others, whatever the umask says (under
 * umask 000 another user could otherwise rewrite a profile the runtime then
 * loads). Returns 0 or -errno (-EINVAL for a NAME with a '/', -EISDIR for a
 * directory). */
int sk_write_file_atomic_at(int dirfd, const char *name, const char *data, size_t len);

/* A sentence for an error of sk_write_file_atomic. */
const char *sk_write_error(int err);

#ifdef __cplusplus
}
#endif
#endif
