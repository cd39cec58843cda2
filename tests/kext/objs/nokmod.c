/*
 * nokmod.c — a test kext executable without kmod_info (the loader must
 * refuse it: "The kext is missing its kmod_info structure.").
 */
int nokmod_value = 1;

int
nokmod_fn(void)
{
	return nokmod_value;
}
