/*
 * The arguments of an exec (proc_internal.h's struct exec_args): packed
 * from kernel vectors (the shell's spawn) or copied from user memory
 * (execve), with Linux's limits: one string at most PROC_ARG_STRLEN bytes
 * (MAX_ARG_STRLEN), strings plus their pointers at most PROC_ARG_MAX
 * (-E2BIG); and rewritten for a `#!` script the way Linux's
 * fs/binfmt_script.c does (interpreter, optional argument, script path,
 * then argv[1..]).
 * Locking: none; the caller's own memory and the calling process's user
 * memory.
 */
#include "include/uapi/errno.h"
#include "lib/shebang.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "mm/usercopy.h"
#include "proc/proc_internal.h"

#define PATH_BYTES 4096 /* PATH_MAX */
#define POINTER_BYTES 8 /* each string also costs its argv/envp slot */

void exec_args_free(struct exec_args *a)
{
	if (!a)
		return;
	kfree(a->path);
	kfree(a->filename);
	kfree(a->strings);
	kfree(a);
}

static struct exec_args *args_alloc(void)
{
	struct exec_args *a = kzalloc(sizeof(*a));

	if (a && !(a->strings = kmalloc(PROC_ARG_MAX))) {
		kfree(a);
		a = NULL;
	}
	return a;
}

static char *dup_string(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = kmalloc(n);

	if (d)
		memcpy(d, s, n);
	return d;
}

/* Append @s to @a's strings: 0 or -E2BIG. */
static int push(struct exec_args *a, const char *s, size_t *cost)
{
	size_t n = strlen(s) + 1;

	if (n > PROC_ARG_STRLEN || *cost + n + POINTER_BYTES > PROC_ARG_MAX)
		return -E2BIG;
	memcpy(a->strings + a->len, s, n);
	a->len += n;
	*cost += n + POINTER_BYTES;
	return 0;
}

/* Set path and filename; 0 or -ENOMEM. */
static int set_paths(struct exec_args *a, const char *path)
{
	a->path = dup_string(path);
	a->filename = dup_string(path);
	return a->path && a->filename ? 0 : -ENOMEM;
}

int exec_args_from_kernel(const char *path, char *const argv[], char *const envp[],
			  struct exec_args **out)
{
	struct exec_args *a = args_alloc();
	size_t cost = 0;
	int err;

	if (!a)
		return -ENOMEM;
	err = set_paths(a, path);
	for (; !err && argv && argv[a->argc]; a->argc++)
		err = push(a, argv[a->argc], &cost);
	for (; !err && envp && envp[a->envc]; a->envc++)
		err = push(a, envp[a->envc], &cost);
	if (err) {
		exec_args_free(a);
		return err;
	}
	*out = a;
	return 0;
}

/* Copy the user vector @uv (NULL-terminated array of string pointers; a
 * NULL @uv is empty) onto @a; *@count is how many. */
static int copy_vector(struct exec_args *a, uptr_t uv, int *count, size_t *cost)
{
	for (size_t i = 0; !uptr_is_null(uv); i++) {
		uint64_t ptr;
		size_t room = PROC_ARG_MAX - *cost;
		ssize_t n;

		if (copy_from_user(&ptr, uptr_add(uv, i * sizeof(ptr)), sizeof(ptr)))
			return -EFAULT;
		if (!ptr)
			return 0;
		if (room <= POINTER_BYTES)
			return -E2BIG;
		room -= POINTER_BYTES;
		n = strncpy_from_user(a->strings + a->len, uptr(ptr), MIN(room, PROC_ARG_STRLEN));
		if (n == -ENAMETOOLONG)
			return -E2BIG;
		if (n < 0)
			return (int)n;
		a->len += (size_t)n + 1;
		*cost += (size_t)n + 1 + POINTER_BYTES;
		(*count)++;
	}
	return 0;
}

int exec_args_from_user(uptr_t upath, uptr_t uargv, uptr_t uenvp, struct exec_args **out)
{
	struct exec_args *a = args_alloc();
	char *path = kmalloc(PATH_BYTES);
	size_t cost = 0;
	ssize_t n;
	int err;

	if (!a || !path) {
		kfree(path);
		exec_args_free(a);
		return -ENOMEM;
	}
	n = strncpy_from_user(path, upath, PATH_BYTES);
	err = n < 0 ? (int)n : n == 0 ? -ENOENT : 0;
	if (!err)
		err = copy_vector(a, uargv, &a->argc, &cost);
	/* Linux (5.18+) gives a program started with no argv an empty argv[0]. */
	if (!err && a->argc == 0 && !(err = push(a, "", &cost)))
		a->argc = 1;
	if (!err)
		err = copy_vector(a, uenvp, &a->envc, &cost);
	if (!err)
		err = set_paths(a, path);
	kfree(path);
	if (err) {
		exec_args_free(a);
		return err;
	}
	*out = a;
	return 0;
}

int exec_args_script(struct exec_args *a, const uint8_t *hdr, size_t n)
{
	char buf[SHEBANG_BUF];
	char *name, *arg, *old = a->strings, *s = old;
	size_t cost = 0;
	int err, argc = a->argc, envc = a->envc;

	memset(buf, 0, sizeof(buf));
	memcpy(buf, hdr, MIN(n, sizeof(buf)));
	err = shebang_parse(buf, &name, &arg);
	if (err)
		return err;
	if (!(a->strings = kmalloc(PROC_ARG_MAX))) {
		a->strings = old;
		return -ENOMEM;
	}
	a->len = 0;
	a->argc = 0;
	err = push(a, name, &cost);
	if (!err && arg)
		err = push(a, arg, &cost);
	if (!err)
		err = push(a, a->path, &cost);
	a->argc = arg ? 3 : 2;
	/* Then the old argv[1..] and the environment, as they were. */
	for (int i = 0; !err && i < argc + envc; i++, s += strlen(s) + 1)
		if (i > 0 || argc == 0)
			err = push(a, s, &cost);
	a->argc += argc > 0 ? argc - 1 : 0;
	a->envc = envc;
	kfree(old);
	if (!err) {
		kfree(a->path);
		a->path = dup_string(name);
		err = a->path ? 0 : -ENOMEM;
	}
	return err;
}
