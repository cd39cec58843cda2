/*
 * iokit.c — libkexthost's side of the I/O Kit requests (ioreg's registry
 * dump, devctl's device model): one connection per call, the request and
 * the reply as XML property lists (<kexthost/kh_iokit.h>).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <kexthost/libkexthost.h>
#include <kexthost/kh_iokit.h>

int
kh_iokit_call(uint32_t type, plist_t request, plist_t *reply, uint32_t *status)
{
	const char *path = khrq_socket_path();
	char *xml = NULL;
	uint32_t xlen = 0;
	void *rep = NULL;
	size_t rlen = 0;
	int fd = -1, err;

	*reply = NULL;
	*status = 0;
	if (path == NULL)
		return ENOENT;
	if (request != NULL) {
		plist_to_xml(request, &xml, &xlen);
		if (xml == NULL)
			return ENOMEM;
	}
	if ((err = khrq_connect(path, &fd)) != 0)
		goto out;
	if ((err = khrq_call(fd, type, xml, xlen, &rep, &rlen, status)) != 0 || *status != 0)
		goto out;
	if (rep == NULL || rlen == 0 || rlen > UINT32_MAX) {
		err = EPROTO;
		goto out;
	}
	plist_from_xml(rep, (uint32_t)rlen, reply);
	if (*reply == NULL)
		err = EPROTO;
out:
	if (fd >= 0)
		khrq_close(fd);
	free(rep);
	if (xml != NULL)
		plist_to_xml_free(xml);
	return err;
}

int
kh_iokit_errno(uint32_t status)
{
	/* Darwin and Linux agree on the errno numbers up to ERANGE (34). */
	if (status <= 34)
		return (int)status;
	return status == 45 ? EOPNOTSUPP : EIO;
}

const char *
kh_ioreturn_name(int32_t ret)
{
	static const struct {
		uint32_t code;
		const char *name;
	} names[] = {
	        {0, "kIOReturnSuccess"},
	        {0xe00002bc, "kIOReturnError"},
	        {0xe00002bd, "kIOReturnNoMemory"},
	        {0xe00002be, "kIOReturnNoResources"},
	        {0xe00002c0, "kIOReturnNoDevice"},
	        {0xe00002c1, "kIOReturnNotPrivileged"},
	        {0xe00002c2, "kIOReturnBadArgument"},
	        {0xe00002c7, "kIOReturnUnsupported"},
	        {0xe00002d8, "kIOReturnNotReady"},
	        {0xe00002df, "kIOReturnNoInterrupt"},
	        {0xe00002f0, "kIOReturnNotFound"},
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (names[i].code == (uint32_t)ret)
			return names[i].name;
	}
	return NULL;
}
