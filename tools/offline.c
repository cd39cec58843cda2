/*
 * offline.c — boot the kernel core inside an offline kext tool and give it
 * requests (see offline.h). The in-process kernel belongs to the tool alone,
 * so requests reach it as root: privilege guards a shared running kernel,
 * and the files' ownership is still checked (authentication) unless -z.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "host/khost.h"
#include "tools/k_offline.h"
#include "tools/offline.h"

static char root_path[PATH_MAX];

const char *
offline_root(void)
{
	const char *env = getenv("KEXTHOST_ROOT");
	char exe[PATH_MAX];
	ssize_t n;

	if (root_path[0] != '\0')
		return root_path;
	if (env != NULL && *env != '\0') {
		snprintf(root_path, sizeof(root_path), "%s", env);
		return root_path;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash != NULL)
			*slash = '\0';
		if (strlen(exe) + sizeof("/../root") <= sizeof(root_path)) {
			strcpy(root_path, exe);
			strcat(root_path, "/../root");
			return root_path;
		}
	}
	snprintf(root_path, sizeof(root_path), "kexthost-root");
	return root_path;
}

void
offline_boot(const char *extensions)
{
	struct kernel_boot_params params = {
	        .root = NULL, .boot_args = "", .flags = KERNEL_BOOT_QUIET | KERNEL_BOOT_NO_SELFCHECK};
	char ext[PATH_MAX + 16];
	int err = kernel_bootstrap(&params);

	if (err != 0) {
		fprintf(stderr, "Can't start the kernel core in this process (Darwin errno %d).\n", err);
		exit(71);
	}
	if (extensions == NULL) {
		snprintf(ext, sizeof(ext), "%s/Extensions", offline_root());
		extensions = ext;
	}
	k_offline_setup(extensions);
}

int
offline_transport(void *ctx, const void *req, size_t len, void **reply, size_t *reply_len, uint32_t *status)
{
	void *kr = NULL;
	size_t kl = 0;

	*reply = NULL;
	*reply_len = 0;
	k_offline_request(getpid(), 0, 0, req, len, &kr, &kl, status);
	if (kl != 0) {
		*reply = malloc(kl);
		if (*reply == NULL) {
			k_offline_free(kr, kl);
			return ENOMEM;
		}
		memcpy(*reply, kr, kl);
		*reply_len = kl;
	}
	k_offline_free(kr, kl);
	return 0;
}
