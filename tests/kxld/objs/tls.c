/* tls.c — thread-local variables, which kernel code cannot have. */
__thread int tls_counter;
int kmod_info = 1;

int
tls_bump(void)
{
	return ++tls_counter;
}
