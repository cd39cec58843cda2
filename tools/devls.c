/*
 * devls.c — list the hosted kernel's /dev nodes (the kern.kexthost.devfs
 * sysctl) like `ls -l /dev`:
 *
 *   crw-rw-rw-  root  wheel    3,   2  null
 *
 * devls [name ...] shows only the named nodes. Exit 1 when the kernel can't
 * be reached or a named node does not exist.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kexthost/kh_sysctl.h>

static void
mode_string(unsigned int m, char out[11])
{
	static const char rwx[] = "rwxrwxrwx";

	out[0] = 'c';
	for (int i = 0; i < 9; i++)
		out[1 + i] = (m & (0400u >> i)) ? rwx[i] : '-';
	out[10] = '\0';
}

int
main(int argc, char **argv)
{
	size_t len = 0;
	char *buf, *line, *save = NULL;
	int status = 0, shown = 0;

	if (kh_sysctlbyname("kern.kexthost.devfs", NULL, &len, NULL, 0) != 0) {
		fprintf(stderr, "devls: %s\n", strerror(errno));
		return 1;
	}
	len += 4096;
	buf = calloc(1, len + 1);
	if (buf == NULL || kh_sysctlbyname("kern.kexthost.devfs", buf, &len, NULL, 0) != 0) {
		fprintf(stderr, "devls: %s\n", strerror(errno));
		return 1;
	}
	for (line = strtok_r(buf, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		unsigned int mode, uid, gid;
		int maj, min, off = 0;
		char mstr[11];

		if (sscanf(line, "c%o %u %u %d %d %n", &mode, &uid, &gid, &maj, &min, &off) != 5 || off == 0)
			continue;
		if (argc > 1) {
			int want = 0;
			for (int i = 1; i < argc; i++) {
				const char *n = strncmp(argv[i], "/dev/", 5) == 0 ? argv[i] + 5 : argv[i];
				size_t nl = strlen(n);
				if (strncmp(line + off, n, nl) == 0 &&
				    (line[off + nl] == '\0' || line[off + nl] == ' '))
					want = 1;
			}
			if (!want)
				continue;
		}
		mode_string(mode, mstr);
		printf("%s  %5u  %5u  %3d, %3d  %s\n", mstr, uid, gid, maj, min, line + off);
		shown++;
	}
	if (argc > 1 && shown < argc - 1)
		status = 1;
	free(buf);
	return status;
}
