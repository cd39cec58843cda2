/* client.c — a kext that links against a library kext (meta.o exports meta_library_function). */
extern int meta_library_function(int x);
extern int meta_hidden_function(int x);
int kmod_info = 1;

int
client_call(int x)
{
	return meta_library_function(x) + 1;
}

#ifdef CLIENT_USES_HIDDEN
int
client_hidden(int x)
{
	return meta_hidden_function(x);
}
#endif
