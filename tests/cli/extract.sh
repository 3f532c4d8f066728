#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# scmpkit extract, the command: usage and bad input (exit 2 with a message
# naming the file), the formats, --strict, --explain, --runtime, several
# programs at once, and that a profile it writes lints clean and runs the
# program (tests/helpers/extract_prog.c, built by meson) without a denial.
# The corpus of real programs is tests/e2e/extract_*.sh.
. "$(dirname "$0")/tap.sh"
H=${SK_EXTRACT_HELPERS:?run through meson test}
PROG=$H/extract_prog
cd "$T_TMP" || exit 1
export XDG_CACHE_HOME="$T_TMP/cache"

expect_msg "--help" 0 "Usage: scmpkit extract" "$SCMPKIT" extract --help
expect_msg "no program: usage, exit 2" 2 "expected a program" "$SCMPKIT" extract
expect_msg "unknown format: exit 2" 2 "must be oci, docker or spo" "$SCMPKIT" extract -f yaml "$PROG"
expect_msg "unknown --explain name: exit 2" 2 "unknown syscall 'opne'" "$SCMPKIT" extract --explain opne "$PROG"
echo "not a program" >text.txt
expect_msg "not an ELF file: exit 2, named" 2 "^text.txt: error: not an ELF file" "$SCMPKIT" extract text.txt
cp "$PROG" arm
printf '\267\000' | dd of=arm bs=1 seek=18 conv=notrunc 2>/dev/null
expect_msg "another architecture: exit 2, named" 2 "an ELF file for aarch64" "$SCMPKIT" extract arm
head -c 3000 "$PROG" >cut
expect_msg "truncated: exit 2" 2 "truncated or corrupt" "$SCMPKIT" extract cut
expect_msg "missing file: exit 2" 2 "nope: error: cannot read" "$SCMPKIT" extract nope
expect_msg "a root filesystem that is not there: exit 2" 2 "cannot open the root filesystem" \
	"$SCMPKIT" extract --rootfs "$T_TMP/none" "$PROG"

# names: what the source says, one per line, sorted
"$SCMPKIT" extract -f names "$PROG" >names 2>err
rc=$?
if [ $rc = 0 ] && grep -qx getppid names && grep -qx getpgrp names && grep -qx sched_yield names &&
	! grep -qx acct names && sort -c names; then
	t_report ok "-f names: the calls of the source, sorted, not the unreachable acct"
else
	t_report fail "-f names (rc $rc)" err
fi
expect_msg "the unresolved site is a warning naming its function" 0 \
	"warning: main at 0x[0-9a-f]+: call to syscall@plt, which takes a syscall number" \
	"$SCMPKIT" extract -f names "$PROG"

# the profile: one commented rule per call, lints, runs the program
"$SCMPKIT" extract -o prof.json "$PROG" 2>/dev/null
if grep -q '"comment": "extract_prog: main -> syscall@plt"' prof.json; then
	t_report ok "docker format: getppid's rule says it comes from main through syscall()"
else
	t_report fail "provenance comments" prof.json
fi
ok "the extracted profile lints without errors" "$SCMPKIT" lint --fail-on error prof.json
"$PROG" >native.out
"$SCMPKIT" run -p prof.json --fail-on-denial -- "$PROG" >run.out 2>run.err
if [ $? = 0 ] && cmp -s native.out run.out; then
	t_report ok "the program runs under its extracted profile: same output, no denial"
else
	t_report fail "run under the extracted profile" run.err
fi
"$SCMPKIT" record -q -o rec.json -- "$PROG" >/dev/null 2>&1
ok "merge --check: the extracted profile covers a recorded one" "$SCMPKIT" merge --check prof.json rec.json
"$SCMPKIT" extract -f oci -o oci.json "$PROG" 2>/dev/null
if [ -s oci.json ] && ! grep -q comment oci.json; then
	t_report ok "-f oci: no comments (the runtime spec has none)"
else
	t_report fail "-f oci" oci.json
fi
"$SCMPKIT" extract --runtime runc -o runc.json "$PROG" 2>/dev/null
if grep -q "runtime" runc.json && grep -q '"fstatfs"' runc.json; then
	t_report ok "--runtime runc adds runc's late calls, commented"
else
	t_report fail "--runtime runc" runc.json
fi

# names from the file are another party's text: escaped before they are printed
esc=$(printf '\033')
if objcopy --redefine-sym main="$(printf 'ma\033[2Kin')" "$PROG" weird 2>/dev/null; then
	"$SCMPKIT" extract -f names weird >/dev/null 2>weird.err
	if grep -q 'ma\\e\[2Kin at 0x' weird.err && ! grep -q "$esc" weird.err; then
		t_report ok "a symbol name with an escape sequence is printed escaped"
	else
		t_report fail "escaped symbol names" weird.err
	fi
else
	echo "ok $((T_N = T_N + 1)) # SKIP objcopy not installed"
fi

# --strict: exit 1, nothing written
expect_msg "--strict: an unresolved site fails, exit 1" 1 "error: main at .*unresolved|--strict" \
	"$SCMPKIT" extract --strict -o strict.json "$PROG"
if [ ! -e strict.json ]; then t_report ok "--strict wrote no profile"; else
	t_report fail "--strict wrote a profile"; fi

# --explain
expect_msg "--explain: a chain from the entry to the wrapper call" 0 \
	"main -> via[^ ]*: makes getpgrp" "$SCMPKIT" extract --explain getpgrp "$PROG"
expect_msg "--explain: no reachable site, exit 1, and the unreachable one named" 1 \
	"acct: no reachable site makes it" "$SCMPKIT" extract --explain acct "$PROG"

# i386 calls from an x86-64 program: the profile names SCMP_ARCH_X86
"$SCMPKIT" extract -o int80.json "$H/extract_int80" 2>/dev/null
if grep -q SCMP_ARCH_X86\" int80.json && "$SCMPKIT" run -p int80.json --fail-on-denial -- \
	"$H/extract_int80" >/dev/null 2>int80.err; then
	t_report ok "int 0x80: SCMP_ARCH_X86 in the profile, runs without a denial"
else
	t_report fail "int 0x80" int80.err
fi

# several programs: the union; a program that runs others: a note
"$SCMPKIT" extract -f names "$H/extract_int80" >a 2>/dev/null
"$SCMPKIT" extract -f names "$PROG" "$H/extract_int80" >both 2>/dev/null
if sort -u a names | cmp -s - both; then
	t_report ok "two programs: the union of their sets"
else
	t_report fail "two programs"
fi
expect_msg "a program that calls execve: a note to extract what it runs" 0 \
	"note: can run other programs \(execve" "$SCMPKIT" extract -f names /bin/dash

# glibc's priority-protection code counts where the program can make such a
# mutex (tests/helpers/extract_prio.c), not in every static program
if [ -x "$H/extract_prio" ] && [ -x "$H/extract_prog_static" ]; then
	"$SCMPKIT" extract -f names "$H/extract_prio" >prio.names 2>/dev/null
	"$SCMPKIT" extract -f names "$H/extract_prog_static" >static.names 2>/dev/null
	strace -f -qq -o prio.strace "$H/extract_prio" >/dev/null 2>&1
	sed -n 's/^[0-9]* *\([a-z_0-9]*\)(.*/\1/p' prio.strace | sort -u >prio.seen
	if grep -qx sched_setscheduler prio.names && ! grep -qx sched_setscheduler static.names &&
		[ -s prio.seen ] && [ -z "$(comm -23 prio.seen prio.names | grep -vx execve)" ]; then
		t_report ok "PTHREAD_PRIO_PROTECT: sched_* where the protocol is set, not elsewhere"
	else
		comm -23 prio.seen prio.names >prio.miss
		t_report fail "PTHREAD_PRIO_PROTECT" prio.miss
	fi
fi

# a multi-call binary (tests/helpers/extract_multicall.c, dynamic and static):
# started through a symlink named after an applet, or with --applet, only that
# applet's main is the entry; an applet that runs others through the applet
# table (its "shell") keeps them all; each runs under its profile
for mc in "$H/extract_multicall" "$H/extract_multicall_static"; do
	[ -x "$mc" ] || continue
	m=$(basename "$mc")
	mkdir -p "$m" && ln -sf "$mc" "$m/alpha" && ln -sf "$mc" "$m/shell"
	"$SCMPKIT" extract -f names "$m/alpha" >"$m/alpha.names" 2>"$m/alpha.err"
	if grep -qx getppid "$m/alpha.names" && ! grep -qx getpgrp "$m/alpha.names" &&
		grep -q "note: started as alpha .*applet 1 of 3.* \[extract-applet\]" "$m/alpha.err"; then
		t_report ok "$m: the symlink alpha: alpha's getppid, not beta's getpgrp, and a note"
	else
		t_report fail "$m: the symlink alpha" "$m/alpha.err"
	fi
	"$SCMPKIT" extract -f names --applet beta "$mc" >"$m/beta.names" 2>/dev/null
	"$SCMPKIT" extract -f names "$m/shell" >"$m/shell.names" 2>"$m/shell.err"
	"$SCMPKIT" extract -f names "$mc" >"$m/whole.names" 2>/dev/null
	if grep -qx getpgrp "$m/beta.names" && ! grep -qx getppid "$m/beta.names" &&
		grep -qx getpgrp "$m/shell.names" && grep -qx getppid "$m/shell.names" &&
		grep -q "started as shell, from which the analysis reaches the applet table: shell_main -> .*(the last reads it); shell can run other applets" "$m/shell.err" &&
		cmp -s "$m/shell.names" "$m/whole.names"; then
		t_report ok "$m: --applet beta: beta's only; the shell applet dispatches: all of them"
	else
		t_report fail "$m: --applet beta, the shell applet" "$m/shell.err"
	fi
	"$SCMPKIT" extract -o "$m/alpha.json" "$m/alpha" 2>/dev/null
	"$SCMPKIT" extract -o "$m/twice.json" "$m/alpha" "$mc" 2>/dev/null
	"$SCMPKIT" extract -f names "$m/alpha" "$mc" >"$m/twice.names" 2>/dev/null
	if "$SCMPKIT" run -p "$m/alpha.json" --fail-on-denial -- "$m/alpha" >"$m/run.out" 2>&1 &&
		grep -q "alpha: ppid ok" "$m/run.out" && cmp -s "$m/twice.names" "$m/whole.names"; then
		t_report ok "$m: alpha runs under its profile; with the binary itself too: whole"
	else
		t_report fail "$m: alpha under its profile" "$m/run.out"
	fi
done
expect_msg "--applet with no multi-call binary: exit 2, named" 2 \
	"error: --applet ls: no program given is a multi-call binary" \
	"$SCMPKIT" extract --applet ls "$PROG"
expect_msg "--applet with a name it has not: exit 2" 2 "--applet gamma: no program" \
	"$SCMPKIT" extract --applet gamma "$H/extract_multicall"

# a stripped file's debug file, found by build-id under --debug-dir (objcopy
# --only-keep-debug, as -dbgsym packages hold them): the symbols give back
# what stripping took (tests/helpers/extract_multicall.c, static); one with
# another build-id, or writable by others, is not used (then its libc.a may
# name its libc's functions, as without a debug file)
if command -v objcopy >/dev/null && command -v strip >/dev/null && command -v readelf >/dev/null &&
	readelf -n "$H/extract_multicall_static" | grep -q "Build ID"; then
	g=$T_TMP/debug && mkdir -p "$g" && cd "$g" || exit 1
	cp "$H/extract_multicall_static" full && strip -o stripped full &&
		objcopy --only-keep-debug full full.debug
	id=$(readelf -n full | awk '/Build ID/ {print $3}')
	f=dir/.build-id/$(echo "$id" | cut -c1-2)/$(echo "$id" | cut -c3-).debug
	mkdir -p "$(dirname "$f")" && cp full.debug "$f" && chmod 644 "$f"
	"$SCMPKIT" extract --no-cache -f names full >n.full 2>/dev/null
	"$SCMPKIT" extract --no-cache -f names --no-debuginfo stripped >n.stripped 2>/dev/null
	"$SCMPKIT" extract -f names --debug-dir "$g/none" --debug-dir "$g/dir" stripped >n.debug \
		2>e.debug
	"$SCMPKIT" extract -f names --debug-dir "$g/dir" stripped >n.cached 2>/dev/null
	"$SCMPKIT" extract -f names --debug-dir "$g/none" stripped >n.nodebug 2>e.nodebug
	if cmp -s n.full n.debug && cmp -s n.debug n.cached && ! cmp -s n.full n.stripped &&
		! grep -q "symbols come from" e.nodebug &&
		grep -q "stripped: note: stripped: its symbols come from $g/dir/.build-id/.*debug" e.debug; then
		t_report ok "debug file: the stripped file extracts as the full one (cached too); without it, not"
	else
		t_report fail "debug file by build-id" e.debug
	fi
	objcopy --only-keep-debug "$H/extract_prog_static" "$f"
	expect_msg "a debug file of another build-id: a warning, not used" 0 \
		"stripped: warning: its debug file .* is not used: its build-id is not the file's" \
		"$SCMPKIT" extract --no-cache -f names --debug-dir "$g/dir" stripped
	head -c 3000 full.debug >"$f"
	expect_msg "a truncated debug file: a warning, not used" 0 \
		"stripped: warning: its debug file .* is not used: truncated or corrupt" \
		"$SCMPKIT" extract --no-cache -f names --debug-dir "$g/dir" stripped
	cp full.debug "$f" && chmod 664 "$f"
	"$SCMPKIT" extract --no-cache -f names --debug-dir "$g/dir" stripped >n.writable 2>e.writable
	if cmp -s n.writable n.nodebug && ! grep -q "symbols come from" e.writable; then
		t_report ok "a debug file others may write: not used"
	else
		t_report fail "a group-writable debug file" e.writable
	fi
	cd "$T_TMP" || exit 1
else
	echo "ok $((T_N = T_N + 1)) # SKIP debug files: no objcopy, strip or readelf (binutils), or no build-id"
fi

# a signal frame's FDE starts a byte before its code (glibc's __restore_rt,
# whose address sigaction hands the kernel): read from there, the code would
# be misdecoded and its rt_sigreturn lost (seen without libc's symbols)
expect_msg "the signal restorer from .eh_frame alone: rt_sigreturn" 0 "makes rt_sigreturn" \
	"$SCMPKIT" extract --no-cache --no-debuginfo --explain rt_sigreturn "$PROG"

# the cache: the same answer, from entries only this user can write
"$SCMPKIT" extract -f names "$PROG" >again 2>/dev/null
if cmp -s names again && [ "$(stat -c %a cache/scmpkit/extract)" = 700 ]; then
	t_report ok "cached: the same names; the cache directory is 0700"
else
	t_report fail "cache"
fi

# The cache is opened once, from / one component at a time: each must be
# root's or ours and writable by nobody else (a sticky one such as /tmp
# excepted), a symlink only when root's or ours; else extract works without it
# and says so once. Then entries are opened in it without following links.
# $ORIGIN as ld.so takes it: the program's is the directory of the file the
# kernel runs, links followed (Debian's /usr/bin/java -> /etc/alternatives/java
# -> /usr/lib/jvm/.../bin/java finds libjli.so through $ORIGIN/../lib); the
# program's DT_RPATH, searched for a library's needs, expands with the
# program's directory, not the library's. prog (DT_RPATH $ORIGIN/lib1:
# $ORIGIN/lib2) calls outer (lib1, no path of its own), which calls inner
# (lib2), the only code that calls getpgid.
if command -v cc >/dev/null; then
	mkdir -p app/lib1 app/lib2 bin
	printf '#include <unistd.h>\nint inner(void) { return (int)getpgid(0); }\n' >inner.c
	printf 'int inner(void);\nint outer(void) { return inner(); }\n' >outer.c
	printf 'int outer(void);\nint main(void) { return outer() < 0; }\n' >prog.c
	if cc -shared -fPIC -o app/lib2/libsk_inner.so inner.c &&
		cc -shared -fPIC -o app/lib1/libsk_outer.so outer.c -Lapp/lib2 -lsk_inner &&
		cc -o app/prog prog.c -Lapp/lib1 -lsk_outer -Wl,--disable-new-dtags \
			-Wl,-rpath,'$ORIGIN/lib1:$ORIGIN/lib2' -Wl,-rpath-link,app/lib2; then
		expect_msg "the program's DT_RPATH finds a library's need with the program's \$ORIGIN" 0 \
			"^getpgid$" "$SCMPKIT" extract -f names app/prog
		ln -s "$T_TMP/app/prog" bin/prog
		expect_msg "a program run through a symlink: \$ORIGIN is where the link leads" 0 \
			"^getpgid$" "$SCMPKIT" extract -f names bin/prog
		# in an image, /usr/bin/prog -> /opt/app/prog, an absolute link: it
		# resolves in the image (on the host it leads nowhere)
		interp=$(readelf -l app/prog | sed -n 's/.*interpreter: \(.*\)]/\1/p')
		libc=$(ldd app/prog | awk '$1 == "libc.so.6" {print $3}')
		mkdir -p root/opt root/usr/bin "root$(dirname "$interp")" "root$(dirname "$libc")"
		cp -r app root/opt/ && cp -L "$interp" "root$interp" && cp -L "$libc" "root$libc"
		ln -s /opt/app/prog root/usr/bin/prog
		expect_msg "--rootfs: a program under the root is the image's, its links and \$ORIGIN in the image" 0 \
			"^getpgid$" "$SCMPKIT" extract --rootfs root -f names root/usr/bin/prog
		expect_msg "... and its libraries are the image's" 0 \
			"^  root/opt/app/lib2/libsk_inner.so: inner -> getpgid" "$SCMPKIT" extract --rootfs root --strict \
			-f names --explain getpgid root/usr/bin/prog
		# a function the program finds by name in itself (dlsym of its own
		# export, as musl's ld.so finds __dls2b and __dls3): reached from the
		# code that names the string
		printf '%s\n' '#include <dlfcn.h>' '#include <unistd.h>' \
			'int sk_by_name(void) { return (int)getpgid(0); }' \
			'int main(void) { int (*f)(void) = (int (*)(void))dlsym(RTLD_DEFAULT, "sk_by_name"); return f ? f() < 0 : 1; }' >byname.c
		if cc -O2 -rdynamic -o byname byname.c; then
			expect_msg "a function found by its name (dlsym on itself) is reachable" 0 \
				"^getpgid$" "$SCMPKIT" extract -f names byname
		else
			t_report fail "cc builds the dlsym program"
		fi
		# a library's constructor that is also one of its exports: .init_array
		# holds it by an R_X86_64_64 on its name (libcap's _libcap_initialize),
		# a name the loader looks up; it runs at load all the same
		printf '%s\n' '#include <unistd.h>' \
			'__attribute__((constructor)) void sk_ctor(void) { (void)getpgid(0); }' \
			'int sk_lib(void) { return 0; }' >ctor.c
		printf 'int sk_lib(void);\nint main(void) { return sk_lib(); }\n' >cprog.c
		if cc -shared -fPIC -o app/libsk_ctor.so ctor.c &&
			cc -o app/cprog cprog.c -Lapp -lsk_ctor -Wl,-rpath,'$ORIGIN'; then
			expect_msg "a constructor named by its exported symbol runs at load" 0 \
				"^getpgid$" "$SCMPKIT" extract -f names app/cprog
		else
			t_report fail "cc builds the constructor library"
		fi
	else
		t_report fail "cc builds the \$ORIGIN programs"
	fi
else
	t_report ok "# SKIP no cc: the \$ORIGIN cases need a compiler"
fi

# a dynamic musl program (Alpine's kind): musl's ld.so is its libc, so
# DT_NEEDED libc.so is ld.so itself, and other libraries are looked up in
# /etc/ld-musl-x86_64.path, not ld.so.conf; ld.so finds its own start-up
# stages by name (__dls2b sets the thread pointer: set_tid_address)
if command -v musl-gcc >/dev/null && [ -e /lib/ld-musl-x86_64.so.1 ]; then
	printf '#include <unistd.h>\nint main(void) { return getppid() < 0; }\n' >mdyn.c
	if musl-gcc -o mdyn mdyn.c && readelf -d mdyn | grep -q 'NEEDED.*libc.so'; then
		rc=0
		"$SCMPKIT" extract --strict -o mdyn.json mdyn 2>mdyn.err || rc=$?
		"$SCMPKIT" extract -f names mdyn >mdyn.names 2>/dev/null
		if [ $rc = 0 ] && grep -qx getppid mdyn.names && grep -qx set_tid_address mdyn.names &&
			grep -qx arch_prctl mdyn.names; then
			t_report ok "a dynamic musl program: ld.so is its libc, every site resolved (--strict)"
		else
			t_report fail "a dynamic musl program (rc $rc)" mdyn.err
		fi
		expect_msg "... and it runs under its profile with no denial" 0 "denied or logged no call" \
			"$SCMPKIT" run -p mdyn.json --fail-on-denial -- ./mdyn
		# musl's ld.so names libc.so, which it answers with itself
		if ! grep -q 'may load libc.so' mdyn.err; then
			t_report ok "... no warning that it may load libc.so (ld.so is libc.so)"
		else
			t_report fail "... no warning that it may load libc.so (ld.so is libc.so)" mdyn.err
		fi
	else
		t_report fail "musl-gcc builds a dynamic program"
	fi
else
	t_report ok "# SKIP no musl-gcc or musl's ld.so: the dynamic musl case"
	t_report ok "# SKIP no musl-gcc or musl's ld.so: the dynamic musl case"
	t_report ok "# SKIP no musl-gcc or musl's ld.so: the dynamic musl case"
fi

# The names file FILE lists each NAME and no !NAME (it is shown when not).
names_hold() { # file [!]name...
	f=$1
	shift
	for w in "$@"; do
		case $w in
		!*) ! grep -qx -- "${w#!}" "$f" || { cat "$f"; return 1; } ;;
		*) grep -qx -- "$w" "$f" || { cat "$f"; return 1; } ;;
		esac
	done
}

# extract --strict of PROG succeeds, into PROG.names, and names_hold of it.
strict_names() { # prog [!]name...
	p=$1
	shift
	"$SCMPKIT" extract --strict -f names "$p" >"$p.names" 2>"$p.err" || { cat "$p.err"; return 1; }
	names_hold "$p.names" "$@"
}

# syscall stubs after the entry point, in a stripped program without unwind
# tables (Free Pascal's shape): each call target starts a function, so the
# stubs are wrappers and their callers' numbers count; they were lost before,
# without a warning
if command -v cc >/dev/null && command -v strip >/dev/null &&
	cc -O2 -fno-toplevel-reorder -static -nostdlib -no-pie -fno-asynchronous-unwind-tables \
		-o stub "$SK_SOURCE_ROOT/tests/data/extract/stub_after_entry.c" && strip stub; then
	ok "stubs after the entry of a stripped program: resolved (getppid, exit_group)" \
		strict_names stub getppid exit_group
else
	t_report ok "# SKIP cc cannot build the static stub program"
fi

# tables side by side that only code names, in a stripped program: one
# that only code that never runs names, laid out otherwise, is an object of
# its own (busybox's applets all reached each other through such neighbours);
# one array's element that other code names goes on with the array
if command -v cc >/dev/null && command -v strip >/dev/null &&
	cc -Os -fPIE -fno-toplevel-reorder -static -nostdlib -no-pie -o adj \
		"$SK_SOURCE_ROOT/tests/data/extract/adjacent_tables.c" && strip adj; then
	ok "adjacent tables: the reached table's calls count (getpid, gettid)" \
		strict_names adj getpid gettid
	ok "... an array goes on past an element other code names (getppid)" \
		names_hold adj.names getppid
	ok "... the next table, which only unreached code names, does not (getuid)" \
		names_hold adj.names '!getuid'
	ok "... an object only data points to ends where the layout breaks (sched_yield, not getgid)" \
		names_hold adj.names sched_yield '!getgid'
	ok "... tables of strings alike but for their NULLs are two (getegid)" \
		names_hold adj.names '!getegid'
else
	for i in 1 2 3 4 5; do t_report ok "# SKIP cc cannot build the static tables program"; done
fi

# a stripped program that kept one symbol, no unwind tables: the symbol
# splits the unbounded code in two gaps, and a call from one into the other
# starts a function there (busybox-static with only its libc's symbols had
# its code after each such symbol reach on through functions nothing calls)
if command -v cc >/dev/null && command -v strip >/dev/null &&
	cc -Os -fno-toplevel-reorder -static -nostdlib -no-pie -fno-asynchronous-unwind-tables \
		-o partial "$SK_SOURCE_ROOT/tests/data/extract/partial_symbols.c" &&
	strip --strip-all -K kept partial; then
	ok "a call into another gap starts a function there (getpid, not getuid)" \
		strict_names partial getpid '!getuid'
else
	t_report ok "# SKIP cc cannot build the program with one symbol"
fi

# a call through a function pointer variable in a fixed-address program:
# no relocation fills it, what it holds runs (it was lost, without a word)
if command -v cc >/dev/null &&
	cc -O2 -static -nostdlib -no-pie -o pointervar \
		"$SK_SOURCE_ROOT/tests/data/extract/pointer_variable.c"; then
	ok "a call through a pointer variable reaches what it holds (getppid)" \
		strict_names pointervar getppid exit_group
else
	t_report ok "# SKIP cc cannot build the pointer-variable program"
fi

# a table that code indexes as tab(%reg) in a fixed-address program (gcc
# -fno-pie): the operand names the table, and what it holds runs
if command -v cc >/dev/null &&
	cc -O2 -fno-pie -no-pie -static -nostdlib -o indexed \
		"$SK_SOURCE_ROOT/tests/data/extract/indexed_table.c"; then
	ok "a table named as tab(%reg) reaches what it holds (getppid, getuid)" \
		strict_names indexed getpid getppid getuid exit_group
else
	t_report ok "# SKIP cc cannot build the indexed-table program"
fi

# a syscall number in a struct's field that a function sets through the
# struct's address: not the file's value (getpid) but unknown, said
if command -v cc >/dev/null &&
	cc -O2 -static -nostdlib -o gfield "$SK_SOURCE_ROOT/tests/data/extract/global_field.c"; then
	expect_msg "a field set through its struct's address: an unresolved site, said" 0 \
		"_start at 0x[0-9a-f]+: call to sys[^ ]*, which takes a syscall number: the number is not a constant" \
		"$SCMPKIT" extract -f names gfield
	"$SCMPKIT" extract -f names gfield >gfield.names 2>/dev/null
	ok "... and not taken for its value in the file (getpid)" names_hold gfield.names '!getpid'
else
	for i in 1 2; do t_report ok "# SKIP cc cannot build the global-field program"; done
fi

# a function that ends in a tail jump, followed by one nothing calls, in a
# stripped program without unwind tables: what its start reaches ends at
# the jump (busybox's fputs_stdout ran on into xprint_and_close_file, and ls
# reached realpath through it); a block after the jump that a branch
# reaches, and a function only a tail jump reaches, still count
if command -v cc >/dev/null &&
	cc -Os -fno-toplevel-reorder -static -nostdlib -no-pie -fno-asynchronous-unwind-tables -s \
		-o tailjump "$SK_SOURCE_ROOT/tests/data/extract/tail_jump.c"; then
	ok "code after a tail jump that nothing reaches is not the function's (getegid, getgid, not getuid)" \
		strict_names tailjump getpid getegid getgid '!getuid'
else
	t_report ok "# SKIP cc cannot build the tail-jump program"
fi

# a stripped static glibc program: its libc.a names its libc's functions
# (the bodies match, and their calls land where libc.a says), so the
# priority-protection code counts only where pthread_mutexattr_setprotocol
# is (busybox-static reached five sched_* calls through pthread_mutex_lock)
libc_a=/usr/lib/x86_64-linux-gnu/libc.a
if command -v cc >/dev/null && [ -r "$libc_a" ] &&
	cc -O2 -static -s -o prio "$SK_SOURCE_ROOT/tests/data/extract/priority_mutex.c" &&
	cc -O2 -static -s -DSET_PROTOCOL -o prioset "$SK_SOURCE_ROOT/tests/data/extract/priority_mutex.c"; then
	expect_msg "stripped static: its functions named from libc.a, said" 0 \
		"prio: note: stripped: [0-9]+ of its functions are named from $libc_a" \
		"$SCMPKIT" extract -f names prio
	"$SCMPKIT" extract -f names prio >prio.names 2>/dev/null
	"$SCMPKIT" extract -f names prioset >prioset.names 2>/dev/null
	"$SCMPKIT" extract --no-debuginfo -f names prio >prio-nodbg.names 2>/dev/null
	ok "... a mutex lock without the protocol setter: no priority protection (sched_setscheduler)" \
		names_hold prio.names futex '!sched_setscheduler' '!sched_getparam'
	ok "... with the setter: kept" \
		names_hold prioset.names sched_setscheduler sched_getparam sched_get_priority_max
	ok "... --no-debuginfo: no names, kept" names_hold prio-nodbg.names sched_setscheduler
	# an image's libc.a that is not the program's, or not an archive: no name
	mkdir -p img/usr/lib/x86_64-linux-gnu && cp prio img/prio
	head -c 300000 "$libc_a" >img/usr/lib/x86_64-linux-gnu/libc.a
	expect_msg "... a truncated libc.a: names nothing, said" 0 \
		"does not name its functions: truncated or corrupt" \
		"$SCMPKIT" extract --no-cache --rootfs img -f names img/prio
	"$SCMPKIT" extract --no-cache --rootfs img -f names img/prio >img.names 2>/dev/null
	ok "... and the code counts as unnamed" names_hold img.names sched_setscheduler
	printf '!<arch>\n' >img/usr/lib/x86_64-linux-gnu/libc.a
	"$SCMPKIT" extract --no-cache --rootfs img -f names img/prio >img.names 2>img.err
	ok "... an empty archive: the same, silently" \
		sh -c "grep -qx sched_setscheduler img.names && ! grep -q 'libc.a' img.err"
else
	for i in 1 2 3 4 5 6 7; do t_report ok "# SKIP cc cannot build static glibc programs, or no libc.a"; done
fi

# a hostile region: 2 MB of one-byte functions ends, its site said
if command -v cc >/dev/null &&
	cc -nostdlib -static -s -o rets "$SK_SOURCE_ROOT/tests/data/extract/one_byte_functions.s"; then
	expect_msg "2 MB of one-byte functions: extracted, the site too large to analyse said" 0 \
		"larger than the value analysis takes .*extract-unresolved" "$SCMPKIT" extract -f names rets
	expect_msg "... and --strict refuses it" 1 "extract-unresolved" \
		"$SCMPKIT" extract --strict -f names rets
else
	t_report ok "# SKIP cc cannot build the program of one-byte functions"
fi

if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1; then
	mkdir -p theirs pub mine gw && chown nobody theirs && chmod 1777 pub
	chgrp "$(id -gn nobody)" gw && chmod 775 gw
	ln -s "$T_TMP/mine" pub/link && chown -h nobody pub/link
	ln -s "$T_TMP/mine" pub/ours
	for c in "theirs/cache:theirs: note: summary cache not used: owned by uid [0-9]+" \
		"pub/link/cache:pub/link: note: summary cache not used: a symlink of uid [0-9]+" \
		"gw/cache:gw: note: summary cache not used: writable by group or others"; do
		dir=${c%%:*}
		expect_msg "cache under $dir: not used, said once" 0 "${c#*:}" \
			env XDG_CACHE_HOME="$T_TMP/$dir" "$SCMPKIT" extract -f names "$PROG"
		if [ "$(grep -c 'cache not used' "$T_TMP/out")" = 1 ] && [ ! -e "$T_TMP/$dir" ] &&
			[ ! -e mine/cache ]; then
			t_report ok "... nothing created or read there"
		else
			t_report fail "... nothing created or read there" "$T_TMP/out"
		fi
	done
	XDG_CACHE_HOME="$T_TMP/pub/ours/cache" "$SCMPKIT" extract -f names "$PROG" >ours.names 2>/dev/null
	ok "through a symlink of ours in a sticky directory: used" \
		sh -c "cmp names ours.names && ls mine/cache/scmpkit/extract/*.summary"
	entry=$(ls mine/cache/scmpkit/extract/*.summary | head -1)
	chown nobody "$entry"
	XDG_CACHE_HOME="$T_TMP/pub/ours/cache" "$SCMPKIT" extract -f names "$PROG" >ours2.names 2>/dev/null
	ok "an entry of another user: not read, written anew" \
		sh -c "cmp names ours2.names && [ \$(stat -c %u '$entry') = 0 ]"
else
	t_report ok "# SKIP a cache in another user's directory needs root (and a user nobody)"
fi
done_testing
