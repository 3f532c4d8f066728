// SPDX-License-Identifier: Apache-2.0
// The article's program: gosystract printed 14 syscalls for it; it makes 19.
package main

import "fmt"

func main() { fmt.Println("test") }
