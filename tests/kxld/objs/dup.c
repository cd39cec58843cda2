/* dup.c — after `objcopy --redefine-sym dup_second=dup_first` it defines dup_first twice. */
int kmod_info = 1;

int
dup_first(void)
{
	return 1;
}

int
dup_second(void)
{
	return 2;
}
