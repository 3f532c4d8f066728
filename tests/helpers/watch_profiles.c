/* SPDX-License-Identifier: Apache-2.0 */
/* watch_profiles DIR STOPFILE: what a container runtime sees while node-sync
 * works. Reads every *.json in DIR over and over, as a runtime opens a
 * Localhost profile at any instant, and parses each read as a profile; stops
 * when STOPFILE exists. Prints "reads=N invalid=M" and exits 1 when any read
 * was not a whole, valid profile (the first one is shown). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <scmpkit/fileio.h>
#include <scmpkit/profile.h>

static int check(const char *path, unsigned long *reads)
{
	char *text = NULL;
	size_t len = 0;
	int r = sk_read_input(path, SK_INPUT_PROFILE, &text, &len);
	if (r < 0)
		return 0; /* removed between readdir and open: a runtime gets ENOENT, not half a file */
	(*reads)++;
	struct sk_diags d = {0};
	struct sk_profile *p = sk_profile_parse(text, len, path, &d);
	int bad = !p;
	if (bad) {
		fprintf(stderr, "invalid read of %s (%zu bytes):\n", path, len);
		for (size_t i = 0; i < d.n && i < 3; i++)
			fprintf(stderr, "  %s\n", d.v[i].message);
	}
	sk_profile_free(p);
	sk_diags_free(&d);
	free(text);
	return bad;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: watch_profiles DIR STOPFILE\n");
		return 2;
	}
	unsigned long reads = 0, invalid = 0;
	while (access(argv[2], F_OK) != 0) {
		DIR *d = opendir(argv[1]);
		if (!d) {
			usleep(1000);
			continue;
		}
		struct dirent *de;
		while ((de = readdir(d))) {
			size_t n = strlen(de->d_name);
			if (de->d_name[0] == '.' || n < 6 || strcmp(de->d_name + n - 5, ".json"))
				continue;
			char path[4096];
			snprintf(path, sizeof path, "%s/%s", argv[1], de->d_name);
			if (check(path, &reads) && !invalid++)
				fprintf(stderr, "first invalid read: %s\n", path);
		}
		closedir(d);
	}
	printf("reads=%lu invalid=%lu\n", reads, invalid);
	return invalid ? 1 : 0;
}
