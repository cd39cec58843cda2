/*
 * test_userclient.c — IOUserClient in the kernel: every IOExternalMethodDispatch
 * check of externalMethod (scalar counts, structure sizes, variable sizes,
 * unknown selectors, an entry without a function), IOService's default
 * newUserClient (IOUserClientClass as string or symbol, missing or wrong
 * classes, initWithTask refusing, privileged types) and clientHasPrivilege.
 * The connection routines are in test_uc_connect.c.
 */
#include "tests/iokit/uckit.h"

/* A user client that overrides nothing: the defaults. */
OSDeclareDefaultStructors(UCBare, IOUserClient);
struct UCBare {
	IOUserClient super;
};
OSDefineMetaClassAndStructors(UCBare, IOUserClient, NULL);

/* ---- helpers ---------------------------------------------------------------------- */

static IOExternalMethodArguments
margs(const uint64_t *in, uint32_t nin, uint64_t *out, uint32_t nout, const void *sin, uint32_t nsin,
      void *sout, uint32_t nsout)
{
	IOExternalMethodArguments a;

	memset(&a, 0, sizeof(a));
	a.version = kIOExternalMethodArgumentsCurrentVersion;
	a.scalarInput = in;
	a.scalarInputCount = nin;
	a.scalarOutput = out;
	a.scalarOutputCount = nout;
	a.structureInput = sin;
	a.structureInputSize = nsin;
	a.structureOutput = sout;
	a.structureOutputSize = nsout;
	return a;
}

static IOUserClient *
new_client(const char *cls, task_t task)
{
	IOUserClient *uc = (IOUserClient *)OSMetaClass_allocClassWithCString(cls);

	ck_assert_ptr_nonnull(uc);
	ck_assert(IOUserClient_initWithTask(uc, task, task, 0, NULL));
	return uc;
}

/* ---- externalMethod ------------------------------------------------------------------ */

START_TEST(dispatch_checks_counts_and_sizes)
{
	IOUserClient *uc = new_client("UCTestUserClient", kernel_task);
	uint64_t in[17] = {40, 2, 3}, out[17] = {0};
	uint8_t s16[17], o16[17], big[4096];
	IOExternalMethodArguments a;

	for (int i = 0; i < 17; i++)
		s16[i] = (uint8_t)i;
	/* scalars: exact counts each way */
	a = margs(in, 2, out, 1, NULL, 0, NULL, 0);
	ck_assert_int_eq(IOUserClient_externalMethod(uc, kUCAdd, &a, NULL, NULL, NULL), kIOReturnSuccess);
	ck_assert_uint_eq(out[0], 42);
	for (uint32_t nin = 0; nin <= 3; nin++) {
		for (uint32_t nout = 0; nout <= 2; nout++) {
			a = margs(in, nin, out, nout, NULL, 0, NULL, 0);
			ck_assert_int_eq(IOUserClient_externalMethod(uc, kUCAdd, &a, NULL, NULL, NULL),
			                 nin == 2 && nout == 1 ? kIOReturnSuccess : kIOReturnBadArgument);
		}
	}
	/* a structure where none is expected */
	a = margs(in, 2, out, 1, s16, 1, NULL, 0);
	ck_assert_int_eq(IOUserClient_externalMethod(uc, kUCAdd, &a, NULL, NULL, NULL), kIOReturnBadArgument);
	a = margs(in, 2, out, 1, NULL, 0, o16, 4);
	ck_assert_int_eq(IOUserClient_externalMethod(uc, kUCAdd, &a, NULL, NULL, NULL), kIOReturnBadArgument);
	/* fixed structures: 16 in, 16 out, exactly */
	a = margs(NULL, 0, NULL, 0, s16, 16, o16, 16);
	ck_assert_int_eq(IOUserClient_externalMethod(uc, kUCFixed, &a, NULL, NULL, NULL), kIOReturnSuccess);
	ck_assert_uint_eq(o16[0], 15);
	ck_assert_uint_eq(o16[15], 0);
	for (uint32_t n = 15; n <= 17; n += 2) {
		a = margs(NULL, 0, NULL, 0, s16, n, o16, 16);
		ck_assert_int_eq(IOUserClient_externalMethod(uc, kUCFixed, &a, NULL, NULL, NULL),
		                 kIOReturnBadArgument);
		a = margs(NULL, 0, NULL, 0, s16, 16, o16, n);
		ck_assert_int_eq(IOUserClient_externalMethod(uc, kUCFixed, &a, NULL, NULL, NULL),
		                 kIOReturnBadArgument);
	}
	a = margs(in, 1, NULL, 0, s16, 16, o16, 16);
	ck_assert_int_eq(IOUserClient_externalMethod(uc, kUCFixed, &a, NULL, NULL, NULL),
	                 kIOReturnBadArgument);
	/* variable structures: any size, including none and the largest inband */
	memset(big, 0x5a, sizeof(big));
	a = margs(NULL, 0, NULL, 0, NULL, 0, NULL, 0);
	ck_assert_int_eq(IOUserClient_externalMethod(uc, kUCEcho, &a, NULL, NULL, NULL), kIOReturnSuccess);
	ck_assert_uint_eq(a.structureOutputSize, 0);
	a = margs(NULL, 0, NULL, 0, big, sizeof(big), o16, 7);
	ck_assert_int_eq(IOUserClient_externalMethod(uc, kUCEcho, &a, NULL, NULL, NULL), kIOReturnSuccess);
	ck_assert_uint_eq(a.structureOutputSize, 7);
	ck_assert_uint_eq(o16[6], 0x5a);
	a = margs(in, 1, NULL, 0, big, 3, o16, 7); /* ...but the scalar count still checked */
	ck_assert_int_eq(IOUserClient_externalMethod(uc, kUCEcho, &a, NULL, NULL, NULL),
	                 kIOReturnBadArgument);
	/* 16 scalars each way; 15 or 17 refused */
	for (int i = 0; i < 16; i++)
		in[i] = (uint64_t)i + 1;
	a = margs(in, 16, out, 16, NULL, 0, NULL, 0);
	ck_assert_int_eq(IOUserClient_externalMethod(uc, kUCScalars16, &a, NULL, NULL, NULL),
	                 kIOReturnSuccess);
	ck_assert_uint_eq(out[15], 32);
	a = margs(in, 15, out, 16, NULL, 0, NULL, 0);
	ck_assert_int_eq(IOUserClient_externalMethod(uc, kUCScalars16, &a, NULL, NULL, NULL),
	                 kIOReturnBadArgument);
	a = margs(in, 16, out, 17, NULL, 0, NULL, 0);
	ck_assert_int_eq(IOUserClient_externalMethod(uc, kUCScalars16, &a, NULL, NULL, NULL),
	                 kIOReturnBadArgument);
	/* variable scalar counts */
	a = margs(in, 5, out, 3, NULL, 0, NULL, 0);
	ck_assert_int_eq(IOUserClient_externalMethod(uc, kUCVariable, &a, NULL, NULL, NULL),
	                 kIOReturnSuccess);
	ck_assert_uint_eq(a.scalarOutputCount, 3);
	OSObject_release(uc);
}
END_TEST

START_TEST(dispatch_selectors_and_defaults)
{
	IOUserClient *uc = new_client("UCTestUserClient", kernel_task),
	             *bare = new_client("UCBare", kernel_task);
	IOExternalMethodDispatch d = {uct_add, 2, 0, 1, 0};
	uint64_t in[2] = {1, 2}, out[1];
	IOExternalMethodArguments a = margs(NULL, 0, NULL, 0, NULL, 0, NULL, 0);
	IOMemoryDescriptor *md = (IOMemoryDescriptor *)1;
	IOOptionBits opts = 0;

	/* the subclass's range check */
	ck_assert_int_eq(IOUserClient_externalMethod(uc, kUCMethodCount, &a, NULL, NULL, NULL),
	                 kIOReturnUnsupported);
	ck_assert_int_eq(IOUserClient_externalMethod(uc, 0xffffffffu, &a, NULL, NULL, NULL),
	                 kIOReturnUnsupported);
	/* an entry without a function: the checks pass, then kIOReturnNoCompletion */
	ck_assert_int_eq(IOUserClient_externalMethod(uc, kUCNoFunction, &a, NULL, NULL, NULL),
	                 kIOReturnNoCompletion);
	/* IOUserClient's own: nothing without a dispatch entry; with one, the checks and the call */
	ck_assert_int_eq(IOUserClient_externalMethod(bare, 0, &a, NULL, NULL, NULL), kIOReturnUnsupported);
	a = margs(in, 2, out, 1, NULL, 0, NULL, 0);
	ck_assert_int_eq(IOUserClient_externalMethod(bare, 7, &a, &d, OSObj(bare), NULL), kIOReturnSuccess);
	ck_assert_uint_eq(out[0], 3);
	ck_assert_int_eq(IOUserClient_externalMethod(bare, 7, NULL, &d, OSObj(bare), NULL),
	                 kIOReturnBadArgument);
	/* the other defaults */
	ck_assert_int_eq(IOUserClient_clientMemoryForType(bare, 0, &opts, &md), kIOReturnUnsupported);
	ck_assert_int_eq(IOUserClient_registerNotificationPort(bare, NULL, 0, 0), kIOReturnUnsupported);
	ck_assert_int_eq(IOUserClient_connectClient(bare, uc), kIOReturnUnsupported);
	ck_assert_ptr_eq(IOUserClient_getService(bare), NULL); /* not attached */
	ck_assert_ptr_eq(IOUserClient_getOwner(bare), kernel_task);
	/* an abstract class can't be made */
	ck_assert_ptr_null(OSMetaClass_allocClassWithCString("IOUserClient"));
	OSObject_release(uc);
	OSObject_release(bare);
}
END_TEST

/* ---- newUserClient and privileges ---------------------------------------------------------- */

START_TEST(new_user_client_default)
{
	IOService *s = new_service("UCTestUserClient");
	IOUserClient *uc = NULL;
	proc_t p = attach(0);
	task_t t = proc_task(p);
	const OSSymbol *sym;

	ck_assert_int_eq(IOService_newUserClient(s, t, t, kUCTypeNormal, NULL, &uc), kIOReturnSuccess);
	ck_assert_ptr_nonnull(OSDynamicCast(UCTestUserClient, uc));
	ck_assert_ptr_eq(IOUserClient_getService(uc), s);
	ck_assert_ptr_eq(IOUserClient_getOwner(uc), t);
	ck_assert(IORegistryEntry_isParent(IORegEntry_(uc), IORegEntry_(s), gIOServicePlane));
	ck_assert_uint_eq(uct_get(UCStatOpens), 1);
	IOService_terminate(uc, kIOServiceSynchronous);
	OSSafeReleaseNULL(uc);
	ck_assert_uint_eq(wait64(&uct_stat[UCStatFrees], 1), 1);

	/* the class name as a symbol works too */
	sym = OSSymbol_withCString("UCTestUserClient");
	ck_assert(IORegistryEntry_setPropertyCString(s, kIOUserClientClassKey, sym));
	OSObject_release(sym);
	ck_assert_int_eq(IOService_newUserClient(s, t, t, kUCTypeNormal, NULL, &uc), kIOReturnSuccess);
	IOService_terminate(uc, kIOServiceSynchronous);
	OSSafeReleaseNULL(uc);

	/* initWithTask refusing: kIOReturnBadArgument, nothing attached */
	uc = (IOUserClient *)1;
	ck_assert_int_eq(IOService_newUserClient(s, t, t, kUCTypeRefuse, NULL, &uc), kIOReturnBadArgument);
	ck_assert_ptr_null(uc);
	ck_assert_ptr_null(IOService_getClient(s));
	/* no such class, not a user client, no property */
	ck_assert(IORegistryEntry_setPropertyString(s, kIOUserClientClassKey, "NoSuchUserClient"));
	ck_assert_int_eq(IOService_newUserClient(s, t, t, 0, NULL, &uc), kIOReturnNoMemory);
	ck_assert(IORegistryEntry_setPropertyString(s, kIOUserClientClassKey, "OSString"));
	ck_assert_int_eq(IOService_newUserClient(s, t, t, 0, NULL, &uc), kIOReturnUnsupported);
	IORegistryEntry_removePropertyCString(s, kIOUserClientClassKey);
	ck_assert_int_eq(IOService_newUserClientDefault(s, t, t, 0, NULL, &uc), kIOReturnUnsupported);
	ck_assert_int_eq(IOService_newUserClientDefault(s, t, t, 0, NULL, NULL), kIOReturnBadArgument);
	/* a plain IOService has no user clients */
	ck_assert_int_eq(IOService_newUserClient(IOService_getResourceService(), t, t, 0, NULL, &uc),
	                 kIOReturnUnsupported);
	proc_exit(p);
	drop_service(s);
}
END_TEST

START_TEST(privileges)
{
	proc_t root = attach(0), user = attach(501);
	IOService *s = new_service("UCTestUserClient");
	IOUserClient *uc = NULL;

	ck_assert_int_eq(IOUserClient_clientHasPrivilege(proc_task(root), kIOClientPrivilegeAdministrator),
	                 kIOReturnSuccess);
	ck_assert_int_eq(IOUserClient_clientHasPrivilege(proc_task(user), kIOClientPrivilegeAdministrator),
	                 kIOReturnNotPrivileged);
	ck_assert_int_eq(IOUserClient_clientHasPrivilege(kernel_task, kIOClientPrivilegeAdministrator),
	                 kIOReturnSuccess);
	ck_assert_int_eq(IOUserClient_clientHasPrivilege(proc_task(user), kIOClientPrivilegeLocalUser),
	                 kIOReturnSuccess);
	ck_assert_int_eq(IOUserClient_clientHasPrivilege(proc_task(user), kIOClientPrivilegeForeground),
	                 kIOReturnSuccess);
	ck_assert_int_eq(IOUserClient_clientHasPrivilege(proc_task(user), "secureconsole"),
	                 kIOReturnUnsupported);
	ck_assert_int_eq(IOUserClient_clientHasPrivilege(proc_task(user), NULL), kIOReturnBadArgument);
	ck_assert_int_eq(IOUserClient_clientHasPrivilege(NULL, kIOClientPrivilegeAdministrator),
	                 kIOReturnBadArgument);
	ck_assert_ptr_eq(get_bsdtask_info(proc_task(user)), user);
	/* the test service's admin-only type */
	ck_assert_int_eq(
	        IOService_newUserClient(s, proc_task(user), proc_task(user), kUCTypeAdmin, NULL, &uc),
	        kIOReturnNotPrivileged);
	ck_assert_int_eq(
	        IOService_newUserClient(s, proc_task(root), proc_task(root), kUCTypeAdmin, NULL, &uc),
	        kIOReturnSuccess);
	IOService_terminate(uc, kIOServiceSynchronous);
	OSSafeReleaseNULL(uc);
	proc_exit(user);
	proc_exit(root);
	drop_service(s);
}
END_TEST

Suite *
ktest_suite(void)
{
	Suite *s = suite_create("userclient");
	TCase *tc = ktest_tcase("userclient");

	tcase_add_test(tc, dispatch_checks_counts_and_sizes);
	tcase_add_test(tc, dispatch_selectors_and_defaults);
	tcase_add_test(tc, new_user_client_default);
	tcase_add_test(tc, privileges);
	suite_add_tcase(s, tc);
	return s;
}
