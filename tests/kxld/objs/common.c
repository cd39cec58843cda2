/* common.c — built with -fcommon: tentative definitions become common symbols, which kxld refuses. */
int common_counter;
int common_table[8];
int kmod_info = 1;

int
common_get(void)
{
	return common_counter + common_table[1];
}
