// SPDX-License-Identifier: Apache-2.0
// golang.org/x/sys/unix (Debian's golang-golang-x-sys-dev): its Syscall and
// RawSyscallNoError stubs take the number on the stack (ABI0).
package main

import (
	"fmt"

	"golang.org/x/sys/unix"
)

func main() {
	var u unix.Utsname
	if err := unix.Uname(&u); err != nil {
		panic(err)
	}
	fd, err := unix.Open("/etc/hostname", unix.O_RDONLY, 0)
	if err != nil {
		panic(err)
	}
	var st unix.Stat_t
	unix.Fstat(fd, &st)
	buf := make([]byte, 64)
	n, _ := unix.Read(fd, buf)
	unix.Close(fd)
	fmt.Println(unix.ByteSliceToString(u.Sysname[:]), n > 0, st.Size > 0, unix.Getpid() > 0)
}
