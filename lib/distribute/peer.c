/* SPDX-License-Identifier: Apache-2.0 */
/* Who serves the other end of a TCP connection on this host (internal.h).
 *
 * Plain HTTP is allowed to loopback registries only, and a loopback port is
 * whoever binds it first: any local user can listen on one above 1024 before
 * the real registry does, or while it is down. What the kernel knows settles
 * it: the server side of this very connection is a socket in our network
 * namespace, listed in /proc/net/tcp or tcp6 with its local and remote ends
 * swapped, and a socket carries the uid of whoever made it (an accepted one,
 * the listener's until accept() and the accepting process's after). The
 * process tree says nothing: a child of root's process may be nobody's, and a
 * root daemon may hand its socket to another user.
 *
 * Only ESTABLISHED and SYN_RECV entries count: a TIME_WAIT or FIN_WAIT2 entry
 * on the same four addresses is a kernel leftover listed as uid 0. An IPv4
 * client of a dual-stack IPv6 server is in /proc/net/tcp, and its server side
 * in tcp6 as ::ffff:a.b.c.d: addresses are compared as IPv6, with IPv4 ones
 * mapped, and both files are read. */
#include "distribute/internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/cleanup.h"

/* The kernel's TCP states, as /proc/net/tcp numbers them (include/net/tcp_states.h). */
enum { TCP_ESTABLISHED = 1, TCP_SYN_RECV = 3 };

struct endpoint {
	unsigned char addr[16]; /* IPv6, IPv4 mapped (::ffff:a.b.c.d) */
	unsigned port;
};

static void map_v4(const unsigned char v4[4], unsigned char out[16])
{
	memset(out, 0, 10);
	out[10] = out[11] = 0xff;
	memcpy(out + 12, v4, 4);
}

static int endpoint_parse(const char *ip, int port, struct endpoint *e)
{
	unsigned char v4[4];
	if (port < 0 || port > 65535)
		return -EINVAL;
	e->port = (unsigned)port;
	if (inet_pton(AF_INET, ip, v4) == 1) {
		map_v4(v4, e->addr);
		return 0;
	}
	return inet_pton(AF_INET6, ip, e->addr) == 1 ? 0 : -EINVAL;
}

/* "0100007F:1F90" (tcp) or 32 hex digits and a port (tcp6): the kernel prints
 * each 32-bit word of the address as it lies in memory, read as a host-order
 * number, so the word written back in host order gives the bytes again. */
static int hex_endpoint(const char *hex, unsigned port, struct endpoint *e)
{
	size_t n = strlen(hex);
	if (n != 8 && n != 32)
		return -EINVAL;
	unsigned char raw[16];
	for (size_t w = 0; w < n / 8; w++) {
		char word[9];
		memcpy(word, hex + 8 * w, 8);
		word[8] = 0;
		char *end;
		uint32_t v = (uint32_t)strtoul(word, &end, 16);
		if (*end)
			return -EINVAL;
		memcpy(raw + 4 * w, &v, 4);
	}
	if (n == 8)
		map_v4(raw, e->addr);
	else
		memcpy(e->addr, raw, 16);
	e->port = port;
	return 0;
}

static bool same(const struct endpoint *a, const struct endpoint *b)
{
	return a->port == b->port && !memcmp(a->addr, b->addr, 16);
}

/* The uid of the entry of FILE whose local end is SERVER and remote end
 * CLIENT, in a state of a live connection: 0 found, -ENOENT not there. */
static int find_in(const char *file, const struct endpoint *server, const struct endpoint *client,
		   uid_t *uid)
{
	_sk_cleanup_fclose_ FILE *f = fopen(file, "re");
	if (!f)
		return errno == ENOENT ? -ENOENT : -errno; /* no IPv6 in this kernel */
	_sk_cleanup_free_ char *line = NULL;
	size_t cap = 0;
	int r = -ENOENT;
	while (r == -ENOENT && getline(&line, &cap, f) > 0) {
		char lhex[33], rhex[33];
		unsigned lport, rport, state, u;
		if (sscanf(line, " %*u: %32[0-9A-Fa-f]:%x %32[0-9A-Fa-f]:%x %x %*x:%*x %*x:%*x %*x %u",
			   lhex, &lport, rhex, &rport, &state, &u) != 6)
			continue; /* the heading */
		struct endpoint local, remote;
		if (hex_endpoint(lhex, lport, &local) < 0 || hex_endpoint(rhex, rport, &remote) < 0)
			continue;
		if ((state != TCP_ESTABLISHED && state != TCP_SYN_RECV) || !same(&local, server) ||
		    !same(&remote, client))
			continue;
		*uid = (uid_t)u;
		r = 0;
	}
	return r;
}

int sk_tcp_server_uid(const char *server_ip, int server_port, const char *client_ip,
		      int client_port, uid_t *uid)
{
	struct endpoint server, client;
	if (endpoint_parse(server_ip, server_port, &server) < 0 ||
	    endpoint_parse(client_ip, client_port, &client) < 0)
		return -EINVAL;
	/* thread-self: the network namespace of this thread, which made the
	 * connection, even where another thread of the process moved elsewhere */
	int r = find_in("/proc/thread-self/net/tcp", &server, &client, uid);
	if (r == -ENOENT)
		r = find_in("/proc/thread-self/net/tcp6", &server, &client, uid);
	return r;
}

/* In a user namespace, the uids it does not map all read as the overflow uid
 * (65534 by default) in /proc/net/tcp: then that number names nobody in
 * particular and proves nothing, even when it is ours. */
static bool overflow_ambiguous(uid_t uid)
{
	char buf[64];
	_sk_cleanup_fclose_ FILE *f = fopen("/proc/sys/kernel/overflowuid", "re");
	if (!f || !fgets(buf, sizeof buf, f) || (uid_t)strtoul(buf, NULL, 10) != uid)
		return false;
	_sk_cleanup_fclose_ FILE *m = fopen("/proc/self/uid_map", "re");
	unsigned long inside, outside, count;
	/* the initial namespace maps every uid: "0 0 4294967295" */
	return !m || fscanf(m, "%lu %lu %lu", &inside, &outside, &count) != 3 || inside != 0 ||
	       outside != 0 || count != 4294967295UL;
}

bool sk_uid_trusted(uid_t uid)
{
	return uid == 0 || (uid == geteuid() && !overflow_ambiguous(uid));
}
