/* unresolved.c — imports two symbols the resolver does not know (golden diagnostics). */
extern int kxld_missing_one(void);
extern int kxld_missing_two;
extern int kxld_test_kernel_callback(int x);
int kmod_info;

int
unresolved_entry(void)
{
	return kxld_missing_one() + kxld_missing_two + kxld_test_kernel_callback(1);
}
